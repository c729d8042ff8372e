import net from 'node:net';
import tls from 'node:tls';
import t, { type Test } from 'tap';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/index.js';
import { FAULTS, FAULT_NAMES, faultAppliesTo, isFaultName, type FaultName } from '../../../src/sandbox/faults/table.js';
import { FAULT_PROTOCOLS } from '../../../src/sandbox/faults/responders.js';

/** The list, by the names the table gives them. */
const REQUIRED: readonly FaultName[] = [
  'close-after-greeting',
  'close-mid-reply',
  'never-answer',
  'slow-bytes',
  'huge-line',
  'garbage',
  'imap-wrong-tag',
  'imap-short-literal',
  'pop3-endless-reply',
  'tls-handshake-failure',
  'reset-during-data',
  'shutdown-mid-transaction',
];

async function faulty(t: Test, fault: FaultName, options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ fault, ...options });
  t.teardown(() => sandbox.close());
  return sandbox;
}

/** A raw client that records everything the server sends, and how the connection ended. */
function rawClient(t: Test, url: string): { socket: net.Socket; received: () => Buffer; ended: Promise<'end' | 'reset'>; nextData: () => Promise<void> } {
  const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
  t.teardown(() => void socket.destroy());
  const chunks: Buffer[] = [];
  let waiter: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    waiter?.();
  });
  const ended = new Promise<'end' | 'reset'>((resolve) => {
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNRESET' ? 'reset' : 'end'));
    socket.once('end', () => resolve('end'));
  });
  return {
    socket,
    received: () => Buffer.concat(chunks),
    ended,
    nextData: () => new Promise((resolve) => (waiter = resolve)),
  };
}

async function until(client: ReturnType<typeof rawClient>, pattern: RegExp): Promise<string> {
  while (!pattern.test(client.received().toString('latin1'))) await client.nextData();
  return client.received().toString('latin1');
}

t.test('the table has every fault the issue lists, each with a description and its protocols', async (t) => {
  for (const name of REQUIRED) t.ok(isFaultName(name), name);
  t.same(FAULT_NAMES.sort(), [...REQUIRED].sort());
  for (const name of FAULT_NAMES) {
    t.ok(FAULTS[name].description.length > 10, `${name} is described`);
    t.ok(FAULTS[name].protocols.length > 0);
  }
  t.ok(faultAppliesTo('imap-wrong-tag', 'imap'));
  t.notOk(faultAppliesTo('imap-wrong-tag', 'pop3'));
  t.notOk(faultAppliesTo('reset-during-data', 'imap'));
  t.same(FAULTS['never-answer'].protocols, FAULT_PROTOCOLS);
});

t.test('only the protocols a fault applies to are faulty; faultProtocols narrows it further', async (t) => {
  const sandbox = await faulty(t, 'pop3-endless-reply');
  const smtp = rawClient(t, sandbox.targets.smtp);
  t.match(await until(smtp, /\r\n/), /^220 mx\.example\.test ESMTP mailprobe sandbox/, 'SMTP stays healthy');
  const narrowed = await faulty(t, 'never-answer', { faultProtocols: ['smtp'] });
  const pop3 = rawClient(t, narrowed.targets.pop3);
  t.match(await until(pop3, /\r\n/), /^\+OK mailprobe sandbox POP3 ready </, 'POP3 healthy (the real server, with its APOP timestamp)');
});

t.test('close-after-greeting: greeting, then FIN at the first command', async (t) => {
  const sandbox = await faulty(t, 'close-after-greeting');
  const client = rawClient(t, sandbox.targets.pop3);
  await until(client, /^\+OK .*\r\n$/);
  client.socket.write('USER alice\r\n');
  t.equal(await client.ended, 'end');
  t.equal(client.received().toString(), '+OK mailprobe sandbox POP3 ready\r\n', 'nothing after the greeting');
});

t.test('close-mid-reply: POP3 RETR cut halfway through its body', async (t) => {
  const sandbox = await faulty(t, 'close-mid-reply');
  const client = rawClient(t, sandbox.targets.pop3);
  await until(client, /\r\n/);
  client.socket.write('USER alice\r\nPASS alicepw\r\nSTAT\r\nRETR 1\r\n');
  t.equal(await client.ended, 'end');
  const text = client.received().toString();
  t.match(text, /\+OK 1 \d+\r\n\+OK \d+ octets\r\nFrom: /, 'single-line replies whole, then the start of RETR');
  t.notMatch(text, /\r\n\.\r\n$/, 'no terminator');
});

t.test('close-mid-reply: SMTP EHLO cut inside its 250- lines', async (t) => {
  const sandbox = await faulty(t, 'close-mid-reply');
  const client = rawClient(t, sandbox.targets.smtp);
  await until(client, /\r\n/);
  client.socket.write('EHLO probe.example\r\n');
  t.equal(await client.ended, 'end');
  t.match(client.received().toString(), /\r\n250-[^\r\n]*(\r\n250-[^\r\n]*)*$|\r\n250-.*[^\n]$/);
  t.notMatch(client.received().toString(), /\r\n250 /, 'never the last line');
});

t.test('never-answer: not a byte, not even a greeting', async (t) => {
  const sandbox = await faulty(t, 'never-answer');
  const client = rawClient(t, sandbox.targets.imap);
  client.socket.write('a001 CAPABILITY\r\n');
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(client.received().length, 0);
});

t.test('slow-bytes: one byte per 100 ms', async (t) => {
  const sandbox = await faulty(t, 'slow-bytes');
  const client = rawClient(t, sandbox.targets.smtp);
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 450));
  const bytes = client.received().length;
  t.ok(bytes >= 3 && bytes <= 6, `${bytes} bytes in ${Date.now() - started} ms`);
});

t.test('huge-line: a 1 MiB greeting without CRLF', async (t) => {
  const sandbox = await faulty(t, 'huge-line');
  const client = rawClient(t, sandbox.targets.smtp);
  while (client.received().length < 1024 * 1024) await client.nextData();
  t.equal(client.received().length, 1024 * 1024);
  t.equal(client.received().indexOf('\n'), -1, 'no line end at all');
  t.equal(client.received().subarray(0, 4).toString(), '220 ');
});

t.test('garbage: 4 KiB of random octets, the first one not ASCII', async (t) => {
  const sandbox = await faulty(t, 'garbage');
  const client = rawClient(t, sandbox.targets.pop3);
  while (client.received().length < 4096) await client.nextData();
  t.equal(client.received().length, 4096);
  t.ok(client.received()[0]! >= 0x80);
});

t.test('imap-wrong-tag and imap-short-literal', async (t) => {
  const wrongTag = await faulty(t, 'imap-wrong-tag');
  const tag = rawClient(t, wrongTag.targets.imap);
  await until(tag, /\r\n/);
  tag.socket.write('A001 NOOP\r\n');
  t.match(await until(tag, /NOOP completed\r\n$/), /\r\nXA001 OK NOOP completed\r\n$/);

  const literal = await faulty(t, 'imap-short-literal');
  const short = rawClient(t, literal.targets.imap);
  await until(short, /\r\n/);
  short.socket.write('A1 SELECT INBOX\r\nA2 FETCH 1 BODY[]\r\n');
  const text = await until(short, /A2 OK/);
  const [, announced] = /\{(\d+)\}\r\n/.exec(text)!;
  const after = text.slice(text.indexOf('}\r\n') + 3);
  t.ok(Number(announced) > Buffer.byteLength(after), `announces ${announced}, sends ${Buffer.byteLength(after)} (tagged line included)`);
});

t.test('pop3-endless-reply: lines keep coming, never the terminator', async (t) => {
  const sandbox = await faulty(t, 'pop3-endless-reply');
  const client = rawClient(t, sandbox.targets.pop3);
  await until(client, /\r\n/);
  client.socket.write('CAPA\r\n');
  const text = await until(client, /line 20 of a reply/);
  t.notMatch(text, /\r\n\.\r\n/);
});

t.test('tls-handshake-failure: +OK to STLS, then a handshake_failure alert', async (t) => {
  const sandbox = await faulty(t, 'tls-handshake-failure');
  const client = rawClient(t, sandbox.targets.pop3);
  await until(client, /\r\n/);
  client.socket.write('STLS\r\n');
  await until(client, /Begin TLS/);
  client.socket.removeAllListeners('data');
  const secure = tls.connect({ socket: client.socket, servername: 'localhost', rejectUnauthorized: false });
  const error = await new Promise<NodeJS.ErrnoException>((resolve) => secure.once('error', resolve));
  t.match(error.code, /ALERT_HANDSHAKE_FAILURE/);
});

t.test('reset-during-data: 354, then a TCP reset while the message arrives', async (t) => {
  const sandbox = await faulty(t, 'reset-during-data');
  const client = rawClient(t, sandbox.targets.smtp);
  await until(client, /\r\n/);
  client.socket.write('EHLO x\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n');
  await until(client, /354 /);
  client.socket.write('Subject: x\r\n');
  t.equal(await client.ended, 'reset');
});

t.test('shutdown-mid-transaction: SMTP 421 at RCPT, POP3 -ERR [SYS/TEMP] after login; then FIN', async (t) => {
  const sandbox = await faulty(t, 'shutdown-mid-transaction');
  const smtp = rawClient(t, sandbox.targets.smtp);
  await until(smtp, /\r\n/);
  smtp.socket.write('EHLO x\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n');
  t.match(await until(smtp, /421 /), /250 2\.0\.0 Ok\r\n421 4\.3\.2 [^\r\n]*shutting down[^\r\n]*\r\n$/);
  t.equal(await smtp.ended, 'end');
  const pop3 = rawClient(t, sandbox.targets.pop3);
  await until(pop3, /\r\n/);
  pop3.socket.write('USER alice\r\nPASS alicepw\r\nSTAT\r\n');
  t.match(await until(pop3, /SYS\/TEMP/), /\+OK\r\n\+OK\r\n-ERR \[SYS\/TEMP\] Server shutting down\r\n$/);
});

t.test('close() of a faulty sandbox ends every fault, even those that never stop on their own', async (t) => {
  const sandbox = await startSandbox({ fault: 'slow-bytes' });
  const clients = [rawClient(t, sandbox.targets.smtp), rawClient(t, sandbox.targets.pop3)];
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = Date.now();
  await sandbox.close();
  t.ok(Date.now() - started < 500, 'promptly');
  for (const client of clients) t.ok(['end', 'reset'].includes(await client.ended));
});

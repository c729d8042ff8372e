import { randomUUID } from 'node:crypto';
import t, { type Test } from 'tap';
import { imapDriver } from '../../../src/protocols/imap/driver.js';
import type { ProtocolSession, Reply, StepAction, StepContext } from '../../../src/protocols/types.js';
import { Transcript } from '../../../src/wire/transcript.js';
import { dovecotTarget, unreachable } from './dovecot.js';

const target = dovecotTarget();
const reason = await unreachable(target.imapPort);
const skip = reason === undefined ? false : `Dovecot not reachable (start it with scripts/targets/start.sh): ${reason}`;
const ctx: StepContext = { timeoutMs: 5000, signal: new AbortController().signal };
const [user, password] = Object.entries(target.users)[0] ?? ['alice', 'alicepw'];

interface Client {
  session: ProtocolSession;
  transcript: Transcript;
  step(action: StepAction): Promise<Reply>;
  send(text: string): Promise<Reply>;
}

async function open(t: Test, tls: 'none' | 'implicit' = 'none'): Promise<Client> {
  const transcript = new Transcript({ startNs: process.hrtime.bigint() });
  const port = tls === 'implicit' ? target.imapsPort : target.imapPort;
  const session = await imapDriver.open({
    endpoint: { host: '127.0.0.1', port, tls, verify: false, url: `imap://127.0.0.1:${port}` },
    transcript: transcript.sink('default'),
    connectTimeoutMs: 3000,
    signal: ctx.signal,
  });
  t.teardown(() => session.close());
  const step = async (action: StepAction): Promise<Reply> => {
    const reply = await session.perform(action, ctx);
    if (!reply) throw new Error(`no reply to ${action.kind}`);
    return reply;
  };
  return { session, transcript, step, send: (text) => step({ kind: 'send', text }) };
}

/** Greeted and logged in, with a fresh mailbox of its own that is deleted at the end. */
async function withMailbox(t: Test): Promise<{ client: Client; mailbox: string }> {
  const client = await open(t);
  t.equal((await client.step({ kind: 'read' })).status, 'OK');
  t.equal((await client.step({ kind: 'auth', mechanism: 'LOGIN-COMMAND', username: user, password })).status, 'OK');
  const mailbox = `mailprobe-test-${randomUUID()}`;
  t.equal((await client.send(`CREATE ${mailbox}`)).status, 'OK');
  t.teardown(async () => {
    const cleanup = await open(t);
    await cleanup.step({ kind: 'read' });
    await cleanup.step({ kind: 'auth', mechanism: 'LOGIN-COMMAND', username: user, password });
    await cleanup.send(`DELETE ${mailbox}`);
  });
  return { client, mailbox };
}

t.test('greeting with capabilities, CAPABILITY, LOGOUT → * BYE then OK, then the close', { skip }, async (t) => {
  const client = await open(t);
  const greeting = await client.step({ kind: 'read' });
  t.equal(greeting.status, 'OK');
  t.match(greeting.untagged![0], /^OK \[CAPABILITY IMAP4rev1 /);
  const caps = await client.send('CAPABILITY');
  t.equal(caps.status, 'OK');
  t.match(caps.untagged![0], /^CAPABILITY .*STARTTLS/);
  t.match(caps.text, /\r\nA001 OK /);
  const logout = await client.send('LOGOUT');
  t.equal(logout.status, 'OK');
  t.match(logout.untagged![0], /^BYE /);
  t.equal(await client.session.perform({ kind: 'expect_close' }, ctx), undefined);
});

t.test('STARTTLS, then AUTHENTICATE PLAIN, LOGIN and CRAM-MD5 over TLS; a wrong password is NO', { skip }, async (t) => {
  for (const mechanism of ['PLAIN', 'LOGIN', 'CRAM-MD5']) {
    const client = await open(t);
    await client.step({ kind: 'read' });
    t.equal((await client.step({ kind: 'starttls' })).status, 'OK');
    t.ok(client.transcript.entries().some((e) => e.dir === 'i' && e.text.startsWith('TLS established')));
    const caps = await client.send('CAPABILITY');
    t.notMatch(caps.text, /STARTTLS/, 'no STARTTLS offered once TLS is up');
    const reply = await client.step({ kind: 'auth', mechanism, username: user, password });
    t.equal(reply.status, 'OK', `${mechanism} succeeds`);
    t.notMatch(JSON.stringify(client.transcript.entries()), new RegExp(Buffer.from(`\0${user}\0${password}`).toString('base64')), 'the payload is not in the transcript');
  }
  const bad = await open(t);
  await bad.step({ kind: 'read' });
  t.equal((await bad.step({ kind: 'auth', mechanism: 'PLAIN', username: user, password: 'wrong' })).status, 'NO');
});

t.test('implicit TLS: greeting and LOGIN', { skip }, async (t) => {
  const client = await open(t, 'implicit');
  t.equal((await client.step({ kind: 'read' })).status, 'OK');
  t.equal((await client.step({ kind: 'auth', mechanism: 'LOGIN-COMMAND', username: user, password })).status, 'OK');
});

t.test('APPEND with a literal, FETCH it back byte for byte; a synchronizing literal from send: text', { skip }, async (t) => {
  const { client, mailbox } = await withMailbox(t);
  const message = Buffer.from(`Subject: mailprobe ${mailbox}\r\nMessage-ID: <${mailbox}@probe.example>\r\n\r\nGrüße\r\n.line\r\n`);
  const appended = await client.step({ kind: 'message', bytes: message, mailbox, flags: ['\\Flagged'] });
  t.equal(appended.status, 'OK');
  t.match(appended.text, /APPENDUID \d+ 1/);
  const typed = await client.send(`APPEND ${mailbox} {5}\\r\\nhello`);
  t.equal(typed.status, 'OK');
  t.match(typed.text, /^\+ /, 'Dovecot was asked and answered "+"');
  t.equal((await client.send(`SELECT ${mailbox}`)).status, 'OK');
  const fetched = await client.send('UID FETCH 1 (FLAGS BODY.PEEK[])');
  t.equal(fetched.status, 'OK');
  t.same(fetched.body, message, 'exactly the bytes appended');
  t.match(fetched.untagged![0], /FLAGS \(\\Flagged( \\Recent)?\)/);
  const partial = await client.send('UID FETCH 1 BODY.PEEK[]<0.10>');
  t.same(partial.body, message.subarray(0, 10));
  t.same((await client.send('UID FETCH 2 BODY.PEEK[]')).body, Buffer.from('hello'));
});

t.test('IDLE sees a message appended by another session', { skip }, async (t) => {
  const { client, mailbox } = await withMailbox(t);
  t.equal((await client.send(`SELECT ${mailbox}`)).status, 'OK');
  const other = await open(t);
  await other.step({ kind: 'read' });
  await other.step({ kind: 'auth', mechanism: 'LOGIN-COMMAND', username: user, password });
  t.equal((await other.step({ kind: 'message', bytes: Buffer.from('Subject: idle\r\n\r\nx\r\n'), mailbox })).status, 'OK');
  const idle = await client.step({ kind: 'idle', until: /^1 EXISTS$/, idleTimeoutMs: 5000 });
  t.equal(idle.status, 'OK');
  t.ok(idle.untagged!.includes('1 EXISTS'));
});

t.test('syntax error → BAD, missing mailbox → NO', { skip }, async (t) => {
  const client = await open(t);
  await client.step({ kind: 'read' });
  await client.step({ kind: 'auth', mechanism: 'LOGIN-COMMAND', username: user, password });
  t.equal((await client.send('FETCH')).status, 'BAD');
  t.equal((await client.send(`SELECT no-such-mailbox-${randomUUID()}`)).status, 'NO');
});

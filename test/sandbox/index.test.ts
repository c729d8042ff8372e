import net from 'node:net';
import t from 'tap';
import { startSandbox } from '../../src/sandbox/index.js';
import { INBOX } from '../../src/sandbox/store.js';
import { command, greeted, portOf, readReply } from './client.js';

/** A port that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

t.test('starts in well under a second with SMTP, POP3 and IMAP URLs and its CA', async (t) => {
  const started = performance.now();
  const sandbox = await startSandbox();
  t.teardown(() => sandbox.close());
  t.ok(performance.now() - started < 1000, `started in ${Math.round(performance.now() - started)} ms`);
  t.same(Object.keys(sandbox.targets).sort(), ['imap', 'imaps', 'pop3', 'pop3s', 'smtp', 'smtps', 'submission']);
  t.match(sandbox.targets.smtp, /^smtp:\/\/127\.0\.0\.1:\d+$/);
  t.match(sandbox.targets.submission, /^smtp:\/\/127\.0\.0\.1:\d+$/);
  t.match(sandbox.targets.smtps, /^smtps:\/\/127\.0\.0\.1:\d+$/);
  t.match(sandbox.targets.imap, /^imap:\/\/127\.0\.0\.1:\d+$/);
  t.match(sandbox.targets.imaps, /^imaps:\/\/127\.0\.0\.1:\d+$/);
  t.equal(new Set(Object.values(sandbox.targets).map(portOf)).size, 7, 'one port per service');
  t.match(sandbox.ca, /^-----BEGIN CERTIFICATE-----\r?\n/);
  t.same(sandbox.users.map((u) => u.name), ['alice', 'bob', 'carol', 'dave', 'erin']);
  t.equal(sandbox.domain, 'example.test');
  t.ok(sandbox.store.mailbox('alice', INBOX));
});

t.test('given ports, users and domain are used', async (t) => {
  const port = await freePort();
  const sandbox = await startSandbox({ ports: { submission: port }, users: [{ name: 'dave', password: 'davepw' }], domain: 'corp.test' });
  t.teardown(() => sandbox.close());
  t.equal(sandbox.targets.submission, `smtp://127.0.0.1:${port}`);
  const client = await greeted(t, sandbox.targets.smtp);
  await client.expect('MAIL FROM:<x@corp.test>', '250');
  await client.expect('RCPT TO:<dave@corp.test>', '250');
  await client.expect('RCPT TO:<alice@corp.test>', '550');
  await client.expect('RCPT TO:<alice@example.test>', '554', /Relay access denied/);
});

/** Resolves true if something accepts connections on the port, false if the connection is refused. */
function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

t.test('a port in use: start rejects and leaves nothing listening', async (t) => {
  const blocker = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => blocker.once('listening', resolve));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  // The other services on known ports, so that each can be checked afterwards (counting handles would
  // also count those of earlier tests' sandboxes still being released).
  const others = { smtp: await freePort(), submission: await freePort(), pop3: await freePort(), pop3s: await freePort(), imap: await freePort(), imaps: await freePort() };
  await t.rejects(startSandbox({ ports: { ...others, smtps: (blocker.address() as net.AddressInfo).port } }), { code: 'EADDRINUSE' });
  for (const [name, port] of Object.entries(others)) t.equal(await accepting(port), false, `${name}: nothing listens on ${port}`);
});

const ipv6 = await new Promise<boolean>((resolve) => {
  const probe = net.createServer().listen(0, '::1', () => probe.close(() => resolve(true)));
  probe.once('error', () => resolve(false));
});

t.test('an IPv6 host: URLs bracket it, and Received names the client as an IPv6 literal', { skip: !ipv6 && 'no IPv6 loopback here' }, async (t) => {
  const sandbox = await startSandbox({ host: '::1' });
  t.teardown(() => sandbox.close());
  t.match(sandbox.targets.smtp, /^smtp:\/\/\[::1\]:\d+$/);
  const socket = net.connect(portOf(sandbox.targets.smtp), '::1');
  t.teardown(() => void socket.destroy());
  await readReply(socket);
  for (const line of ['HELO probe.example', 'MAIL FROM:<>', 'RCPT TO:<carol@example.test>', 'DATA']) t.match(await command(socket, line), /^[23]/);
  t.match(await command(socket, 'Subject: v6\r\n\r\nx\r\n.'), /^250 /);
  const stored = sandbox.store.mailbox('carol', INBOX)!.messages.at(-1)!.bytes.toString();
  t.match(stored, /^Return-Path: <>\r\nReceived: from probe\.example \(\[IPv6:::1\]\)\r\n\tby mx\.example\.test \(mailprobe sandbox\) with SMTP id /);
});

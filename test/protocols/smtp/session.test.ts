import t, { type Test } from 'tap';
import { ctx, openSmtpClient, type SmtpClient } from '../../helpers/smtp-client.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp-server.js';

type Client = SmtpClient;

function open(t: Test, server: TestSmtpServer, tls: 'none' | 'implicit' = 'none'): Promise<Client> {
  const port = tls === 'implicit' ? server.tlsPort! : server.port;
  return openSmtpClient(t, { host: '127.0.0.1', port, tls, verify: false, url: `smtp://127.0.0.1:${port}` });
}

async function greeted(t: Test, server: TestSmtpServer): Promise<Client> {
  const client = await open(t, server);
  t.equal((await client.step({ kind: 'read' })).status, '220');
  t.equal((await client.send('EHLO probe.example')).status, '250');
  return client;
}

let server: TestSmtpServer;
t.before(async () => {
  server = await startSmtpServer({ size: 2048, implicitTls: true });
});
t.teardown(() => server.close());

t.test('greeting, EHLO with its extensions, HELO, QUIT and the close', async (t) => {
  const client = await open(t, server);
  const greeting = await client.step({ kind: 'read' });
  t.equal(greeting.status, '220');
  t.match(greeting.text, /^220 mx\.example\.test /);
  const ehlo = await client.send('EHLO probe.example');
  t.equal(ehlo.status, '250');
  t.match(ehlo.text, /^250-mx\.example\.test .*\r\n250-.*STARTTLS/s);
  t.match(ehlo.text, /AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2/);
  t.match(ehlo.text, /SIZE 2048/);
  t.notMatch(ehlo.text, /\r\n$/, 'no final CRLF in the text');
  t.equal((await client.send('HELO probe.example')).status, '250');
  t.equal((await client.send('QUIT')).status, '221');
  t.equal(await client.session.perform({ kind: 'expect_close' }, ctx), undefined);
});

t.test('a full transaction arrives byte for byte, dot-stuffed lines intact', async (t) => {
  const client = await greeted(t, server);
  t.equal((await client.send('MAIL FROM:<alice@example.test>')).status, '250');
  t.equal((await client.send('RCPT TO:<bob@example.test>')).status, '250');
  const message = Buffer.from('Subject: dots\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nlast line without CRLF', 'utf8');
  const reply = await client.step({ kind: 'message', bytes: message });
  t.equal(reply.status, '250');
  const received = server.messages.at(-1)!;
  t.same(received.to, ['bob@example.test']);
  t.same(received.data, Buffer.concat([message, Buffer.from('\r\n')]), 'exactly the bytes sent, plus the final CRLF');
});

t.test('bare LF and bare CR are sent as CRLF', async (t) => {
  const client = await greeted(t, server);
  await client.send('MAIL FROM:<alice@example.test>');
  await client.send('RCPT TO:<bob@example.test>');
  const reply = await client.step({ kind: 'message', bytes: Buffer.from('Subject: lf\n\nline one\nline two\rline three\r\n') });
  t.equal(reply.status, '250');
  t.same(server.messages.at(-1)!.data, Buffer.from('Subject: lf\r\n\r\nline one\r\nline two\r\nline three\r\n'));
});

t.test('DATA refused: the reply comes back and no message is sent', async (t) => {
  const client = await greeted(t, server);
  const reply = await client.step({ kind: 'message', bytes: Buffer.from('Subject: x\r\n\r\nbody\r\n') });
  t.equal(reply.status, '503');
  t.notOk(client.transcript.entries().some((e) => e.text.includes('Subject: x')), 'the message was not sent');
});

t.test('SIZE: a message over the limit gets 552', async (t) => {
  const client = await greeted(t, server);
  t.equal((await client.send('MAIL FROM:<alice@example.test> SIZE=999999')).status, '552');
  await client.send('MAIL FROM:<alice@example.test>');
  await client.send('RCPT TO:<bob@example.test>');
  const reply = await client.step({ kind: 'message', bytes: Buffer.alloc(4096, 0x61) });
  t.equal(reply.status, '552');
});

t.test('relay to another domain is refused without AUTH', async (t) => {
  const client = await greeted(t, server);
  await client.send('MAIL FROM:<alice@example.test>');
  const reply = await client.send('RCPT TO:<someone@elsewhere.example>');
  t.equal(reply.status, '550');
  t.match(reply.text, /Relay access denied/);
});

t.test('STARTTLS, then EHLO over TLS', async (t) => {
  const client = await greeted(t, server);
  const reply = await client.step({ kind: 'starttls' });
  t.equal(reply.status, '220');
  const ehlo = await client.send('EHLO probe.example');
  t.equal(ehlo.status, '250');
  t.notMatch(ehlo.text, /STARTTLS/, 'no STARTTLS offered once TLS is up');
  t.ok(client.transcript.entries().some((e) => e.dir === 'i' && e.text.startsWith('TLS established')));
  await client.send('MAIL FROM:<alice@example.test>');
  await client.send('RCPT TO:<bob@example.test>');
  t.equal((await client.step({ kind: 'message', bytes: Buffer.from('Subject: tls\r\n\r\nhi\r\n') })).status, '250');
  t.equal(server.messages.at(-1)!.secure, true);
});

t.test('implicit TLS', async (t) => {
  const client = await open(t, server, 'implicit');
  t.equal((await client.step({ kind: 'read' })).status, '220');
  t.equal((await client.send('EHLO probe.example')).status, '250');
});

for (const mechanism of ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2']) {
  t.test(`AUTH ${mechanism}: success, a wrong password, and nothing secret in the transcript`, async (t) => {
    const client = await greeted(t, server);
    const reply = await client.step({ kind: 'auth', mechanism, username: 'alice@example.test', password: 'alicepw' });
    t.equal(reply.status, '235', reply.text);
    await client.send('MAIL FROM:<alice@example.test>');
    t.equal((await client.send('RCPT TO:<someone@elsewhere.example>')).status, '250', 'authenticated: relay allowed');

    const other = await greeted(t, server);
    const wrong = await other.step({ kind: 'auth', mechanism: mechanism.toLowerCase(), username: 'bob', password: 'not-bobs-password' });
    t.equal(wrong.status, '535', wrong.text);

    for (const { transcript, password } of [
      { transcript: client.transcript, password: 'alicepw' },
      { transcript: other.transcript, password: 'not-bobs-password' },
    ]) {
      const all = transcript.entries().map((e) => e.text).join('\n');
      t.notOk(all.includes(password), 'no password');
      t.notOk(all.includes(Buffer.from(password).toString('base64').replace(/=+$/, '')), 'no base64 of the password');
      t.match(all, /<redacted \d+ bytes>/);
    }
  });
}

t.test('an unknown SASL mechanism is UNSUPPORTED', async (t) => {
  const client = await greeted(t, server);
  await t.rejects(client.step({ kind: 'auth', mechanism: 'SCRAM-SHA-1', username: 'a', password: 'b' }), { code: 'MP_ERR_UNSUPPORTED' });
});

t.test('pipelining with raw: one write, replies read one by one', async (t) => {
  const client = await greeted(t, server);
  const pipeline = Buffer.from('MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<nobody@elsewhere.example>\r\nDATA\r\n');
  t.equal(await client.session.perform({ kind: 'raw', bytes: pipeline, read: false }, ctx), undefined);
  t.equal((await client.step({ kind: 'read' })).status, '250');
  t.equal((await client.step({ kind: 'read' })).status, '250');
  t.equal((await client.step({ kind: 'read' })).status, '550');
  t.equal((await client.step({ kind: 'read' })).status, '354');
  const end = await client.step({ kind: 'raw', bytes: Buffer.from('Subject: p\r\n\r\npipelined\r\n.\r\n'), read: true });
  t.equal(end.status, '250');
  t.same(server.messages.at(-1)!.data, Buffer.from('Subject: p\r\n\r\npipelined\r\n'));
});

t.test('idle is not an SMTP step; close is idempotent', async (t) => {
  const client = await greeted(t, server);
  await t.rejects(client.session.perform({ kind: 'idle', until: /x/, idleTimeoutMs: 10 }, ctx), { code: 'MP_ERR_UNSUPPORTED' });
  t.equal(await client.session.perform({ kind: 'close' }, ctx), undefined);
  await client.session.close();
  await t.rejects(client.send('NOOP'), { code: 'MP_ERR_CLOSED', message: 'connection closed by client while sending NOOP' });
});

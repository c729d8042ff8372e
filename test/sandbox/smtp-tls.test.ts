import t from 'tap';
import { INBOX } from '../../src/sandbox/store.js';
import { command, greeted, implicitTlsVerified, open, readReply, sandboxFor, starttlsVerified } from './client.js';

const sandbox = await sandboxFor(t);
const { smtp, submission, smtps } = sandbox.targets;

t.test('STARTTLS on smtp and submission verifies against the sandbox CA, by name and by IP', async (t) => {
  for (const url of [smtp, submission]) {
    for (const name of ['localhost', '127.0.0.1']) {
      const socket = await starttlsVerified(t, url, sandbox.ca, name);
      t.ok(socket.authorized, `${url} as ${name}: authorized`);
      const ehlo = await command(socket, 'EHLO probe.example');
      t.match(ehlo, /^250-/, 'EHLO again over TLS (RFC 3207 §4.2)');
      t.notMatch(ehlo, /STARTTLS/, 'no STARTTLS once TLS is up');
      socket.destroy();
    }
  }
});

t.test('implicit TLS on smtps verifies against the CA; the greeting comes over TLS', async (t) => {
  const socket = await implicitTlsVerified(t, smtps, sandbox.ca, '127.0.0.1');
  t.ok(socket.authorized);
  t.match(await readReply(socket), /^220 mx\.example\.test ESMTP/);
});

t.test('without the CA the self-signed certificate is refused; a wrong name is refused', async (t) => {
  await t.rejects(starttlsVerified(t, smtp, undefined), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  await t.rejects(implicitTlsVerified(t, smtps, undefined), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  await t.rejects(implicitTlsVerified(t, smtps, sandbox.ca, 'mail.example.org'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
});

t.test('relay port: STARTTLS offered, AUTH never (503, before and after TLS)', async (t) => {
  const client = await open(t, smtp);
  await client.step({ kind: 'read' });
  const ehlo = await client.expect('EHLO probe.example', '250', /STARTTLS/);
  t.notMatch(ehlo.text, /AUTH/);
  await client.expect('AUTH PLAIN AGFsaWNlAGFsaWNlcHc=', '503', /^503 5\.5\.1 /);
  t.equal((await client.step({ kind: 'starttls' })).status, '220');
  t.notMatch((await client.expect('EHLO probe.example', '250')).text, /AUTH/);
  await client.expect('AUTH LOGIN', '503', /^503 5\.5\.1 /);
});

t.test('submission before STARTTLS: no AUTH offered; AUTH and MAIL refused with 530 5.7.0', async (t) => {
  const client = await open(t, submission);
  await client.step({ kind: 'read' });
  const ehlo = await client.expect('EHLO probe.example', '250', /STARTTLS/);
  t.notMatch(ehlo.text, /AUTH/, 'RFC 4954: AUTH only where it may be used');
  await client.expect('AUTH PLAIN AGFsaWNlAGFsaWNlcHc=', '530', /^530 5\.7\.0 Must issue a STARTTLS command first/);
  await client.expect('MAIL FROM:<alice@example.test>', '530', /^530 5\.7\.0 Must issue a STARTTLS command first/);
});

t.test('submission after STARTTLS: AUTH offered; without it, local mail only; no AUTH in a transaction', async (t) => {
  const client = await greeted(t, submission);
  t.equal((await client.step({ kind: 'starttls' })).status, '220');
  await client.expect('EHLO probe.example', '250', /\r\n250-AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2\r\n/);
  await client.expect('MAIL FROM:<alice@example.test> AUTH=<>', '250', /^250 2\.1\.0 /); // RFC 4954 §5
  await client.expect('RCPT TO:<bob@example.test>', '250');
  await client.expect('RCPT TO:<someone@elsewhere.test>', '554', /^554 5\.7\.1 /);
  // RFC 4954 §4: AUTH in a mail transaction MUST get 503.
  await client.expect('AUTH PLAIN AGFsaWNlAGFsaWNlcHc=', '503', /^503 5\.5\.1 /);
  await client.expect('RSET', '250');
  await client.expect('AUTH PLAIN AGFsaWNlAGFsaWNlcHc=', '235');
});

t.test('RFC 4954 §4: a client response that is not base64 gets 501 5.5.2, initial or after 334', async (t) => {
  const client = await greeted(t, smtps);
  for (const response of ['!!!not-base64!!!', 'YWxpY2U', 'YW=xp']) {
    await client.expect(`AUTH PLAIN ${response}`, '501', /^501 5\.5\.2 /);
  }
  await client.expect('AUTH LOGIN', '334');
  await client.expect('not base64!', '501', /^501 5\.5\.2 /);
  await client.expect('AUTH LOGIN', '334');
  await client.expect(Buffer.from('alice').toString('base64'), '334');
  await client.expect('-', '501', /^501 5\.5\.2 /);
  await client.expect('AUTH CRAM-MD5', '334');
  await client.expect('*', '501', /^501 /); // cancelled (RFC 4954 §4)
  await client.expect('NOOP', '250');
  const ok = await client.step({ kind: 'auth', mechanism: 'LOGIN', username: 'alice', password: 'alicepw' });
  t.equal(ok.status, '235', 'the session is still usable');
});

for (const mechanism of ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2']) {
  t.test(`AUTH ${mechanism} on submission and smtps; a wrong password gets 535 5.7.8`, async (t) => {
    const viaStarttls = await greeted(t, submission);
    await viaStarttls.step({ kind: 'starttls' });
    await viaStarttls.expect('EHLO probe.example', '250');
    const ok = await viaStarttls.step({ kind: 'auth', mechanism, username: 'alice@example.test', password: 'alicepw' });
    t.equal(ok.status, '235', ok.text);
    t.match(ok.text, /^235 2\.7\.0 /);
    await viaStarttls.expect('AUTH PLAIN AGJvYgBib2Jwdw==', '503', /No identity changes/);

    const implicit = await greeted(t, smtps);
    t.match((await implicit.send('EHLO probe.example')).text, /AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2/, 'smtps: AUTH at once');
    const wrong = await implicit.step({ kind: 'auth', mechanism, username: 'bob', password: 'not-bobs' });
    t.equal(wrong.status, '535', wrong.text);
    t.match(wrong.text, /^535 5\.7\.8 /);
    const bare = await implicit.step({ kind: 'auth', mechanism, username: 'bob', password: 'bobpw' });
    t.equal(bare.status, '235', 'a bare user name logs in too');
  });
}

t.test('authenticated: local delivery, and relaying accepted then dropped (no outside world)', async (t) => {
  const client = await greeted(t, smtps);
  await client.step({ kind: 'auth', mechanism: 'PLAIN', username: 'carol', password: 'carolpw' });
  await client.expect('MAIL FROM:<carol@example.test>', '250');
  await client.expect('RCPT TO:<someone@elsewhere.test>', '250', /^250 2\.1\.5 /);
  await client.expect('RCPT TO:<bob@example.test>', '250');
  await client.expect('RCPT TO:<nobody@example.test>', '550', /^550 5\.1\.1 /);
  const before = sandbox.store.mailbox('bob', INBOX)!.messages.length;
  const reply = await client.step({ kind: 'message', bytes: Buffer.from('Subject: relay\r\n\r\nhi\r\n') });
  t.equal(reply.status, '250');
  const inbox = sandbox.store.mailbox('bob', INBOX)!;
  t.equal(inbox.messages.length, before + 1, 'bob got his copy');
  t.match(inbox.messages.at(-1)!.bytes.toString('latin1'), /with ESMTPSA id /, 'RFC 3848: TLS and AUTH in the Received protocol');
});

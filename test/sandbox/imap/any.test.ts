/**
 * CAPABILITY, NOOP, LOGOUT, ID, ENABLE and the greeting (RFC 3501 §6.1, §7.1.1), plus unknown commands,
 * garbage and the autologout timer.
 */
import t from 'tap';
import { startSandbox } from '../../../src/sandbox/index.js';
import { startImap } from '../../../src/sandbox/imap/server.js';
import { MailStore } from '../../../src/sandbox/store.js';
import { createCertificate } from '../../../src/sandbox/tls.js';
import { UserDirectory } from '../../../src/sandbox/users.js';
import { connect, expectCommand, loggedIn, sandboxFor } from './client.js';

const sandbox = await sandboxFor(t);

t.test('greeting: untagged OK with the capabilities', async (t) => {
  const { greeting } = await connect(t, sandbox.targets.imap);
  t.match(greeting, /^\* OK \[CAPABILITY IMAP4rev1 [^\]]*STARTTLS[^\]]*AUTH=PLAIN[^\]]*\] /);
});

t.test('CAPABILITY before and after login', async (t) => {
  const { client } = await connect(t, sandbox.targets.imap);
  const before = await expectCommand(t, client, 'CAPABILITY', 'OK', /^\* CAPABILITY IMAP4rev1 /);
  for (const cap of ['STARTTLS', 'LITERAL+', 'SASL-IR', 'IDLE', 'UIDPLUS', 'MOVE', 'AUTH=PLAIN', 'AUTH=LOGIN', 'AUTH=CRAM-MD5', 'AUTH=XOAUTH2']) {
    t.ok(before.untagged[0]!.split(' ').includes(cap), cap);
  }
  t.notMatch(before.untagged[0]!, /LOGINDISABLED/, 'LOGIN allowed in clear on loopback');
  const login = await expectCommand(t, client, 'LOGIN alice alicepw', 'OK', /\[CAPABILITY IMAP4rev1 /);
  t.notMatch(login.tagged, /AUTH=|STARTTLS/, 'no AUTH= or STARTTLS once logged in');
  const after = await expectCommand(t, client, 'CAPABILITY', 'OK');
  t.notMatch(after.untagged[0]!, /STARTTLS/);
});

t.test('NOOP in every state, LOGOUT says BYE then OK and closes', async (t) => {
  const { client } = await connect(t, sandbox.targets.imap);
  await expectCommand(t, client, 'NOOP', 'OK');
  await client.command('LOGIN alice alicepw');
  await expectCommand(t, client, 'NOOP', 'OK');
  await client.command('SELECT INBOX');
  await expectCommand(t, client, 'NOOP', 'OK');
  const logout = await expectCommand(t, client, 'LOGOUT', 'OK');
  t.match(logout.untagged, [/^\* BYE /]);
  await t.rejects(client.response(1000), /connection closed/);
});

t.test('ID and ENABLE', async (t) => {
  const client = await loggedIn(t, sandbox);
  await expectCommand(t, client, 'ID ("name" "probe")', 'OK', /^\* ID \("name" "mailprobe sandbox"/);
  await expectCommand(t, client, 'ID NIL', 'OK');
  await expectCommand(t, client, 'ENABLE CONDSTORE', 'OK', /^\* ENABLED$/);
});

t.test('unknown command, missing tag, garbage → BAD and the session goes on', async (t) => {
  const { client } = await connect(t, sandbox.targets.imap);
  await expectCommand(t, client, 'FROBNICATE', 'BAD', /unknown command FROBNICATE/);
  client.write('\r\n');
  t.match(await client.response(), /^\* BAD /);
  client.write(Buffer.from([0xff, 0x00, 0x20, 0x41, 0x0d, 0x0a]));
  t.match(await client.response(), /^\* BAD /);
  await expectCommand(t, client, 'CAPABILITY extra', 'BAD', /offset \d+/);
  await expectCommand(t, client, 'NOOP', 'OK');
});

t.test('autologout: "* BYE" and close after the idle time, shorter before login (RFC 3501 §5.4)', async (t) => {
  const users = new UserDirectory();
  const imap = await startImap({
    host: '127.0.0.1',
    ports: { imap: 0, imaps: 0 },
    hostname: 'imap.example.test',
    certificate: await createCertificate(),
    users,
    store: new MailStore(users.users.map((u) => u.name)),
    idleMs: 400,
    unauthenticatedIdleMs: 150,
  });
  t.teardown(() => imap.close());
  const url = `imap://127.0.0.1:${imap.ports.imap}`;
  const started = Date.now();
  const { client: early } = await connect(t, url);
  t.match(await early.response(1000), /^\* BYE Autologout/);
  t.ok(Date.now() - started < 400, 'before login the shorter timer');
  const { client } = await connect(t, url);
  await expectCommand(t, client, 'LOGIN alice alicepw', 'OK');
  t.ok(await client.silentFor(250), 'logged in: still there after the unauthenticated time');
  t.match(await client.response(1000), /^\* BYE Autologout/);
  await t.rejects(client.response(1000), /connection closed/);
});

t.test('closing the sandbox says BYE to open sessions, idle ones too, and frees their sockets', async (t) => {
  const own = await startSandbox();
  let closed = false;
  t.teardown(() => (closed ? undefined : own.close()));
  const { client: waiting } = await connect(t, own.targets.imap);
  const idle = await loggedIn(t, own);
  await idle.command('SELECT INBOX');
  idle.write('I1 IDLE\r\n');
  await idle.response();
  const started = Date.now();
  await own.close();
  closed = true;
  t.ok(Date.now() - started < 1000, 'close() is quick');
  for (const client of [waiting, idle]) {
    t.match(await client.response(), /^\* BYE \[UNAVAILABLE\]/);
    await t.rejects(client.response(1000), /connection closed/);
  }
});

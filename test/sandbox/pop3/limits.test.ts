import t from 'tap';
import { MailStore } from '../../../src/sandbox/store.js';
import { createCertificate } from '../../../src/sandbox/tls.js';
import { UserDirectory } from '../../../src/sandbox/users.js';
import { startPop3, type Pop3SandboxOptions } from '../../../src/sandbox/pop3/server.js';
import { Pop3Limits } from '../../../src/sandbox/pop3/limits.js';
import { connect } from './client.js';

const certificate = await createCertificate();

async function pop3For(t: Parameters<typeof connect>[0], overrides: Partial<Pop3SandboxOptions> = {}): Promise<{ url: string; store: MailStore; locks: Awaited<ReturnType<typeof startPop3>>['locks'] }> {
  const users = new UserDirectory();
  const store = new MailStore(users.users.map((user) => user.name));
  const pop3 = await startPop3({ host: '127.0.0.1', ports: { pop3: 0, pop3s: 0 }, hostname: 'mx.example.test', certificate, users, store, ...overrides });
  t.teardown(() => pop3.close());
  return { url: `pop3://127.0.0.1:${pop3.ports.pop3}`, store, locks: pop3.locks };
}

t.test('a command line exactly at the limit is taken; one octet more gets -ERR and the connection closes', async (t) => {
  const { url } = await pop3For(t);
  const { client } = await connect(t, url);
  const atLimit = `USER ${'a'.repeat(Pop3Limits.lineBytes - 'USER '.length - 2)}`;
  t.equal(await client.command(atLimit), '+OK', `${Pop3Limits.lineBytes} octets with CRLF`);
  client.write(`USER ${'a'.repeat(Pop3Limits.lineBytes - 'USER '.length - 1)}\r\n`);
  t.equal(await client.line(), '-ERR Line too long');
  await client.closedByServer();
});

t.test('a line without end is refused as soon as it passes the limit, without waiting for a CRLF', async (t) => {
  const { url } = await pop3For(t, { lineBytes: 64 });
  const { client } = await connect(t, url);
  client.write('x'.repeat(200));
  t.equal(await client.line(), '-ERR Line too long');
  await client.closedByServer();
});

t.test('the autologout timer closes an idle session without committing and frees the lock (RFC 1939 §3)', async (t) => {
  const { url, store, locks } = await pop3For(t, { idleMs: 150 });
  store.deliver('alice', Buffer.from('Subject: idle\r\n\r\nx\r\n'));
  const { client } = await connect(t, url);
  await client.command('USER alice');
  await client.command('PASS alicepw');
  await client.command('DELE 1');
  t.ok(locks.isHeld('alice'));
  const started = Date.now();
  t.equal(await client.line(), '-ERR Disconnected for inactivity');
  await client.closedByServer();
  t.ok(Date.now() - started < 1000, 'within the idle time, give or take');
  t.notOk(locks.isHeld('alice'), 'lock released');
  t.equal(store.mailbox('alice', 'INBOX')!.messages.length, 1, 'no UPDATE state: nothing deleted');
});

t.test('close(): open sessions hear -ERR [SYS/TEMP] and are closed; everything is freed', async (t) => {
  const users = new UserDirectory();
  const store = new MailStore(users.users.map((user) => user.name));
  const pop3 = await startPop3({ host: '127.0.0.1', ports: { pop3: 0, pop3s: 0 }, hostname: 'mx.example.test', certificate, users, store });
  const { client } = await connect(t, `pop3://127.0.0.1:${pop3.ports.pop3}`);
  await pop3.close();
  t.equal(await client.line(), '-ERR [SYS/TEMP] Server shutting down');
  await client.closedByServer();
  await pop3.close();
  t.pass('close() is idempotent');
});

t.test('pipelined commands are answered in order (RFC 2449 §6.6 PIPELINING)', async (t) => {
  const { url, store } = await pop3For(t);
  store.deliver('alice', Buffer.from('Subject: p\r\n\r\nbody\r\n'));
  const { client } = await connect(t, url);
  client.write('USER alice\r\nPASS alicepw\r\nSTAT\r\nRETR 1\r\nNOOP\r\nQUIT\r\n');
  t.equal(await client.line(), '+OK');
  t.match(await client.line(), /^\+OK Logged in/);
  t.match(await client.line(), /^\+OK 1 /);
  t.match(await client.line(), /^\+OK \d+ octets$/);
  t.equal((await client.untilTerminator()).toString(), 'Subject: p\r\n\r\nbody\r\n.\r\n');
  t.equal(await client.line(), '+OK');
  t.equal(await client.line(), '+OK Logging out');
  await client.closedByServer();
});

t.test('a failure inside a command ends that session with -ERR [SYS/TEMP], not the server', async (t) => {
  class BrokenStore extends MailStore {
    override mailbox(): never {
      throw new Error('disk on fire');
    }
  }
  const users = new UserDirectory();
  const pop3 = await startPop3({ host: '127.0.0.1', ports: { pop3: 0, pop3s: 0 }, hostname: 'mx.example.test', certificate, users, store: new BrokenStore(['alice']) });
  t.teardown(() => pop3.close());
  const url = `pop3://127.0.0.1:${pop3.ports.pop3}`;
  const { client } = await connect(t, url);
  await client.command('USER alice');
  t.equal(await client.command('PASS alicepw'), '-ERR [SYS/TEMP] Internal error');
  await client.closedByServer();
  t.notOk(pop3.locks.isHeld('alice'), 'the lock taken for the login is released');
  const { greeting } = await connect(t, url);
  t.match(greeting, /^\+OK/, 'the server still accepts connections');
});

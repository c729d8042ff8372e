import t, { type Test } from 'tap';
import { MaildropLocks } from '../../../src/sandbox/pop3/maildrop.js';
import { startPop3 } from '../../../src/sandbox/pop3/server.js';
import { MailStore } from '../../../src/sandbox/store.js';
import { createCertificate } from '../../../src/sandbox/tls.js';
import { UserDirectory } from '../../../src/sandbox/users.js';
import { connect, loggedIn } from './client.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const certificate = await createCertificate();
const LOCK_WAIT_MS = 150;

async function pop3For(t: Test): Promise<{ pop3: string; pop3s: string; locks: MaildropLocks }> {
  const users = new UserDirectory();
  const store = new MailStore(users.users.map((user) => user.name));
  const server = await startPop3({ host: '127.0.0.1', ports: { pop3: 0, pop3s: 0 }, hostname: 'mx.example.test', certificate, users, store, lockWaitMs: LOCK_WAIT_MS });
  t.teardown(() => server.close());
  return { pop3: `pop3://127.0.0.1:${server.ports.pop3}`, pop3s: `pop3s://127.0.0.1:${server.ports.pop3s}`, locks: server.locks };
}

t.test('locks: taken at once when free; refused after the wait; handed straight to the next in line', async (t) => {
  const locks = new MaildropLocks(50);
  t.equal(await locks.acquire('alice'), true);
  t.equal(await locks.acquire('bob'), true, 'per user');
  const started = Date.now();
  t.equal(await locks.acquire('alice'), false, 'still held after the wait');
  t.ok(Date.now() - started >= 45, 'it did wait');
  const next = locks.acquire('alice');
  locks.release('alice');
  t.equal(await next, true, 'the waiter gets it on release');
  t.ok(locks.isHeld('alice'), 'and holds it');
  locks.release('alice');
  t.notOk(locks.isHeld('alice'));
  t.equal(await new MaildropLocks(0).acquire('x'), true);
});

t.test('locks: patience starts first in line, so a waiter behind a stuck one is not timed out by it', async (t) => {
  const locks = new MaildropLocks(80);
  await locks.acquire('alice');
  const first = locks.acquire('alice');
  await new Promise((resolve) => setTimeout(resolve, 40));
  const second = locks.acquire('alice');
  t.equal(await first, false, 'the head gives up after its wait');
  setTimeout(() => locks.release('alice'), 40);
  t.equal(await second, true, 'the one behind started waiting only then, and gets the lock');
});

t.test('locks: an aborted wait leaves the line, and the lock goes to the next waiter', async (t) => {
  const locks = new MaildropLocks(1000);
  await locks.acquire('alice');
  const controller = new AbortController();
  const gone = locks.acquire('alice', controller.signal);
  const next = locks.acquire('alice');
  controller.abort();
  t.equal(await gone, false);
  locks.release('alice');
  t.equal(await next, true);
  const aborted = new AbortController();
  aborted.abort();
  t.equal(await locks.acquire('alice', aborted.signal), false, 'an aborted signal does not queue');
});

t.test('a second session gets -ERR [IN-USE] (RFC 2449 §8.1.2) while the first holds the maildrop, then gets in', async (t) => {
  const { pop3, pop3s } = await pop3For(t);
  const first = await loggedIn(t, pop3);
  const { client: second } = await connect(t, pop3);
  await second.command('USER alice');
  t.equal(await second.command('PASS alicepw'), '-ERR [IN-USE] Mailbox is locked by another POP3 session');
  t.equal(await second.command(`AUTH PLAIN ${b64('\0alice\0alicepw')}`), '-ERR [IN-USE] Mailbox is locked by another POP3 session');
  t.equal(await second.command('STAT'), '-ERR STAT not allowed in the AUTHORIZATION state', 'still in AUTHORIZATION');
  const { client: bob } = await connect(t, pop3s, certificate.cert);
  await bob.command('USER bob');
  t.match(await bob.command('PASS bobpw'), /^\+OK/, "another user's maildrop is not locked (over pop3s too)");
  t.equal(await first.command('QUIT'), '+OK Logging out');
  await first.closedByServer();
  await second.command('USER alice');
  t.match(await second.command('PASS alicepw'), /^\+OK Logged in/, 'free again after QUIT');
});

t.test('a login waiting for the lock gets in as soon as the holder quits', async (t) => {
  const { pop3 } = await pop3For(t);
  const first = await loggedIn(t, pop3);
  const { client: second } = await connect(t, pop3);
  await second.command('USER alice');
  second.write('PASS alicepw\r\n');
  t.equal(await first.command('QUIT'), '+OK Logging out');
  t.match(await second.line(), /^\+OK Logged in/);
});

t.test('a connection that drops while waiting does not keep the lock', async (t) => {
  const { pop3, locks } = await pop3For(t);
  const first = await loggedIn(t, pop3);
  const { client: waiting } = await connect(t, pop3);
  await waiting.command('USER alice');
  waiting.write('PASS alicepw\r\n');
  await new Promise((resolve) => setTimeout(resolve, 20));
  waiting.close();
  await new Promise((resolve) => setTimeout(resolve, 20));
  first.close();
  for (let i = 0; i < 50 && locks.isHeld('alice'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  t.notOk(locks.isHeld('alice'), 'released once both are gone');
});

import net from 'node:net';
import t from 'tap';
import { startSandbox } from '../../src/sandbox/index.js';
import { ctx, greeted, portOf, readReply } from './client.js';

/** Open handles by kind (TCP servers and sockets, TLS, timers …), as Node counts them. */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

t.test('close(): open sessions get 421, every socket and listener is freed, ports refuse', async (t) => {
  const before = resources();
  const sandbox = await startSandbox();
  const idle = net.connect(portOf(sandbox.targets.submission), '127.0.0.1');
  t.match(await readReply(idle), /^220 /);
  const idleClosed = new Promise((resolve) => idle.once('close', resolve));
  const lastWords = readReply(idle);
  const client = await greeted(t, sandbox.targets.smtp);
  await client.expect('MAIL FROM:<alice@example.test>', '250');
  const secure = await greeted(t, sandbox.targets.smtps);
  // Sessions in the middle of message data: DATA, and a BDAT chunk, each half sent.
  const inData = await greeted(t, sandbox.targets.smtp);
  await inData.expect('MAIL FROM:<alice@example.test>', '250');
  await inData.expect('RCPT TO:<bob@example.test>', '250');
  await inData.expect('DATA', '354');
  await inData.session.perform({ kind: 'raw', bytes: Buffer.from('Subject: cut\r\n\r\nhalf'), read: false }, ctx);
  const inChunk = await greeted(t, sandbox.targets.smtp);
  await inChunk.expect('MAIL FROM:<alice@example.test>', '250');
  await inChunk.expect('RCPT TO:<bob@example.test>', '250');
  await inChunk.session.perform({ kind: 'raw', bytes: Buffer.from('BDAT 100 LAST\r\nhalf'), read: false }, ctx);
  const started = performance.now();
  await sandbox.close();
  t.ok(performance.now() - started < 1000, `closed in ${Math.round(performance.now() - started)} ms`);
  t.match(await lastWords, /^421 4\.3\.2 mx\.example\.test /, 'RFC 5321 §3.8: 421 before closing');
  await idleClosed;
  t.match((await client.step({ kind: 'read' })).text, /^421 /, 'the session in a transaction too');
  t.equal(await client.session.perform({ kind: 'expect_close' }, ctx), undefined, 'and the server closed it');
  await client.session.close();
  t.match((await secure.step({ kind: 'read' })).text, /^421 /, 'and the TLS session');
  await secure.session.close();
  for (const cut of [inData, inChunk]) {
    await cut.session.perform({ kind: 'expect_close' }, ctx);
    await cut.session.close();
  }
  t.equal(sandbox.store.mailbox('bob', 'INBOX')!.messages.length, 0, 'nothing half-received was delivered');
  for (const url of Object.values(sandbox.targets)) t.ok(await refused(portOf(url)), `${url} refuses`);
  await sandbox.close();
  t.pass('close() twice is harmless');
  // A refused connect releases its handle a moment after its 'error'.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const after = resources();
  for (const kind of ['TCPServerWrap', 'TCPSocketWrap', 'TLSWrap', 'Timeout']) {
    t.equal(after[kind] ?? 0, before[kind] ?? 0, `${kind}: as many as before the sandbox`);
  }
});

import net from 'node:net';
import t from 'tap';
import { connect, portOf, sandboxFor } from './client.js';

t.test('STLS: +OK, a handshake verified against the sandbox CA, then a fresh AUTHORIZATION (RFC 2595 §4)', async (t) => {
  const sandbox = await sandboxFor(t);
  const { client } = await connect(t, sandbox.targets.pop3);
  await client.command('USER alice');
  t.equal(await client.stls(sandbox.ca), '+OK Begin TLS negotiation now');
  t.equal(await client.command('PASS alicepw'), '-ERR No USER given', 'USER before STLS is forgotten');
  t.notMatch((await client.multiline('CAPA')).body.toString(), /STLS/, 'no STLS once TLS is up');
  t.equal(await client.command('STLS'), '-ERR TLS is already active');
  await client.command('USER alice');
  t.match(await client.command('PASS alicepw'), /^\+OK Logged in/);
});

t.test('STLS: commands pipelined behind STLS in the clear are discarded, not run after the handshake', async (t) => {
  const sandbox = await sandboxFor(t);
  const { client } = await connect(t, sandbox.targets.pop3);
  client.write('STLS\r\nUSER alice\r\n');
  t.equal(await client.line(), '+OK Begin TLS negotiation now');
  await client.startTls(sandbox.ca);
  // Had the injected USER been run (in the clear or inside TLS), PASS would log in.
  t.equal(await client.command('PASS alicepw'), '-ERR No USER given');
});

t.test('pop3s: implicit TLS from the first byte, verified; STLS refused there', async (t) => {
  const sandbox = await sandboxFor(t);
  t.match(sandbox.targets.pop3s, /^pop3s:\/\/127\.0\.0\.1:\d+$/);
  const { client, greeting } = await connect(t, sandbox.targets.pop3s, sandbox.ca);
  t.match(greeting, /^\+OK mailprobe sandbox POP3 ready </);
  t.equal(await client.command('STLS'), '-ERR TLS is already active');
});

t.test('a client that fails the handshake after STLS ends its session and frees the lock; the server carries on', async (t) => {
  const sandbox = await sandboxFor(t);
  const { client } = await connect(t, sandbox.targets.pop3);
  await client.command('STLS');
  client.write('this is not a TLS ClientHello\r\n');
  await client.closedByServer();
  const { client: next } = await connect(t, sandbox.targets.pop3);
  await next.command('USER alice');
  t.match(await next.command('PASS alicepw'), /^\+OK/);
});

t.test('a plain-text client on pop3s is dropped without harming the listener', async (t) => {
  const sandbox = await sandboxFor(t);
  const socket = net.connect(portOf(sandbox.targets.pop3s), '127.0.0.1');
  t.teardown(() => void socket.destroy());
  socket.on('error', () => undefined);
  socket.write('USER alice\r\n');
  await new Promise((resolve) => socket.once('close', resolve));
  const { greeting } = await connect(t, sandbox.targets.pop3s, sandbox.ca);
  t.match(greeting, /^\+OK/);
});

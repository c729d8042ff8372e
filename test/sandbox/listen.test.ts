import t from 'tap';
import net from 'node:net';
import { closeServer, listen } from '../../src/sandbox/listen.js';

t.test('listen: resolves with the port bound for port 0; a port in use rejects with the bind error', async (t) => {
  const first = net.createServer();
  const second = net.createServer();
  t.teardown(() => Promise.all([closeServer(first), closeServer(second)]));
  const port = await listen(first, '127.0.0.1', 0);
  t.ok(port > 0);
  t.equal((first.address() as net.AddressInfo).port, port);
  await t.rejects(listen(second, '127.0.0.1', port), { code: 'EADDRINUSE' });
  t.equal(second.listening, false);
});

t.test('closeServer: stops listening; a server that never listened closes at once', async (t) => {
  const server = net.createServer();
  await closeServer(server);
  await listen(server, '127.0.0.1', 0);
  await closeServer(server);
  t.equal(server.listening, false);
});

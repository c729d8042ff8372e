/**
 * Binding and unbinding the sandbox's listeners: listen() resolves with the port actually bound (0 asks
 * for any free one) and rejects with the bind error; closeServer() stops accepting and waits for the
 * server's 'close'. Imports node:net and node:events.
 */
import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';

export async function listen(server: Server, host: string, port: number): Promise<number> {
  server.listen(port, host);
  // once() rejects if 'error' (EADDRINUSE, EACCES …) comes first.
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Resolves once every connection has ended too (those are the caller's to end); at once if not listening. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
}

/**
 * A misbehaving server for fault tests: a plain TCP listener on 127.0.0.1 whose behaviour per connection
 * is a function the test gives. Real sockets, no mocks; close() destroys every connection it accepted.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface RawServer {
  port: number;
  url: string;
  connections: number;
  close(): Promise<void>;
}

export async function startRawServer(onConnection: (socket: net.Socket) => void): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const state = { connections: 0 };
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Greets, then closes the connection as soon as the client sends anything. */
export function closesAfterGreeting(socket: net.Socket): void {
  socket.write('220 closer.example ESMTP\r\n');
  socket.once('data', () => socket.destroy());
}

/** Accepts and never sends a byte. */
export function neverAnswers(): void {}

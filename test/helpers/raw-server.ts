/**
 * A tiny TCP (or TLS) server on 127.0.0.1:0 whose behaviour each test scripts, for faults no real server
 * produces on demand: closing at once, never answering, huge lines, garbage, one byte at a time.
 * close() destroys every socket it accepted, so tap can exit.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { Transcript } from '../../src/wire/transcript.js';
import type { Endpoint } from '../../src/wire/types.js';

export interface RawServer {
  port: number;
  /** smtp://127.0.0.1:PORT, for the CLI's --target. */
  url: string;
  /** Every byte the server received, one array per connection (its length counts the connections). */
  received: Buffer[][];
  endpoint(overrides?: Partial<Endpoint>): Endpoint;
  close(): Promise<void>;
}

export async function startRawServer(
  onConnection: (socket: net.Socket) => void,
  tlsOptions?: { key: string; cert: string },
): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const received: Buffer[][] = [];
  const accept = (socket: net.Socket): void => {
    sockets.add(socket);
    const chunks: Buffer[] = [];
    received.push(chunks);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  };
  const server = tlsOptions ? tls.createServer(tlsOptions, accept) : net.createServer(accept);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    endpoint: (overrides = {}) => ({ host: '127.0.0.1', port, tls: 'none', verify: true, url: `smtp://127.0.0.1:${port}`, ...overrides }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
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

/** A transcript and its sink for one session, for tests that inspect what was recorded. */
export function testTranscript(secrets: string[] = []): { transcript: Transcript; sink: ReturnType<Transcript['sink']> } {
  const transcript = new Transcript({ startNs: process.hrtime.bigint(), secrets });
  return { transcript, sink: transcript.sink('default') };
}

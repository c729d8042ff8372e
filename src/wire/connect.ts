/**
 * Opening a connection to an endpoint: plain TCP, or TLS from the first byte for implicit-TLS endpoints
 * (smtps, pop3s, imaps), verifying the certificate unless the endpoint opts out. The only other place
 * besides connection.ts that imports node:tls.
 */
import tls from 'node:tls';
import { Connection, tlsClientOptions } from './connection.js';
import { waitUntilReady } from './socket-wait.js';
import type { Endpoint, TranscriptSink } from './types.js';

export interface ConnectOptions {
  /** Bounds TCP connect and, for implicit TLS, the handshake. */
  connectTimeoutMs: number;
  signal?: AbortSignal;
  transcript: TranscriptSink;
}

export async function connect(endpoint: Endpoint, options: ConnectOptions): Promise<Connection> {
  const wait = { timeoutMs: options.connectTimeoutMs, signal: options.signal };
  if (endpoint.tls === 'implicit') {
    const socket = tls.connect({ ...tlsClientOptions(endpoint), port: endpoint.port });
    const connection = new Connection(socket, endpoint, options.transcript);
    await waitUntilReady(socket, 'secureConnect', 'connect', connection.peer, wait);
    socket.setNoDelay(true);
    options.transcript.record('i', `connected to ${connection.peer}`);
    connection.recordTls(socket);
    return connection;
  }
  const { connection, socket } = Connection.openTcp(endpoint, options.transcript);
  await waitUntilReady(socket, 'connect', 'connect', connection.peer, wait);
  // Commands go out as written, not coalesced: pipelining and latency tests depend on it.
  socket.setNoDelay(true);
  options.transcript.record('i', `connected to ${connection.peer}`);
  return connection;
}

/**
 * Listeners whose every connection is taken over by one fault: in place of a protocol's services
 * (smtp/submission/smtps, pop3/pop3s, imap/imaps), plain or implicit TLS with the sandbox certificate.
 * close() destroys every socket, which ends each fault's run. Imports node:net, node:tls and ./ modules.
 */
import net from 'node:net';
import tls from 'node:tls';
import { closeServer, listen } from '../listen.js';
import type { SandboxCertificate } from '../tls.js';
import { FaultConnection } from './connection.js';
import { RESPONDERS, type FaultProtocol } from './responders.js';
import { FAULTS, type FaultName } from './table.js';

export interface FaultService {
  name: string;
  /** 0 = any free port. */
  port: number;
  /** TLS from the first byte (smtps, pop3s, imaps). */
  implicitTls: boolean;
}

export interface FaultListenerOptions {
  fault: FaultName;
  protocol: FaultProtocol;
  host: string;
  services: readonly FaultService[];
  certificate: SandboxCertificate;
}

export interface FaultListeners {
  /** Service name → bound port. */
  ports: Record<string, number>;
  close(): Promise<void>;
}

export async function startFaultListeners(options: FaultListenerOptions): Promise<FaultListeners> {
  const sockets = new Set<net.Socket>();
  const stage = { protocol: options.protocol, responder: RESPONDERS[options.protocol] };
  const accept = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const connection = new FaultConnection(socket);
    // A fault's own failure (a write racing a reset) only ends its connection.
    FAULTS[options.fault].run(connection, stage).catch(() => socket.destroy());
  };
  const servers = options.services.map((service) =>
    service.implicitTls ? tls.createServer({ key: options.certificate.key, cert: options.certificate.cert }, accept) : net.createServer(accept),
  );
  for (const server of servers) server.on('tlsClientError', () => undefined);
  const close = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map(closeServer));
  };
  try {
    const bound = await Promise.all(options.services.map((service, i) => listen(servers[i]!, options.host, service.port)));
    return { ports: Object.fromEntries(options.services.map((service, i) => [service.name, bound[i]!])), close };
  } catch (err) {
    await close();
    throw err;
  }
}

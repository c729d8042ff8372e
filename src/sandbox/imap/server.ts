/**
 * The sandbox's IMAP listeners (RFC 8314 §3.3): "imap" (STARTTLS offered, RFC 3501 §6.2.1) and "imaps"
 * (TLS from the first byte), each connection served by an ImapSession over the shared store. close()
 * says "* BYE" to every session and frees every socket and timer.
 * The only module of sandbox/imap that imports node:net and node:tls.
 */
import net from 'node:net';
import tls from 'node:tls';
import { closeServer, listen } from '../listen.js';
import type { MailStore } from '../store.js';
import type { SandboxCertificate } from '../tls.js';
import type { UserDirectory } from '../users.js';
import { ImapServerLimits } from './limits.js';
import { ImapSession, type ImapServerContext, type ImapTransport } from './session.js';
import { ViewRegistry } from './view.js';

export type ImapListenerName = 'imap' | 'imaps';
export const IMAP_LISTENERS: readonly ImapListenerName[] = ['imap', 'imaps'];

export interface ImapSandboxOptions {
  host: string;
  /** 0 = any free port. */
  ports: Record<ImapListenerName, number>;
  /** The name in the greeting and CRAM-MD5 challenges. */
  hostname: string;
  certificate: SandboxCertificate;
  users: UserDirectory;
  store: MailStore;
  /** Autologout timers (default ImapServerLimits.idleMs / unauthenticatedIdleMs). */
  idleMs?: number;
  unauthenticatedIdleMs?: number;
}

export interface ImapSandbox {
  /** The ports actually bound. */
  ports: Record<ImapListenerName, number>;
  /** Stops listening, says "* BYE" to open sessions and frees every socket and timer. */
  close(): Promise<void>;
}

interface Connection {
  session: ImapSession;
  socket(): net.Socket;
}

export async function startImap(options: ImapSandboxOptions): Promise<ImapSandbox> {
  const secureContext = tls.createSecureContext({ key: options.certificate.key, cert: options.certificate.cert });
  const views = new ViewRegistry(options.store);
  const context: ImapServerContext = {
    users: options.users,
    store: options.store,
    views,
    subscriptions: new Map(),
    hostname: options.hostname,
    ...(options.idleMs === undefined ? {} : { idleMs: options.idleMs }),
    ...(options.unauthenticatedIdleMs === undefined ? {} : { unauthenticatedIdleMs: options.unauthenticatedIdleMs }),
  };
  const connections = new Set<Connection>();

  const accept = (socket: net.Socket, implicitTls: boolean): void => {
    let current = socket;
    let secure = implicitTls;
    const onData = (chunk: Buffer): void => session.receive(chunk);
    const onClose = (): void => {
      connections.delete(connection);
      session.closed();
    };
    const watch = (s: net.Socket): void => {
      s.on('data', onData);
      s.on('error', () => undefined); // 'close' follows; the session ends there
      s.once('close', onClose);
    };
    const transport: ImapTransport = {
      write: (bytes) => {
        if (current.writable) current.write(bytes);
      },
      get secure() {
        return secure;
      },
      startTls: () =>
        new Promise<void>((resolve, reject) => {
          current.off('data', onData);
          current.off('close', onClose);
          const upgraded = new tls.TLSSocket(current, { isServer: true, secureContext });
          current = upgraded;
          watch(upgraded);
          upgraded.once('secure', () => {
            secure = true;
            resolve();
          });
          upgraded.once('error', reject);
        }),
      end: () => {
        const closing = current;
        closing.end();
        // A client that never closes its side must not keep the socket: destroy after a grace period.
        closing.once('finish', () => setTimeout(() => closing.destroy(), ImapServerLimits.closeGraceMs).unref());
      },
    };
    const session = new ImapSession(transport, context);
    const connection: Connection = { session, socket: () => current };
    connections.add(connection);
    watch(socket);
    session.start();
  };

  const plain = net.createServer((socket) => accept(socket, false));
  const implicit = tls.createServer({ key: options.certificate.key, cert: options.certificate.cert }, (socket) => accept(socket, true));
  // A failed handshake on imaps is the client's problem; the server goes on.
  implicit.on('tlsClientError', (_err, socket) => socket.destroy());
  const servers = [plain, implicit];
  try {
    const ports = {
      imap: await listen(plain, options.host, options.ports.imap),
      imaps: await listen(implicit, options.host, options.ports.imaps),
    };
    let closing: Promise<void> | undefined;
    const close = async (): Promise<void> => {
      const stopped = Promise.all(servers.map(closeServer));
      for (const { session } of connections) session.shutdown();
      await new Promise((resolve) => setTimeout(resolve, connections.size > 0 ? ImapServerLimits.closeGraceMs : 0));
      for (const connection of connections) connection.socket().destroy();
      connections.clear();
      views.close();
      await stopped;
    };
    return { ports, close: () => (closing ??= close()) };
  } catch (err) {
    await Promise.all(servers.map(closeServer));
    views.close();
    throw err;
  }
}

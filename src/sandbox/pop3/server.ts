/**
 * The sandbox's POP3 listeners: pop3 (RFC 1939, STLS per RFC 2595) and pop3s (implicit TLS, RFC 8314),
 * sharing one maildrop lock table. Each connection gets a Pop3Session; this module owns the sockets: the
 * line reader with its limit, the idle (autologout) timer, the STLS upgrade, and close() that tells open
 * sessions the server is going and frees every socket. Imports node:net, node:tls and sandbox/ modules.
 */
import net from 'node:net';
import tls from 'node:tls';
import { listen } from '../listen.js';
import type { MailStore } from '../store.js';
import type { SandboxCertificate } from '../tls.js';
import type { UserDirectory } from '../users.js';
import { CommandLineReader } from './codec.js';
import { Pop3Limits } from './limits.js';
import { MaildropLocks } from './maildrop.js';
import { Pop3Reply } from './replies.js';
import { Pop3Session, type Pop3Transport } from './session.js';

export type Pop3ListenerName = 'pop3' | 'pop3s';
export const POP3_LISTENERS: readonly Pop3ListenerName[] = ['pop3', 'pop3s'];

export interface Pop3SandboxOptions {
  host: string;
  /** 0 = any free port. */
  ports: Record<Pop3ListenerName, number>;
  /** The name in the APOP timestamp and CRAM-MD5 challenges. */
  hostname: string;
  certificate: SandboxCertificate;
  users: UserDirectory;
  store: MailStore;
  /** Autologout timer (default Pop3Limits.idleMs). */
  idleMs?: number;
  /** Longest command line (default Pop3Limits.lineBytes). */
  lineBytes?: number;
  /** How long a login waits for a locked maildrop (default Pop3Limits.lockWaitMs). */
  lockWaitMs?: number;
}

export interface Pop3Sandbox {
  ports: Record<Pop3ListenerName, number>;
  /** Which maildrops are locked, for tests. */
  locks: MaildropLocks;
  close(): Promise<void>;
}

/** One client connection: bytes in → lines → the session, one command at a time. */
class Pop3Connection implements Pop3Transport {
  private readonly reader: CommandLineReader;
  private readonly session: Pop3Session;
  private readonly lines: Buffer[] = [];
  private busy = false;
  private ended = false;

  constructor(
    private socket: net.Socket,
    private readonly secureContext: tls.SecureContext,
    private readonly options: Pop3SandboxOptions,
    locks: MaildropLocks,
  ) {
    this.reader = new CommandLineReader(options.lineBytes ?? Pop3Limits.lineBytes);
    this.session = new Pop3Session(this, { users: options.users, store: options.store, locks, hostname: options.hostname });
    this.attach(socket);
    socket.once('close', () => this.session.ended());
    this.session.greet();
  }

  get secure(): boolean {
    return this.socket instanceof tls.TLSSocket;
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  end(): void {
    this.ended = true;
    this.lines.length = 0;
    this.socket.end();
  }

  /** Says why (when it can) and closes; the grace lets the reply leave before the socket is destroyed. */
  shutdown(graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      const timer = setTimeout(() => this.socket.destroy(), graceMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (!this.ended) this.write(Buffer.from(`${Pop3Reply.shuttingDown}\r\n`));
      this.end();
    });
  }

  /**
   * RFC 2595 §4: TLS on the same connection. Lines the client pipelined behind STLS are dropped (they
   * were sent in the clear and must not be taken as protected: the STARTTLS injection attack).
   */
  startTls(): Promise<void> {
    this.lines.length = 0;
    this.reader.reset();
    const plain = this.socket;
    this.detach(plain);
    const secure = new tls.TLSSocket(plain, { isServer: true, secureContext: this.secureContext });
    this.socket = secure;
    this.attach(secure);
    return new Promise((resolve, reject) => {
      secure.once('secure', resolve);
      secure.once('error', reject);
    });
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.ended) return;
    try {
      this.lines.push(...this.reader.push(chunk));
    } catch {
      // RFC 2449 §4: past the limit the rest of the line cannot be trusted to resynchronise on.
      this.write(Buffer.from(`${Pop3Reply.lineTooLong}\r\n`));
      this.end();
      return;
    }
    void this.drain();
  };

  private readonly onTimeout = (): void => {
    // RFC 1939 §3: the autologout timer; no UPDATE state, so nothing is deleted.
    this.write(Buffer.from(`${Pop3Reply.idleTimeout}\r\n`));
    this.end();
    this.session.ended();
  };

  private readonly onError = (): void => {
    // A reset or a failed handshake: the client's business; 'close' follows and frees the lock.
    this.socket.destroy();
  };

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let line = this.lines.shift(); line !== undefined; line = this.lines.shift()) await this.session.handle(line);
    } catch {
      // A bug in a handler ends this session only, never the sandbox's process (RFC 3206 SYS/TEMP).
      this.write(Buffer.from(`${Pop3Reply.internalError}\r\n`));
      this.end();
    } finally {
      this.busy = false;
    }
  }

  private attach(socket: net.Socket): void {
    socket.setTimeout(this.options.idleMs ?? Pop3Limits.idleMs);
    socket.on('data', this.onData);
    socket.on('timeout', this.onTimeout);
    socket.on('error', this.onError);
  }

  private detach(socket: net.Socket): void {
    socket.setTimeout(0);
    socket.off('data', this.onData);
    socket.off('timeout', this.onTimeout);
    socket.off('error', this.onError);
  }
}

class Pop3Listener {
  private readonly server: net.Server;
  private readonly connections = new Set<Pop3Connection>();

  constructor(implicitTls: boolean, secureContext: tls.SecureContext, options: Pop3SandboxOptions, locks: MaildropLocks) {
    const accept = (socket: net.Socket): void => {
      const connection = new Pop3Connection(socket, secureContext, options, locks);
      this.connections.add(connection);
      socket.once('close', () => this.connections.delete(connection));
    };
    // tls.Server builds its own context from key and cert (a `secureContext` option is ignored there).
    const { key, cert } = options.certificate;
    this.server = implicitTls ? tls.createServer({ key, cert }, accept) : net.createServer(accept);
    // A client that fails the implicit-TLS handshake never becomes a connection; nothing to clean up.
    this.server.on('tlsClientError', () => undefined);
  }

  listen(host: string, port: number): Promise<number> {
    return listen(this.server, host, port);
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.connections].map((connection) => connection.shutdown(Pop3Limits.closeGraceMs)));
    await closed;
  }
}

/** Starts pop3 and pop3s; on failure, closes what was started and rethrows. */
export async function startPop3(options: Pop3SandboxOptions): Promise<Pop3Sandbox> {
  const secureContext = tls.createSecureContext({ key: options.certificate.key, cert: options.certificate.cert });
  const locks = new MaildropLocks(options.lockWaitMs ?? Pop3Limits.lockWaitMs);
  const listeners = POP3_LISTENERS.map((name) => [name, new Pop3Listener(name === 'pop3s', secureContext, options, locks)] as const);
  const closeAll = async (): Promise<void> => {
    await Promise.all(listeners.map(([, listener]) => listener.close()));
  };
  try {
    const bound = await Promise.all(listeners.map(([name, listener]) => listener.listen(options.host, options.ports[name])));
    const ports = Object.fromEntries(listeners.map(([name], i) => [name, bound[i]!])) as Record<Pop3ListenerName, number>;
    return { ports, locks, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

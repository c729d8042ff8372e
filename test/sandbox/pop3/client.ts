/**
 * A byte-exact POP3 test client for the sandbox server, like a transcript: "send this line, expect this
 * status", single-line or multi-line replies read as raw Buffers (terminator and dot-stuffing left in, so
 * tests see the exact wire bytes). Plain, STLS-upgraded or implicit TLS; everything is closed in teardown.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Test } from 'tap';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/index.js';

const READ_TIMEOUT_MS = 3000;

export async function sandboxFor(t: Test, options?: SandboxOptions): Promise<Sandbox> {
  const sandbox = await startSandbox(options);
  t.teardown(() => sandbox.close());
  return sandbox;
}

export function portOf(url: string): number {
  return Number(new URL(url).port);
}

export class Pop3TestClient {
  private buffered = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private closed = false;

  constructor(private socket: net.Socket) {
    this.attach(socket);
  }

  get isClosed(): boolean {
    return this.closed && this.buffered.length === 0;
  }

  write(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends a command line and reads a single-line reply (without CRLF). */
  async command(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.line();
  }

  /** Sends a command and reads a multi-line reply: the exact bytes after the status line, terminator included. */
  async multiline(line: string): Promise<{ status: string; body: Buffer }> {
    this.write(`${line}\r\n`);
    const status = await this.line();
    if (!status.startsWith('+OK')) return { status, body: Buffer.alloc(0) };
    return { status, body: await this.untilTerminator() };
  }

  /** One line, without CRLF. */
  async line(): Promise<string> {
    for (;;) {
      const lf = this.buffered.indexOf('\r\n');
      if (lf !== -1) {
        const line = this.buffered.subarray(0, lf).toString('utf8');
        this.buffered = this.buffered.subarray(lf + 2);
        return line;
      }
      await this.more();
    }
  }

  /** Everything up to and including "\r\n.\r\n" (or a body that is just ".\r\n"). */
  async untilTerminator(): Promise<Buffer> {
    for (;;) {
      const end = this.buffered.subarray(0, 3).equals(Buffer.from('.\r\n')) ? 3 : this.buffered.indexOf('\r\n.\r\n') + 5;
      if (end >= 5 || end === 3) {
        const body = this.buffered.subarray(0, end);
        this.buffered = this.buffered.subarray(end);
        return body;
      }
      await this.more();
    }
  }

  /** Resolves once the server has closed the connection. */
  async closedByServer(): Promise<void> {
    while (!this.closed) await this.more();
  }

  /** RFC 2595 §4: STLS, then a verified handshake against `ca`. */
  async stls(ca: string): Promise<string> {
    const status = await this.command('STLS');
    if (status.startsWith('+OK')) await this.startTls(ca);
    return status;
  }

  /** A TLS handshake on the connection as it is, verified against `ca` for "localhost". */
  async startTls(ca: string): Promise<void> {
    this.detach(this.socket);
    const secure = tls.connect({ socket: this.socket, ca, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
  }

  close(): void {
    this.socket.destroy();
  }

  private more(): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`connection closed; unread: ${JSON.stringify(this.buffered.toString('latin1'))}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply within ${READ_TIMEOUT_MS} ms; unread: ${JSON.stringify(this.buffered.toString('latin1'))}`)), READ_TIMEOUT_MS);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private readonly onData = (chunk: Buffer): void => {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    this.notify();
  };

  private readonly onClose = (): void => {
    this.closed = true;
    this.notify();
  };

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private attach(socket: net.Socket): void {
    socket.on('data', this.onData);
    socket.on('close', this.onClose);
    socket.on('error', () => undefined);
  }

  private detach(socket: net.Socket): void {
    socket.off('data', this.onData);
    socket.off('close', this.onClose);
  }
}

/** Connects (implicit TLS for pop3s: URLs, verified against `ca`) and reads the greeting. */
export async function connect(t: Test, url: string, ca?: string): Promise<{ client: Pop3TestClient; greeting: string }> {
  const port = portOf(url);
  const socket = url.startsWith('pop3s:') ? tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }) : net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once(socket instanceof tls.TLSSocket ? 'secureConnect' : 'connect', () => resolve());
    socket.once('error', reject);
  });
  const client = new Pop3TestClient(socket);
  t.teardown(() => client.close());
  return { client, greeting: await client.line() };
}

/** Connects and logs in with USER/PASS. */
export async function loggedIn(t: Test, url: string, user = 'alice', password = `${user}pw`): Promise<Pop3TestClient> {
  const { client } = await connect(t, url);
  t.equal(await client.command(`USER ${user}`), '+OK');
  t.match(await client.command(`PASS ${password}`), /^\+OK /);
  return client;
}

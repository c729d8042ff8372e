/**
 * Test helpers that drive the sandbox IMAP server with raw bytes, like a transcript (mox's imapserver
 * tests): "send this command, expect this status and these untagged lines". Responses are read whole,
 * literals included, from a plain socket (or TLS). Every read is bounded in time; everything opened is
 * closed in teardown.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Test } from 'tap';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/index.js';

const READ_TIMEOUT_MS = 3000;
const LITERAL_AT_END = /\{([0-9]+)\}\r\n$/;

export async function sandboxFor(t: Test, options?: SandboxOptions): Promise<Sandbox> {
  const sandbox = await startSandbox(options);
  t.teardown(() => sandbox.close());
  return sandbox;
}

export function portOf(url: string): number {
  return Number(new URL(url).port);
}

export interface Exchange {
  /** The tagged status: OK, NO or BAD. */
  status: string;
  /** The tagged line, e.g. "A1 OK [READ-WRITE] Select completed". */
  tagged: string;
  /** The untagged and continuation responses before it, literals inline (latin1, one char per octet). */
  untagged: string[];
}

export class ImapTestClient {
  socket: net.Socket;
  private buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private ended = false;
  private tagCounter = 0;

  constructor(socket: net.Socket) {
    this.socket = socket;
    this.attach(socket);
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiter?.();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.ended = true;
      this.waiter?.();
    });
  }

  /** Sends bytes as they are. */
  write(bytes: string | Buffer): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes);
  }

  /** The next whole response (a line, with any literals and the lines after them), without its final CRLF. */
  async response(timeoutMs = READ_TIMEOUT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const taken = this.takeResponse();
      if (taken !== undefined) return taken;
      if (this.ended) throw new Error(`connection closed; unread: ${JSON.stringify(this.buffer.toString('latin1'))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no response within ${timeoutMs} ms; unread: ${JSON.stringify(this.buffer.toString('latin1'))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve();
        };
      });
    }
  }

  private takeResponse(): string | undefined {
    let at = 0;
    for (;;) {
      const lf = this.buffer.indexOf(0x0a, at);
      if (lf < 0) return undefined;
      const upTo = this.buffer.subarray(0, lf + 1).toString('latin1');
      const literal = LITERAL_AT_END.exec(upTo);
      if (!literal) {
        this.buffer = this.buffer.subarray(lf + 1);
        return upTo.slice(0, -2);
      }
      at = lf + 1 + Number(literal[1]);
      if (at > this.buffer.length) return undefined;
    }
  }

  /** True when nothing arrives within `ms`. */
  async silentFor(ms: number): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.buffer.length === 0;
  }

  nextTag(): string {
    return `A${++this.tagCounter}`;
  }

  /** Sends "TAG command" CRLF and reads up to its tagged completion. */
  async command(text: string | Buffer, timeoutMs = READ_TIMEOUT_MS): Promise<Exchange> {
    const tag = this.nextTag();
    this.write(Buffer.concat([Buffer.from(`${tag} `), typeof text === 'string' ? Buffer.from(text, 'utf8') : text, Buffer.from('\r\n')]));
    return this.until(tag, timeoutMs);
  }

  /** Reads responses up to the tagged one. */
  async until(tag: string, timeoutMs = READ_TIMEOUT_MS): Promise<Exchange> {
    const untagged: string[] = [];
    for (;;) {
      const response = await this.response(timeoutMs);
      if (response.startsWith(`${tag} `)) return { status: response.split(' ')[1]!, tagged: response, untagged };
      untagged.push(response);
    }
  }

  /** Upgrades to TLS (after a STARTTLS OK), trusting `ca`. */
  async startTls(ca: string): Promise<void> {
    const secure = tls.connect({ socket: this.socket, ca, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket.removeAllListeners('data');
    this.socket = secure;
    this.buffer = Buffer.alloc(0);
    this.attach(secure);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Checks a command's status and that each pattern matches some untagged response (or the tagged line). */
export async function expectCommand(t: Test, client: ImapTestClient, text: string, status: string, ...patterns: RegExp[]): Promise<Exchange> {
  const exchange = await client.command(text);
  t.equal(exchange.status, status, `${text.split('\r\n')[0]} → ${status}`, { tagged: exchange.tagged });
  for (const pattern of patterns) {
    t.ok([...exchange.untagged, exchange.tagged].some((response) => pattern.test(response)), `${text.split('\r\n')[0]}: ${pattern}`, { responses: exchange.untagged });
  }
  return exchange;
}

/** Connects to a sandbox URL (imap:// plain, imaps:// TLS trusting `ca`) and reads the greeting. */
export async function connect(t: Test, url: string, ca?: string): Promise<{ client: ImapTestClient; greeting: string }> {
  const port = portOf(url);
  const socket = url.startsWith('imaps:') ? tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }) : net.connect(port, '127.0.0.1');
  const client = new ImapTestClient(socket);
  t.teardown(() => client.close());
  const greeting = await client.response();
  return { client, greeting };
}

/** Connects and logs in as `user` (password: user + "pw"). */
export async function loggedIn(t: Test, sandbox: Sandbox, user = 'alice'): Promise<ImapTestClient> {
  const { client } = await connect(t, sandbox.targets.imap);
  const login = await client.command(`LOGIN ${user} ${user}pw`);
  if (login.status !== 'OK') throw new Error(`LOGIN failed: ${login.tagged}`);
  return client;
}

/** Logs in and selects a mailbox. */
export async function selected(t: Test, sandbox: Sandbox, mailbox = 'INBOX', user = 'alice'): Promise<ImapTestClient> {
  const client = await loggedIn(t, sandbox, user);
  const select = await client.command(`SELECT ${mailbox}`);
  if (select.status !== 'OK') throw new Error(`SELECT failed: ${select.tagged}`);
  return client;
}

/** A small RFC 5322 message with CRLF line ends. */
export function message(subject: string, body = 'Hello\r\n', extraHeaders = ''): Buffer {
  return Buffer.from(
    `From: Alice Example <alice@example.test>\r\nTo: bob@example.test\r\nSubject: ${subject}\r\n` +
      `Date: Mon, 23 Nov 2026 18:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.test>\r\n${extraHeaders}\r\n${body}`,
  );
}

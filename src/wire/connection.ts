/**
 * A live TCP or TLS connection with a byte-exact reader: lines (bounded by Limits.lineBytes), exactly N
 * bytes, or everything until the peer closes; each read with its own timeout and AbortSignal, failing with
 * a MailprobeError that names the cause and what the caller was waiting for. Bytes are pulled from the
 * socket only while a read needs them, so a flood cannot fill memory. Also: writes, the STARTTLS upgrade
 * (RFC 3207 §4: refuses bytes that arrived before the handshake), and a graceful close. Every byte read or
 * written is recorded in the session's transcript. No protocol knowledge; only wire/ imports node:net/tls.
 */
import net from 'node:net';
import tls from 'node:tls';
import { formatDuration } from '../util/duration.js';
import { ErrorCode, LimitError, MailprobeError } from '../util/errors.js';
import { Limits } from '../util/limits.js';
import { ByteQueue } from './byte-queue.js';
import { formatBytes } from './printable.js';
import { socketError, withContext } from './socket-errors.js';
import { abortError, waitUntilReady, type WaitOptions } from './socket-wait.js';
import type { Endpoint, TranscriptSink } from './types.js';

export interface ReadOptions {
  /** How long this read may take, from its call to its last byte. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** What the caller waits for, appended to errors: "reading reply to EHLO". */
  waitingFor?: string;
}

export interface LineReadOptions extends ReadOptions {
  /** Keep the CRLF (or bare LF) at the end of the line; stripped by default. */
  keepLineEnding?: boolean;
  /** Longest line accepted, line ending included (default Limits.lineBytes). */
  maxBytes?: number;
}

export interface WriteOptions {
  /** Bounds how long the peer may take to accept the bytes (a server that stops reading). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** What is being sent, for errors: "sending DATA". */
  waitingFor?: string;
  /** Record bytes from this offset on as a secret (only their count): AUTH payloads. */
  redactFrom?: number;
}

/** How long a client close waits for the peer's FIN before destroying the socket. */
const CLOSE_GRACE_MS = 500;

/** SNI and certificate name: the endpoint's servername, else its host unless that is an IP literal. */
export function serverNameOf(endpoint: Endpoint): string | undefined {
  const name = endpoint.servername ?? endpoint.host;
  // RFC 6066 §3: SNI carries host names only, never IP literals.
  return net.isIP(name) === 0 ? name : undefined;
}

/** The TLS client settings of an endpoint, the same for implicit TLS and for a STARTTLS upgrade. */
export function tlsClientOptions(endpoint: Endpoint): tls.ConnectionOptions {
  return {
    host: endpoint.host,
    servername: serverNameOf(endpoint),
    rejectUnauthorized: endpoint.verify,
    ...(endpoint.ca === undefined ? {} : { ca: endpoint.ca }),
  };
}

function stripLineEnding(line: Buffer): Buffer {
  const end = line.length >= 2 && line[line.length - 2] === 0x0d ? line.length - 2 : line.length - 1;
  return line.subarray(0, end);
}

export class Connection {
  private socket: net.Socket;
  private readonly queue = new ByteQueue();
  private peerEnded = false;
  private clientClosed = false;
  private failure: unknown;
  /** Re-evaluates the pending read when bytes, an end or an error arrive. */
  private pendingStep: (() => void) | undefined;
  private closing: Promise<void> | undefined;
  readonly peer: string;

  constructor(
    socket: net.Socket,
    private readonly endpoint: Endpoint,
    private readonly transcript: TranscriptSink,
  ) {
    this.socket = socket;
    this.peer = `${endpoint.host}:${endpoint.port}`;
    this.attach(socket);
  }

  /** True once TLS is up (implicit TLS or after STARTTLS). */
  get secure(): boolean {
    return this.socket instanceof tls.TLSSocket;
  }

  /** Reads one line up to LF. Fails with LimitError past `maxBytes` without buffering more. */
  readLine(options: LineReadOptions): Promise<Buffer> {
    const max = options.maxBytes ?? Limits.lineBytes;
    return this.read(options, () => {
      const lf = this.queue.indexOfLineFeed(max);
      if (lf === -1) {
        if (this.queue.length <= max) return undefined;
        throw new LimitError('lineBytes', max, max + 1, withContext(`line exceeds ${formatBytes(max)}`, options.waitingFor));
      }
      const line = this.consume(lf + 1);
      return options.keepLineEnding ? line : stripLineEnding(line);
    });
  }

  /** Reads exactly `count` bytes (an IMAP literal, a POP3 body); the caller bounds `count` by its limit. */
  readExactly(count: number, options: ReadOptions): Promise<Buffer> {
    return this.read(options, () => (this.queue.length >= count ? this.consume(count) : undefined));
  }

  /** Everything until the peer closes (or resets) the connection, bounded by `maxBytes` (Limits.bodyBytes). */
  readUntilClose(options: ReadOptions & { maxBytes?: number }): Promise<Buffer> {
    const max = options.maxBytes ?? Limits.bodyBytes;
    const parts: Buffer[] = [];
    let total = 0;
    return this.read(
      options,
      () => {
        // Consumed as it arrives, so the transcript shows when each byte came.
        if (this.queue.length > 0) {
          total += this.queue.length;
          if (total > max) throw new LimitError('bodyBytes', max, total, withContext(`more than ${formatBytes(max)} before close`, options.waitingFor));
          parts.push(this.consume(this.queue.length));
        }
        return undefined;
      },
      () => Buffer.concat(parts),
      `connection still open after ${formatDuration(options.timeoutMs)}`,
    );
  }

  write(data: Buffer, options: WriteOptions = {}): Promise<void> {
    const { signal, timeoutMs, waitingFor } = options;
    return new Promise<void>((resolve, reject) => {
      const refusal = this.endOfStream(waitingFor) ?? (signal?.aborted ? abortError(signal, waitingFor) : undefined);
      if (refusal) {
        reject(refusal);
        return;
      }
      this.recordSent(data, options.redactFrom);
      let timer: NodeJS.Timeout | undefined;
      const settle = (err?: MailprobeError): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const onAbort = (): void => settle(abortError(signal!, waitingFor));
      if (timeoutMs !== undefined) {
        const message = `server did not accept ${data.length} bytes within ${formatDuration(timeoutMs)}`;
        timer = setTimeout(() => settle(new MailprobeError(ErrorCode.TIMEOUT, withContext(message, waitingFor))), timeoutMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.socket.write(data, (err) => settle(err ? socketError(err, 'session', this.peer, waitingFor) : undefined));
    });
  }

  /**
   * RFC 3207 §4 STARTTLS: starts TLS on the live socket with the endpoint's verification policy. Bytes the
   * server sent after its reply and before the handshake would be read as if protected by TLS (the
   * "STARTTLS command injection" class of bugs), so they are refused as a protocol error.
   */
  async upgradeTls(options: WaitOptions): Promise<void> {
    const early = this.queue.length + this.socket.readableLength;
    if (early > 0) {
      if (this.queue.length > 0) this.consume(this.queue.length);
      throw new MailprobeError(
        ErrorCode.PROTOCOL,
        `server sent ${early} bytes after its STARTTLS reply, before the TLS handshake; refused (RFC 3207 §4, STARTTLS command injection)`,
      );
    }
    const plain = this.socket;
    this.detach(plain);
    // Errors now surface on the TLS socket; this keeps a late one on the plain socket from going unhandled.
    plain.on('error', () => undefined);
    const secure = tls.connect({ socket: plain, ...tlsClientOptions(this.endpoint) });
    this.socket = secure;
    this.attach(secure);
    await waitUntilReady(secure, 'secureConnect', 'handshake', this.peer, options);
    this.recordTls(secure);
  }

  /** Records the TLS session's parameters as an event. */
  recordTls(socket: tls.TLSSocket): void {
    const cipher = socket.getCipher();
    const verified = this.endpoint.verify ? 'certificate verified' : 'certificate not verified';
    this.transcript.record('i', `TLS established: ${socket.getProtocol() ?? 'unknown'} ${cipher.name} (${verified})`);
  }

  /** Closes from the client side: FIN (TLS close_notify), then destroy if the peer lingers. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private shutdown(): Promise<void> {
    this.clientClosed = true;
    this.pendingStep?.();
    const socket = this.socket;
    if (socket.destroyed) return Promise.resolve();
    this.transcript.record('i', 'connection closed by client');
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      // Discard whatever still arrives so that the peer's FIN is seen.
      socket.off('data', this.onData);
      socket.end();
      socket.resume();
    });
  }

  /**
   * Runs one read: `attempt` returns a value once the queue can satisfy it (or throws a limit error);
   * `atClose` (for reads that want the close) turns a peer close into a value instead of an error.
   */
  private read<T>(options: ReadOptions, attempt: () => T | undefined, atClose?: () => T, timeoutText?: string): Promise<T> {
    const { timeoutMs, signal, waitingFor } = options;
    return new Promise<T>((resolve, reject) => {
      if (this.pendingStep) throw new Error('Connection: a read is already pending (reads must be sequential)');
      let timer: NodeJS.Timeout | undefined;
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.pendingStep = undefined;
        if (!this.clientClosed) this.socket.pause();
        settle();
      };
      const onAbort = (): void => finish(() => reject(abortError(signal!, waitingFor)));
      const step = (): boolean => {
        try {
          const value = attempt();
          if (value !== undefined) {
            finish(() => resolve(value));
            return true;
          }
        } catch (err) {
          finish(() => reject(err));
          return true;
        }
        const ended = this.endOfStream(waitingFor);
        if (!ended) return false;
        if (atClose && ended.code === ErrorCode.CLOSED && !this.clientClosed) finish(() => resolve(atClose()));
        else finish(() => reject(ended));
        return true;
      };
      if (signal?.aborted) {
        reject(abortError(signal, waitingFor));
        return;
      }
      if (step()) return;
      timer = setTimeout(() => {
        const text = timeoutText ?? `no reply within ${formatDuration(timeoutMs)}`;
        finish(() => reject(new MailprobeError(ErrorCode.TIMEOUT, withContext(text, waitingFor))));
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pendingStep = step;
      this.socket.resume();
    });
  }

  /** Why no more bytes will come, if that is so. */
  private endOfStream(waitingFor: string | undefined): MailprobeError | undefined {
    if (this.clientClosed) return new MailprobeError(ErrorCode.CLOSED, withContext('connection closed by client', waitingFor));
    if (this.failure !== undefined) return socketError(this.failure, 'session', this.peer, waitingFor);
    if (this.peerEnded) return new MailprobeError(ErrorCode.CLOSED, withContext('connection closed by server', waitingFor));
    return undefined;
  }

  private consume(count: number): Buffer {
    const bytes = this.queue.take(count);
    if (bytes.length > 0) this.transcript.record('s', bytes);
    return bytes;
  }

  private recordSent(data: Buffer, redactFrom: number | undefined): void {
    if (redactFrom === undefined) {
      this.transcript.record('c', data);
      return;
    }
    if (redactFrom > 0) this.transcript.record('c', data.subarray(0, redactFrom));
    this.transcript.record('c', data.subarray(redactFrom), { secret: true });
  }

  private readonly onData = (chunk: Buffer): void => {
    this.queue.push(chunk);
    this.pendingStep?.();
  };

  private readonly onEnd = (): void => {
    this.peerEnded = true;
    this.pendingStep?.();
    // After our own close the peer's FIN is only its half of the shutdown, not news.
    if (!this.clientClosed) this.transcript.record('i', 'connection closed by server');
  };

  private readonly onError = (err: Error): void => {
    this.failure ??= err;
    this.transcript.record('i', `connection error: ${err.message}`);
    this.pendingStep?.();
  };

  private readonly onClose = (): void => {
    this.peerEnded = true;
    this.pendingStep?.();
  };

  private attach(socket: net.Socket): void {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    socket.pause();
  }

  private detach(socket: net.Socket): void {
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('error', this.onError);
    socket.off('close', this.onClose);
  }
}

/**
 * A live TCP or TLS connection with a byte-exact reader: lines (bounded by Limits.lineBytes), exactly N
 * bytes, or everything until the peer closes; each read with its own timeout and AbortSignal, failing with
 * a MailprobeError that names the cause and what the caller was waiting for; readLines hands a multi-line
 * reply to its decoder in one read. The socket flows: bytes are queued as they come (a plain socket reads
 * below the stream layer, into one shared buffer), and it pauses once a full line's worth (Limits.lineBytes)
 * waits with no read to take it, so a flood cannot fill memory. A read the queue already satisfies costs no
 * timer and no listener; a read that waits shares the connection's one timer and its one abort listener (a
 * load run reads millions of lines). Also: writes, the STARTTLS upgrade (RFC 3207 §4: refuses bytes that arrived before the
 * handshake), and a graceful close. Every byte read or written is recorded in the session's transcript.
 * No protocol knowledge; only wire/ imports node:net/tls.
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

/**
 * Plain sockets read below the stream layer (net.connect's `onread`): each read lands in this one buffer and
 * its bytes are copied into the connection's queue before the callback returns, so a chunk costs no Buffer of
 * its own and no stream event. One buffer serves every connection: the next read cannot begin before then.
 */
const sharedReadBuffer = Buffer.allocUnsafe(64 * 1024);

/**
 * What write() returns when the kernel took the bytes at once: one settled promise for every such write, so a
 * caller may compare with it and go on without waiting a turn of the event loop.
 */
export const WRITTEN: Promise<void> = Promise.resolve();

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

/** A read waiting for bytes, an end, its deadline or an abort. */
interface PendingRead {
  /** Re-evaluates the read against the queue; true once it has settled. */
  step: () => boolean;
  reject: (err: unknown) => void;
  /** performance.now() by which it must be satisfied. */
  deadlineMs: number;
  timeoutMs: number;
  timeoutText: string | undefined;
  signal: AbortSignal | undefined;
  waitingFor: string | undefined;
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
  /** The peer's end arrived while bytes were still queued: recorded once they have been read. */
  private endUnrecorded = false;
  private pending: PendingRead | undefined;
  /** The connection's one read timer, armed lazily: when it fires early it re-arms for what is left. */
  private timer: NodeJS.Timeout | undefined;
  private timerDueMs = 0;
  /** The signal the connection's one abort listener is on: a run passes the same signal to every read. */
  private signal: AbortSignal | undefined;
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

  /** A plain TCP socket to the endpoint, reading through the shared buffer (see sharedReadBuffer), and its connection. */
  static openTcp(endpoint: Endpoint, transcript: TranscriptSink): { connection: Connection; socket: net.Socket } {
    let connection: Connection | undefined;
    // The callback's `false` would stop reading without pausing the stream: back-pressure pauses it instead.
    const callback = (bytes: number): boolean => {
      connection!.receive(sharedReadBuffer, bytes);
      return true;
    };
    const onread = { buffer: sharedReadBuffer, callback };
    const socket = net.connect({ host: endpoint.host, port: endpoint.port, onread });
    connection = new Connection(socket, endpoint, transcript);
    return { connection, socket };
  }

  /** True once TLS is up (implicit TLS or after STARTTLS). */
  get secure(): boolean {
    return this.socket instanceof tls.TLSSocket;
  }

  /** Reads one line up to LF. Fails with LimitError past `maxBytes` without buffering more. */
  readLine(options: LineReadOptions): Promise<Buffer> {
    const max = options.maxBytes ?? Limits.lineBytes;
    return this.read(options, () => {
      const line = this.nextLine(max, options.waitingFor);
      return line === undefined || options.keepLineEnding ? line : stripLineEnding(line);
    });
  }

  /**
   * Reads lines as readLine does and hands each to `onLine` until it returns a value, which the read resolves
   * with: a multi-line reply in one read. The timeout applies to each line, from the end of the one before.
   */
  readLines<T>(options: LineReadOptions, onLine: (line: Buffer) => T | undefined): Promise<T> {
    const max = options.maxBytes ?? Limits.lineBytes;
    return this.read(options, () => {
      for (let line = this.nextLine(max, options.waitingFor); line !== undefined; line = this.nextLine(max, options.waitingFor)) {
        const value = onLine(options.keepLineEnding ? line : stripLineEnding(line));
        if (value !== undefined) return value;
        if (this.pending) this.pending.deadlineMs = performance.now() + options.timeoutMs;
      }
      return undefined;
    });
  }

  /** The next complete line, with its ending, once the queue holds one; LimitError past `max` bytes. */
  private nextLine(max: number, waitingFor: string | undefined): Buffer | undefined {
    const lf = this.queue.indexOfLineFeed(max);
    if (lf !== -1) return this.consume(lf + 1);
    if (this.queue.length <= max) return undefined;
    throw new LimitError('lineBytes', max, max + 1, withContext(`line exceeds ${formatBytes(max)}`, waitingFor));
  }

  /** Reads exactly `count` bytes (an IMAP literal, a POP3 body); the caller bounds `count` by its limit. */
  readExactly(count: number, options: ReadOptions): Promise<Buffer> {
    return this.read(options, () => (this.queue.length >= count ? this.consume(count) : undefined));
  }

  /** Whatever has arrived, at least one byte: for a body the caller frames itself (a POP3 multi-line body). */
  readAvailable(options: ReadOptions): Promise<Buffer> {
    return this.read(options, () => (this.queue.length > 0 ? this.consume(this.queue.length) : undefined));
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
    const refusal = this.endOfStream(waitingFor) ?? (signal?.aborted ? abortError(signal, waitingFor) : undefined);
    if (refusal) return Promise.reject(refusal);
    this.recordSent(data, options.redactFrom);
    let settle: ((err?: MailprobeError) => void) | undefined;
    // The callback runs on a later tick, after the executor below has set `settle` (or not: done already).
    this.socket.write(data, (err) => settle?.(err ? socketError(err, 'session', this.peer, waitingFor) : undefined));
    // Handed to the kernel at once (a plain socket that is not backed up): nothing left to wait for. A TLS
    // socket counts its bytes until the callback.
    if (this.socket.writableLength === 0 && !this.secure) return WRITTEN;
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => settle!(abortError(signal!, waitingFor));
      settle = (err?: MailprobeError): void => {
        settle = undefined;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      if (timeoutMs !== undefined) {
        const message = `server did not accept ${data.length} bytes within ${formatDuration(timeoutMs)}`;
        timer = setTimeout(() => settle?.(new MailprobeError(ErrorCode.TIMEOUT, withContext(message, waitingFor))), timeoutMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
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
    plain.pause();
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
    this.pending?.step();
    this.stopWatching();
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
    if (this.pending) return Promise.reject(new Error('Connection: a read is already pending (reads must be sequential)'));
    if (signal?.aborted) return Promise.reject(abortError(signal, waitingFor));
    return new Promise<T>((resolve, reject) => {
      const step = (): boolean => {
        let value: T | undefined;
        try {
          value = attempt();
        } catch (err) {
          this.endRead();
          reject(err);
          return true;
        }
        if (value !== undefined) {
          this.endRead();
          resolve(value);
          return true;
        }
        const ended = this.endOfStream(waitingFor);
        if (!ended) return false;
        this.endRead();
        if (atClose && ended.code === ErrorCode.CLOSED && !this.clientClosed) resolve(atClose());
        else reject(ended);
        return true;
      };
      if (step()) return;
      const deadlineMs = performance.now() + timeoutMs;
      this.pending = { step, reject, deadlineMs, timeoutMs, timeoutText, signal, waitingFor };
      this.armTimer(deadlineMs);
      if (signal) this.watch(signal);
      if (this.socket.isPaused()) this.socket.resume();
    });
  }

  /** After a read settles: pause the socket if a line's worth already waits unread (back-pressure). */
  private endRead(): void {
    this.pending = undefined;
    if (this.queue.length >= Limits.lineBytes && !this.clientClosed) this.socket.pause();
  }

  private failRead(err: unknown): void {
    const pending = this.pending!;
    this.endRead();
    pending.reject(err);
  }

  private armTimer(dueMs: number): void {
    if (this.timer !== undefined && this.timerDueMs <= dueMs) return;
    clearTimeout(this.timer);
    this.timerDueMs = dueMs;
    this.timer = setTimeout(this.onTimer, Math.max(1, Math.ceil(dueMs - performance.now())));
    // A pending read keeps the socket, and so the process, alive; an idle timer must not.
    this.timer.unref();
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    const pending = this.pending;
    if (!pending) return;
    if (performance.now() < pending.deadlineMs) {
      this.armTimer(pending.deadlineMs);
      return;
    }
    const text = pending.timeoutText ?? `no reply within ${formatDuration(pending.timeoutMs)}`;
    this.failRead(new MailprobeError(ErrorCode.TIMEOUT, withContext(text, pending.waitingFor)));
  };

  /** Moves the connection's abort listener to `signal` (once per run: a run's reads share one signal). */
  private watch(signal: AbortSignal): void {
    if (this.signal === signal) return;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.signal = signal;
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  private readonly onAbort = (): void => {
    const pending = this.pending;
    if (pending?.signal !== undefined && pending.signal === this.signal) this.failRead(abortError(pending.signal, pending.waitingFor));
  };

  /** Drops the timer and the abort listener: nothing more will be read. */
  private stopWatching(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.signal = undefined;
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
    if (this.endUnrecorded && this.queue.length === 0) {
      this.endUnrecorded = false;
      this.recordServerClose();
    }
    return bytes;
  }

  private recordServerClose(): void {
    // After our own close the peer's FIN is only its half of the shutdown, not news.
    if (!this.clientClosed) this.transcript.record('i', 'connection closed by server');
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
    this.receive(chunk, chunk.length);
  };

  /** The first `length` bytes of `chunk` arrived (a 'data' event, or a read into the shared buffer). */
  private receive(chunk: Buffer, length: number): void {
    // After our close, whatever still arrives is discarded: only the peer's FIN matters.
    if (this.clientClosed) return;
    this.queue.push(chunk, length);
    if (this.pending) this.pending.step();
    else if (this.queue.length >= Limits.lineBytes) this.socket.pause();
  }

  private readonly onEnd = (): void => {
    this.peerEnded = true;
    // The transcript shows the close after the bytes that came before it, as they are read.
    if (this.queue.length > 0) this.endUnrecorded = true;
    else this.recordServerClose();
    this.pending?.step();
  };

  private readonly onError = (err: Error): void => {
    this.failure ??= err;
    this.transcript.record('i', `connection error: ${err.message}`);
    this.pending?.step();
  };

  private readonly onClose = (): void => {
    this.peerEnded = true;
    this.pending?.step();
    this.stopWatching();
  };

  private attach(socket: net.Socket): void {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  private detach(socket: net.Socket): void {
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('error', this.onError);
    socket.off('close', this.onClose);
  }
}

/**
 * A connection taken over by a fault: the few primitives a misbehaving server needs — read a command
 * line or N bytes, write (optionally one byte at a time), sleep, close with FIN or reset — each of which
 * returns promptly once the connection is gone, so that a fault never outlives its socket and close()
 * of the sandbox never waits on a fault. Imports node:net and node:timers/promises only.
 */
import type net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** What a fault connection buffers from the client before it stops reading (backpressure, not loss). */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const LF = 0x0a;

export class FaultConnection {
  private buffered = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private readonly closing = new AbortController();
  /** 0: writes go out whole. */
  private trickleMs = 0;

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      if (this.buffered.length > MAX_BUFFERED_BYTES) socket.pause();
      this.notify();
    });
    socket.on('error', () => undefined);
    socket.once('close', () => {
      this.closing.abort();
      this.notify();
    });
  }

  /** Aborted once the socket is closed: long-running faults stop on it. */
  get signal(): AbortSignal {
    return this.closing.signal;
  }

  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  /** The next line without its CRLF (or LF); undefined once the connection is closed. */
  async readLine(): Promise<Buffer | undefined> {
    for (;;) {
      const lf = this.buffered.indexOf(LF);
      if (lf !== -1) {
        const line = this.take(lf + 1);
        return line.subarray(0, line.length - (line.length >= 2 && line[line.length - 2] === 0x0d ? 2 : 1));
      }
      if (!(await this.more())) return undefined;
    }
  }

  /** Exactly `count` bytes (an IMAP literal); undefined once the connection is closed. */
  async readBytes(count: number): Promise<Buffer | undefined> {
    while (this.buffered.length < count) if (!(await this.more())) return undefined;
    return this.take(count);
  }

  /** Resolves once the client has sent anything at all (or the connection is gone). */
  async anyBytes(): Promise<void> {
    while (this.buffered.length === 0) if (!(await this.more())) return;
  }

  /** From now on every write goes out one byte every `intervalMs`. */
  trickle(intervalMs: number): void {
    this.trickleMs = intervalMs;
  }

  /** Writes and waits until the socket took the bytes, so a slow client holds back the fault, not memory. */
  async write(data: Buffer | string): Promise<void> {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (this.trickleMs === 0) return this.send(bytes);
    for (let i = 0; i < bytes.length && !this.closed; i++) {
      await this.send(bytes.subarray(i, i + 1));
      await this.pause(this.trickleMs);
    }
  }

  /** Waits, but no longer than the connection lives. */
  async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.signal }).catch(() => undefined);
  }

  /** Waits until the client closes (a fault that never answers). */
  async untilClosed(): Promise<void> {
    while (await this.more()) this.take(this.buffered.length);
  }

  /** FIN after what was written. */
  end(): void {
    this.socket.end();
  }

  /** TCP RST: the peer sees ECONNRESET. */
  reset(): void {
    this.socket.resetAndDestroy();
  }

  private send(bytes: Buffer): Promise<void> {
    if (this.closed || this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.socket.write(bytes, () => resolve()));
  }

  private take(count: number): Buffer {
    const bytes = this.buffered.subarray(0, count);
    this.buffered = this.buffered.subarray(count);
    if (this.socket.isPaused() && this.buffered.length <= MAX_BUFFERED_BYTES) this.socket.resume();
    return bytes;
  }

  /** Waits for more bytes; false once the connection is closed. */
  private more(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.wake = () => resolve(!this.closed);
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/**
 * A growable FIFO of received bytes with an incremental line-feed search, so that a line delivered one
 * byte at a time costs linear, not quadratic, work. Pure: no sockets, no protocol knowledge; imports nothing.
 */

const LF = 0x0a;
const MIN_CAPACITY = 2048;

export class ByteQueue {
  private store: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  /** Bytes from the front already known to hold no LF. */
  private scanned = 0;

  get length(): number {
    return this.end - this.start;
  }

  /** Appends the first `length` bytes of `chunk` (all of it by default). */
  push(chunk: Buffer, length = chunk.length): void {
    if (length === 0) return;
    if (this.end + length > this.store.length) this.makeRoom(length);
    chunk.copy(this.store, this.end, 0, length);
    this.end += length;
  }

  /** Index (from the front) of the first LF among the first `within` bytes, or -1. */
  indexOfLineFeed(within: number): number {
    const limit = Math.min(this.length, within);
    if (this.scanned >= limit) return -1;
    const found = this.store.subarray(this.start, this.start + limit).indexOf(LF, this.scanned);
    this.scanned = found === -1 ? limit : found;
    return found;
  }

  /** Removes and returns the first `count` bytes (a copy: the store is reused). */
  take(count: number): Buffer {
    const n = Math.min(count, this.length);
    const out = Buffer.from(this.store.subarray(this.start, this.start + n));
    this.start += n;
    this.scanned = Math.max(0, this.scanned - n);
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }

  takeAll(): Buffer {
    return this.take(this.length);
  }

  private makeRoom(extra: number): void {
    const needed = this.length + extra;
    // Compact in place when the live bytes fit; grow by doubling otherwise (amortised linear copying).
    const capacity = needed <= this.store.length ? this.store.length : Math.max(needed, this.store.length * 2, MIN_CAPACITY);
    const next = capacity === this.store.length ? this.store : Buffer.allocUnsafe(capacity);
    this.store.copy(next, 0, this.start, this.end);
    this.end = this.length;
    this.start = 0;
    this.store = next;
  }
}

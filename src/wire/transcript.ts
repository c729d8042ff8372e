/**
 * The scenario's transcript: what each session sent (c), received (s) and what happened (i), with times in
 * milliseconds since the scenario started. Secrets never reach an entry: known secret values (and their
 * base64 forms) are masked as ***, and payloads recorded as secret keep only their size. Bounded per session
 * (Limits.transcriptBytes, oldest entries elided) and per entry (Limits.transcriptEntryBytes).
 * Imports only results/util types and wire/printable; no sockets.
 */
import type { TranscriptEntry } from '../results/types.js';
import { Limits } from '../util/limits.js';
import { printable } from './printable.js';
import type { TranscriptDirection, TranscriptSink } from './types.js';

export interface TranscriptOptions {
  /** process.hrtime.bigint() at the scenario's start. */
  startNs: bigint;
  secrets?: string[];
}

interface StoredEntry {
  session: string;
  dir: TranscriptDirection;
  atMs: number;
  text: string;
  bytes: number;
  dropped: boolean;
}

interface SessionLog {
  kept: StoredEntry[];
  bytes: number;
  elidedEntries: number;
  elidedBytes: number;
}

const MASK = '***';
/** Base64 fragments shorter than this would mask unrelated text. */
const MIN_BASE64_FRAGMENT = 8;

/**
 * The base64 text a secret turns into wherever it sits in a longer base64 payload: for each of the three
 * alignments, the characters that depend on the secret's bytes only (RFC 4648 §4 groups 3 bytes into 4).
 */
export function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>([bytes.toString('base64'), bytes.toString('base64').replace(/=+$/, '')]);
  for (let lead = 0; lead < 3; lead++) {
    const total = lead + bytes.length;
    const encoded = Buffer.concat([Buffer.alloc(lead), bytes]).toString('base64');
    const fragment = encoded.slice(lead === 0 ? 0 : 4, Math.floor(total / 3) * 4);
    if (fragment.length >= MIN_BASE64_FRAGMENT) forms.add(fragment);
  }
  return [...forms];
}

/** Cuts text to at most `maxBytes` UTF-8 bytes without splitting a character. */
function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += ch.length;
  }
  return text.slice(0, end);
}

export class Transcript {
  private readonly startNs: bigint;
  private readonly secrets = new Set<string>();
  /** Every masked form, longest first so that a secret is masked before its own fragments. */
  private masks: string[] = [];
  private longestMask = 0;
  private readonly all: StoredEntry[] = [];
  private readonly sessions = new Map<string, SessionLog>();
  private droppedCount = 0;

  constructor(options: TranscriptOptions) {
    this.startNs = options.startNs;
    for (const secret of options.secrets ?? []) this.addSecret(secret);
  }

  /** True once some session's entries were elided at the transcript limit. */
  get truncated(): boolean {
    for (const log of this.sessions.values()) if (log.elidedEntries > 0) return true;
    return false;
  }

  addSecret(value: string): void {
    if (value === '' || this.secrets.has(value)) return;
    this.secrets.add(value);
    const forms = new Set(this.masks);
    forms.add(value);
    for (const form of base64Forms(value)) forms.add(form);
    this.masks = [...forms].sort((a, b) => b.length - a.length);
    this.longestMask = Buffer.byteLength(this.masks[0] ?? '');
  }

  /** Text with every known secret masked: for reply texts and labels that leave the wire layer. */
  mask(text: string): string {
    let out = text;
    for (const form of this.masks) if (out.includes(form)) out = out.split(form).join(MASK);
    return out;
  }

  /**
   * The first `maxChars` characters of text with every known secret masked. Only those are scanned, and
   * enough past them to mask a secret across the cut: a reply that holds a whole message is not scanned whole.
   */
  maskHead(text: string, maxChars: number): string {
    // A mask's UTF-8 length is at least its length in UTF-16 code units: a safe margin in characters.
    return this.mask(text.slice(0, maxChars + this.longestMask)).slice(0, maxChars);
  }

  sink(session: string): TranscriptSink {
    return { record: (dir, data, options) => this.record(session, dir, data, options?.secret === true) };
  }

  /** The entries in order, secrets masked, with a note where a session's older entries were elided. */
  entries(): TranscriptEntry[] {
    const out: TranscriptEntry[] = [];
    const noted = new Set<string>();
    for (const entry of this.all) {
      if (entry.dropped) continue;
      const log = this.sessions.get(entry.session)!;
      if (log.elidedEntries > 0 && !noted.has(entry.session)) {
        noted.add(entry.session);
        const text = `… ${log.elidedEntries} earlier entries (${log.elidedBytes} bytes) elided at the transcript limit`;
        out.push({ session: entry.session, dir: 'i', atMs: entry.atMs, text });
      }
      out.push({ session: entry.session, dir: entry.dir, atMs: entry.atMs, text: this.mask(entry.text) });
    }
    return out;
  }

  private record(session: string, dir: TranscriptDirection, data: Buffer | string, secret: boolean): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const text = secret ? `<redacted ${bytes.length} bytes>` : this.render(bytes);
    const entry: StoredEntry = { session, dir, atMs: this.elapsedMs(), text, bytes: Buffer.byteLength(text), dropped: false };
    this.all.push(entry);
    const log = this.logOf(session);
    log.kept.push(entry);
    log.bytes += entry.bytes;
    this.elideOldest(log);
  }

  /** Printable, masked, and cut at the entry limit; rendered a little past the cut so a secret across it is still masked. */
  private render(bytes: Buffer): string {
    const max = Limits.transcriptEntryBytes;
    if (bytes.length <= max) return this.mask(printable(bytes));
    const head = this.mask(printable(bytes.subarray(0, max + this.longestMask)));
    return `${cutToBytes(head, max)}… ${bytes.length} bytes`;
  }

  private elideOldest(log: SessionLog): void {
    while (log.bytes > Limits.transcriptBytes && log.kept.length > 1) {
      const oldest = log.kept.shift()!;
      oldest.dropped = true;
      oldest.text = '';
      log.bytes -= oldest.bytes;
      log.elidedEntries += 1;
      log.elidedBytes += oldest.bytes;
      this.droppedCount += 1;
    }
    // Compact once dropped entries outnumber live ones, so memory stays bounded too.
    if (this.droppedCount > this.all.length / 2 && this.droppedCount > 1024) {
      let kept = 0;
      for (const entry of this.all) if (!entry.dropped) this.all[kept++] = entry;
      this.all.length = kept;
      this.droppedCount = 0;
    }
  }

  private logOf(session: string): SessionLog {
    let log = this.sessions.get(session);
    if (!log) {
      log = { kept: [], bytes: 0, elidedEntries: 0, elidedBytes: 0 };
      this.sessions.set(session, log);
    }
    return log;
  }

  private elapsedMs(): number {
    return Math.round(Number(process.hrtime.bigint() - this.startNs) / 1000) / 1000;
  }
}

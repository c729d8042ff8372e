/**
 * Benchmark inputs: random bytes, and mostly-ASCII mail text (CRLF lines, a few accented words, the odd
 * '=' and trailing space) from a seeded generator, so that every run times the same bytes.
 * Imports only node:crypto.
 */
import { randomBytes } from 'node:crypto';

export type InputKind = 'random' | 'text';

const WORDS = [
  'the', 'message', 'server', 'delivery', 'mailbox', 'header', 'report', 'encoding', 'line', 'octets',
  'quoted', 'printable', 'base64', 'subject', 'from', 'to', 'with', 'and', 'of', 'a', 'is', 'in',
  'Grüße', 'café', 'naïve', 'Zürich', '1+1=2', 'x=y', 'déjà', '€5',
];

/** Deterministic pseudo-random numbers (mulberry32): the same text on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mostly-ASCII text of exactly `size` UTF-8 bytes: words, lines of 30–110 characters ending in CRLF. */
export function mailText(size: number): Buffer {
  const random = seeded(size);
  const parts: string[] = [];
  let length = 0;
  let lineLength = 0;
  let lineTarget = 30 + Math.floor(random() * 80);
  while (length < size) {
    const word = WORDS[Math.floor(random() * WORDS.length)]!;
    let piece = lineLength === 0 ? word : ` ${word}`;
    lineLength += piece.length;
    if (lineLength >= lineTarget) {
      piece += random() < 0.1 ? ' \r\n' : '\r\n';
      lineLength = 0;
      lineTarget = 30 + Math.floor(random() * 80);
    }
    parts.push(piece);
    length += Buffer.byteLength(piece);
  }
  const text = Buffer.from(parts.join(''));
  // Trim to the exact size without cutting a UTF-8 character in two: pad the cut with ASCII instead.
  let end = size;
  while (end > 0 && (text[end]! & 0xc0) === 0x80) end--;
  return Buffer.concat([text.subarray(0, end), Buffer.alloc(size - end, 0x78)]);
}

export function makeInput(kind: InputKind, size: number): Buffer {
  return kind === 'random' ? randomBytes(size) : mailText(size);
}

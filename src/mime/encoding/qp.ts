/**
 * Quoted-printable content transfer encoding (RFC 2045 §6.7): encode in one pass into a buffer sized for
 * the worst case, and decode leniently (as real-world mail needs) or strictly (reporting the offset of the
 * first violation). Pure: Buffers in, Buffers out. Imports only util/errors; never node:net or node:fs.
 */
import { ProtocolError } from '../../util/errors.js';

/** RFC 2045 §6.7 rule (5): "encoded lines [must] be no more than 76 characters long". */
export const QP_LINE_LENGTH = 76;

export interface QpEncodeOptions {
  /** text: CRLF in the input is a hard line break (rule 4); binary: CR and LF are encoded as =0D and =0A. */
  mode?: 'text' | 'binary';
  /** Longest encoded line, the soft-break '=' included and CRLF excluded (default 76, at least 4). */
  lineLength?: number;
}

export interface QpDecodeOptions {
  /** Throw a ProtocolError at the first violation of RFC 2045 §6.7 instead of passing it through. */
  strict?: boolean;
}

const EQUALS = 0x3d;
const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;

const HEX_DIGITS = '0123456789ABCDEF';
/** Both hex digits of a byte in one 16-bit store (little-endian: high digit first in memory). */
const HEX_PAIR = new Uint16Array(256);
for (let b = 0; b < 256; b++) HEX_PAIR[b] = HEX_DIGITS.charCodeAt(b >> 4) | (HEX_DIGITS.charCodeAt(b & 15) << 8);

// Per byte: 1 = literal (rule 2: 33–60 and 62–126), 2 = space or tab (rule 3), 0 = needs =XX (rule 1).
const enum QpClass {
  Escape = 0,
  Literal = 1,
  Blank = 2,
}
const QP_CLASS = new Uint8Array(256);
for (let b = 33; b <= 126; b++) if (b !== EQUALS) QP_CLASS[b] = QpClass.Literal;
QP_CLASS[SPACE] = QpClass.Blank;
QP_CLASS[TAB] = QpClass.Blank;

/** Bytes 0x20–0x7E except '=' in all four lanes: the words both fast paths copy as they are. */
function isPlainWord(word: number): boolean {
  const belowSpace = (word - 0x20202020) & ~word; // SWAR "has a byte < 0x20"
  const equals = word ^ 0x3d3d3d3d;
  const hasEquals = (equals - 0x01010101) & ~equals; // SWAR "has a zero byte"
  const del = word ^ 0x7f7f7f7f;
  const hasDel = (del - 0x01010101) & ~del;
  return ((belowSpace | hasEquals | hasDel | word) & 0x80808080) === 0;
}

/** No '=' and nothing below 0x20 in any lane: four bytes a decoder passes through as they are. */
function isLiteralWord(word: number): boolean {
  const belowSpace = (word - 0x20202020) & ~word;
  const equals = word ^ 0x3d3d3d3d;
  return ((belowSpace | ((equals - 0x01010101) & ~equals)) & 0x80808080) === 0;
}

/** Words are read and written in the platform's byte order; this shift brings a word's last byte down. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LAST_BYTE_SHIFT = LITTLE_ENDIAN ? 24 : 0;

/** The input's 32-bit words from its first 4-byte-aligned byte on, and that byte's index. */
function wordsOf(bytes: Uint8Array): { words: Int32Array; first: number } {
  const first = (4 - (bytes.byteOffset & 3)) & 3;
  if (first >= bytes.length) return { words: new Int32Array(0), first: bytes.length };
  return { words: new Int32Array(bytes.buffer, bytes.byteOffset + first, (bytes.length - first) >> 2), first };
}

/** Quoted-printable of `bytes` per RFC 2045 §6.7, with CRLF line breaks. */
export function qpEncode(bytes: Uint8Array, options: QpEncodeOptions = {}): Buffer {
  const text = (options.mode ?? 'text') === 'text';
  const lineLength = options.lineLength ?? QP_LINE_LENGTH;
  if (!Number.isInteger(lineLength) || lineLength < 4) throw new RangeError(`lineLength must be an integer of at least 4, not ${lineLength}`);
  const n = bytes.length;
  // Worst case: every byte as =XX, plus a soft break ("=" CRLF) for each line of at least lineLength - 3 characters.
  const out = Buffer.allocUnsafe(3 * n + 3 * Math.ceil((3 * n) / (lineLength - 3)) + 3);
  return fitted(out, encodeInto(bytes, out, text, lineLength));
}

/**
 * The encoding loop, apart so that V8's on-stack-replaced code for it ends in a plain return: a call
 * after the loop that the optimiser has never seen made it deoptimise at the end of every large input.
 */
function encodeInto(bytes: Uint8Array, out: Buffer, text: boolean, lineLength: number): number {
  const n = bytes.length;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const { words, first } = wordsOf(bytes);
  // Soft-break limit: a line may reach lineLength only when nothing but a hard break or the end follows.
  const softLimit = lineLength - 1;
  let o = 0;
  let lineStart = 0;
  let i = 0;
  while (i < n) {
    // Fast path: four plain bytes at a time while they fit before the soft-break column. A space last in
    // the word may be trailing whitespace (rule 3): the byte path decides.
    if (i >= first && ((i - first) & 3) === 0) {
      while (i + 4 <= n && o - lineStart + 4 <= softLimit) {
        const word = words[(i - first) >> 2]!;
        if (!isPlainWord(word) || (((word >>> LAST_BYTE_SHIFT) & 0xff) === SPACE && (i + 4 === n || (text && bytes[i + 4] === CR)))) break;
        view.setInt32(o, word, LITTLE_ENDIAN);
        o += 4;
        i += 4;
      }
      if (i >= n) break;
    }
    const b = bytes[i]!;
    if (text && b === CR && bytes[i + 1] === LF) {
      // Rule (4): a hard line break stays CRLF.
      out[o++] = CR;
      out[o++] = LF;
      lineStart = o;
      i += 2;
      continue;
    }
    const cls = QP_CLASS[b]!;
    const atLineEnd = i + 1 === n || (text && bytes[i + 1] === CR && bytes[i + 2] === LF);
    // Rule (3): space and tab are literal except at the end of an encoded line.
    const width = cls === QpClass.Literal || (cls === QpClass.Blank && !atLineEnd) ? 1 : 3;
    if (o - lineStart + width > (atLineEnd ? lineLength : softLimit)) {
      // Rule (5): soft line break.
      out[o++] = EQUALS;
      out[o++] = CR;
      out[o++] = LF;
      lineStart = o;
    }
    if (width === 1) {
      out[o++] = b;
    } else {
      out[o++] = EQUALS;
      view.setUint16(o, HEX_PAIR[b]!, true);
      o += 2;
    }
    i++;
  }
  return o;
}

/** The first `length` bytes, copied when keeping the whole worst-case buffer would waste most of it. */
function fitted(out: Buffer, length: number): Buffer {
  return length * 2 >= out.length ? out.subarray(0, length) : Buffer.from(out.subarray(0, length));
}

const HEX_VALUE = new Int8Array(256).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX_VALUE[HEX_DIGITS.charCodeAt(d)] = d;
  HEX_VALUE[HEX_DIGITS.toLowerCase().charCodeAt(d)] = d;
}
function isUpperHex(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46);
}

/**
 * The bytes encoded by quoted-printable `text` (RFC 2045 §6.7). Soft line breaks ("=" before CRLF, or LF
 * alone) are removed, and so is whitespace at the end of a line (rule 3: added in transport). Lenient
 * mode keeps a bare '=' and accepts lowercase hex, as real-world mail needs; strict mode throws a
 * ProtocolError at the first violation: bad escape, lowercase hex, bare CR or LF, a control or 8-bit byte,
 * a line over 76 characters.
 */
export function qpDecode(text: Buffer | string, options: QpDecodeOptions = {}): Buffer {
  const input = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  if (options.strict) validateQp(input);
  const out = Buffer.allocUnsafe(input.length);
  return fitted(out, decodeInto(input, out));
}

/** The decoding loop, apart for the same reason as encodeInto. */
function decodeInto(input: Buffer, out: Buffer): number {
  const n = input.length;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const { words, first } = wordsOf(input);
  let o = 0;
  for (let i = 0; i < n; i++) {
    // Fast path: four bytes at a time with no '=' and nothing below 0x20; 8-bit bytes pass (lenient).
    // A space last in the word may be transport padding: the byte path decides.
    if (i >= first && ((i - first) & 3) === 0) {
      while (i + 4 <= n) {
        const word = words[(i - first) >> 2]!;
        if (!isLiteralWord(word) || ((word >>> LAST_BYTE_SHIFT) & 0xff) === SPACE) break;
        view.setInt32(o, word, LITTLE_ENDIAN);
        o += 4;
        i += 4;
      }
      if (i >= n) break;
    }
    const b = input[i]!;
    if (b === EQUALS) {
      const hi = HEX_VALUE[input[i + 1] ?? 0]!;
      const lo = HEX_VALUE[input[i + 2] ?? 0]!;
      if (hi >= 0 && lo >= 0) {
        out[o++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
      const afterBlanks = skipBlanks(input, i + 1);
      const eol = lineEndLength(input, afterBlanks);
      if (eol >= 0) {
        i = afterBlanks + eol - 1; // soft line break: nothing is output
        continue;
      }
      out[o++] = b; // a bare '=' is kept as it is
    } else if (b === SPACE || b === TAB) {
      const afterBlanks = skipBlanks(input, i);
      if (lineEndLength(input, afterBlanks) >= 0) {
        i = afterBlanks - 1; // trailing whitespace is transport padding
        continue;
      }
      for (; i < afterBlanks; i++) out[o++] = input[i]!;
      i--;
    } else {
      out[o++] = b;
    }
  }
  return o;
}

function skipBlanks(input: Uint8Array, from: number): number {
  let i = from;
  while (input[i] === SPACE || input[i] === TAB) i++;
  return i;
}

/** Length of the line ending at `at` (CRLF 2, bare LF 1, end of input 0), or -1 when the line goes on. */
function lineEndLength(input: Uint8Array, at: number): number {
  if (at >= input.length) return 0;
  if (input[at] === CR && input[at + 1] === LF) return 2;
  return input[at] === LF ? 1 : -1;
}

/** RFC 2045 §6.7 rules 1–5, checked byte by byte; throws at the first violation. */
function validateQp(input: Uint8Array): void {
  let lineStart = 0;
  for (let i = 0; i < input.length; i++) {
    const b = input[i]!;
    if (b === CR) {
      if (input[i + 1] !== LF) throw new ProtocolError('quoted-printable: CR not followed by LF', i);
      lineStart = i + 2;
      i++;
      continue;
    }
    if (b === LF) throw new ProtocolError('quoted-printable: LF without CR', i);
    if (i - lineStart >= QP_LINE_LENGTH) throw new ProtocolError(`quoted-printable: line longer than ${QP_LINE_LENGTH} characters`, i);
    if (b === EQUALS) {
      const next = input[i + 1];
      const after = input[i + 2];
      if (next !== undefined && after !== undefined && isUpperHex(next) && isUpperHex(after)) {
        i += 2;
        continue;
      }
      if (HEX_VALUE[next ?? 0]! >= 0 && HEX_VALUE[after ?? 0]! >= 0) throw new ProtocolError('quoted-printable: lowercase hex digit', i + 1);
      const afterBlanks = skipBlanks(input, i + 1);
      if (afterBlanks >= input.length || (input[afterBlanks] === CR && input[afterBlanks + 1] === LF)) {
        i = afterBlanks - 1; // soft break: the CR LF is handled on the next turn
        continue;
      }
      throw new ProtocolError("quoted-printable: '=' not followed by two hex digits or a line break", i);
    }
    if (QP_CLASS[b] === QpClass.Escape) throw new ProtocolError(`quoted-printable: byte 0x${HEX_DIGITS[b >> 4]}${HEX_DIGITS[b & 15]} must be encoded`, i);
  }
}

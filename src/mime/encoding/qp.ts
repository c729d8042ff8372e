/**
 * Quoted-printable content transfer encoding (RFC 2045 §6.7): encode by the WebAssembly SIMD kernel
 * (qp-encode-kernel.ts), or where there is none in one JavaScript pass giving the same bytes, and decode
 * leniently (as real-world mail needs) or strictly (reporting the offset of the first violation), by the
 * decode kernel (qp-decode-kernel.ts) but for the last bytes, which the JavaScript loops take. Pure:
 * Buffers in, Buffers out. Imports only util/errors and the kernel modules beside it; never node:net or node:fs.
 */
import { ProtocolError } from '../../util/errors.js';
import { kernelDecode, QP_VIOLATION, type QpViolation } from './qp-decode-kernel.js';
import { KERNEL_MAX_LINE_LENGTH, qpEncodeKernel, type QpEncodeKernel } from './qp-encode-kernel.js';

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

/*
 * Both loops read and write four bytes at a time through DataViews, unaligned and little-endian on every
 * platform: lane 0 is the byte at the lowest offset. A word is stored before it is checked; when one of
 * its lanes needs the slow path, the output position advances past the lanes before it only, and the
 * bytes stored beyond are overwritten next. The lane tests are the SWAR "has a byte less than / equal to"
 * expressions: a borrow can flag a lane above a flagged one, never below, so the lowest flag is exact.
 */

/** Lanes a decoder cannot pass through as they are ('=', and bytes below 0x20: CR, LF, tab): top bit set. */
function decodeStopLanes(word: number): number {
  const belowSpace = (word - 0x20202020) & ~word;
  const equals = word ^ 0x3d3d3d3d;
  return (belowSpace | ((equals - 0x01010101) & ~equals)) & 0x80808080;
}

/** Lanes an encoder cannot copy as they are (rule 2: all but 0x20–0x7E without '='): top bit set. */
function encodeStopLanes(word: number): number {
  const equals = word ^ 0x3d3d3d3d;
  const del = word ^ 0x7f7f7f7f;
  return (((word - 0x20202020) & ~word) | ((equals - 0x01010101) & ~equals) | ((del - 0x01010101) & ~del) | word) & 0x80808080;
}

/** Index (0–3) of the lowest flagged lane of a non-zero lane mask. */
function firstLane(lanes: number): number {
  return (31 - Math.clz32(lanes & -lanes)) >> 3;
}

/** "=XX" of each byte as a little-endian word; the fourth byte is overwritten by what follows. */
const ESCAPE = new Int32Array(256);
for (let b = 0; b < 256; b++) ESCAPE[b] = EQUALS | (HEX_PAIR[b]! << 8);
/** Rule (5): "=" CRLF, a soft line break, as a little-endian word (three bytes used). */
const SOFT_BREAK = EQUALS | (CR << 8) | (LF << 16);
const CRLF_WORD = CR | (LF << 8);

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Quoted-printable of `bytes` per RFC 2045 §6.7, with CRLF line breaks. */
export function qpEncode(bytes: Uint8Array, options: QpEncodeOptions = {}): Buffer {
  return encodeWith(qpEncodeKernel, bytes, options);
}

/** qpEncode by the JavaScript encoder alone, as where WebAssembly SIMD is missing: the kernel's oracle. */
export function qpEncodeWithoutKernel(bytes: Uint8Array, options: QpEncodeOptions = {}): Buffer {
  return encodeWith(undefined, bytes, options);
}

function encodeWith(kernel: QpEncodeKernel | undefined, bytes: Uint8Array, options: QpEncodeOptions): Buffer {
  const text = (options.mode ?? 'text') === 'text';
  const lineLength = options.lineLength ?? QP_LINE_LENGTH;
  if (!Number.isInteger(lineLength) || lineLength < 4) throw new RangeError(`lineLength must be an integer of at least 4, not ${lineLength}`);
  if (kernel && lineLength <= KERNEL_MAX_LINE_LENGTH) {
    const { out, length } = kernel.encode(bytes, text, lineLength);
    return fitted(out, length);
  }
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
  const src = dataView(bytes);
  const view = dataView(out);
  // Soft-break limit: a line may reach lineLength only when nothing but a hard break or the end follows.
  const softLimit = lineLength - 1;
  let o = 0;
  let lineStart = 0;
  let i = 0;
  while (i < n) {
    if (i + 4 <= n && o - lineStart + 4 <= softLimit) {
      const word = src.getInt32(i, true);
      view.setInt32(o, word, true);
      const lanes = encodeStopLanes(word);
      if (lanes === 0) {
        // A space last in the word may be trailing whitespace (rule 3): then the byte path decides.
        if (word >>> 24 !== SPACE || (i + 4 < n && !(text && bytes[i + 4] === CR))) {
          o += 4;
          i += 4;
          continue;
        }
        o += 3;
        i += 3;
      } else {
        const k = firstLane(lanes);
        o += k;
        i += k;
        // A space copied just before a hard line break is trailing whitespace: the byte path encodes it.
        if (k > 0 && text && bytes[i - 1] === SPACE && bytes[i] === CR) {
          o--;
          i--;
        }
      }
    }
    const b = bytes[i]!;
    const cls = QP_CLASS[b]!;
    if (cls === QpClass.Escape) {
      if (text && b === CR && bytes[i + 1] === LF) {
        // Rule (4): a hard line break stays CRLF.
        view.setUint16(o, CRLF_WORD, true);
        o += 2;
        lineStart = o;
        i += 2;
        continue;
      }
      // Rule (5): an escape may reach lineLength only as the last thing on its line.
      if (o - lineStart + 3 > softLimit && !(o - lineStart + 3 <= lineLength && (i + 1 === n || (text && bytes[i + 1] === CR && bytes[i + 2] === LF)))) {
        view.setInt32(o, SOFT_BREAK, true);
        o += 3;
        lineStart = o;
      }
      view.setInt32(o, ESCAPE[b]!, true);
      o += 3;
      i++;
      continue;
    }
    if (cls === QpClass.Literal && o - lineStart < softLimit) {
      out[o++] = b;
      i++;
      continue;
    }
    const atLineEnd = i + 1 === n || (text && bytes[i + 1] === CR && bytes[i + 2] === LF);
    // Rule (3): space and tab are literal except at the end of an encoded line.
    const width = cls === QpClass.Literal || !atLineEnd ? 1 : 3;
    if (o - lineStart + width > (atLineEnd ? lineLength : softLimit)) {
      view.setInt32(o, SOFT_BREAK, true);
      o += 3;
      lineStart = o;
    }
    if (width === 1) {
      out[o++] = b;
    } else {
      view.setInt32(o, ESCAPE[b]!, true);
      o += 3;
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
  return decodeWith(true, text, options);
}

/** qpDecode by the JavaScript loops alone, as where WebAssembly SIMD is missing: the kernel's oracle. */
export function qpDecodeWithoutKernel(text: Buffer | string, options: QpDecodeOptions = {}): Buffer {
  return decodeWith(false, text, options);
}

function decodeWith(useKernel: boolean, text: Buffer | string, options: QpDecodeOptions): Buffer {
  const input = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const strict = options.strict === true;
  // The WebAssembly kernel decodes all but the last few bytes (none without WebAssembly); these loops finish.
  const progress = useKernel ? kernelDecode(input, strict) : { out: Buffer.allocUnsafe(input.length), read: 0, written: 0, lineStart: 0, violation: undefined };
  const out = progress.out;
  if (progress.violation) throw qpViolation(progress.violation.kind, input, progress.violation.offset);
  if (strict) validateQp(input, progress.read, progress.lineStart);
  const length = decodeInto(input, out, progress.read, progress.written);
  // Blanks ending the input are transport padding too (rule 3), unless a final soft break consumed them.
  const blanks = blanksBefore(input, input.length);
  return fitted(out, input[input.length - blanks - 1] === EQUALS ? length : length - blanks);
}

/** Two hex digits read as one little-endian 16-bit word → their value, or -1 (either case, as lenient decoding needs). */
const HEX_PAIR_VALUE = new Int16Array(65536).fill(-1);
for (let hi = 0; hi < 256; hi++) {
  for (let lo = 0; lo < 256; lo++) if (HEX_VALUE[hi]! >= 0 && HEX_VALUE[lo]! >= 0) HEX_PAIR_VALUE[hi | (lo << 8)] = (HEX_VALUE[hi]! << 4) | HEX_VALUE[lo]!;
}

/**
 * The decoding loop from input offset `from` and output offset `to`, apart for the same reason as
 * encodeInto (and with no call on a rarely taken path): the input's blanks at the very end are left for
 * the caller to take back. Returns the decoded length.
 */
function decodeInto(input: Buffer, out: Buffer, from: number, to: number): number {
  const n = input.length;
  const src = dataView(input);
  const view = dataView(out);
  let o = to;
  let i = from;
  while (i < n) {
    if (i + 4 <= n) {
      // Four bytes with no '=' and nothing below 0x20 pass as they are; 8-bit bytes too (lenient).
      const word = src.getInt32(i, true);
      view.setInt32(o, word, true);
      const lanes = decodeStopLanes(word);
      if (lanes === 0) {
        o += 4;
        i += 4;
        continue;
      }
      const k = firstLane(lanes);
      o += k;
      i += k;
    }
    const b = input[i]!;
    if (b === EQUALS) {
      let value = i + 3 <= n ? HEX_PAIR_VALUE[src.getUint16(i + 1, true)]! : -1;
      if (value >= 0) {
        // Escapes come in runs: a UTF-8 character is two to four of them.
        do {
          out[o++] = value;
          i += 3;
          value = i + 3 <= n && input[i] === EQUALS ? HEX_PAIR_VALUE[src.getUint16(i + 1, true)]! : -1;
        } while (value >= 0);
        continue;
      }
      const afterBlanks = skipBlanks(input, i + 1);
      const eol = lineEndLength(input, afterBlanks);
      if (eol >= 0) {
        i = afterBlanks + eol; // soft line break: nothing is output
        continue;
      }
      // a bare '=' is kept as it is
    } else if (b === LF || (b === CR && input[i + 1] === LF)) {
      // Rule (3): blanks before a line break were added in transport: take back those already copied.
      for (let j = i - 1; j >= 0 && (input[j] === SPACE || input[j] === TAB); j--) o--;
      if (b === CR) {
        view.setUint16(o, CRLF_WORD, true);
        o += 2;
        i += 2;
        continue;
      }
    }
    out[o++] = b;
    i++;
  }
  return o;
}

/** How many spaces and tabs directly precede `at`. */
function blanksBefore(input: Uint8Array, at: number): number {
  let j = at;
  while (j > 0 && (input[j - 1] === SPACE || input[j - 1] === TAB)) j--;
  return at - j;
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

/**
 * RFC 2045 §6.7 rules 1–5, checked byte by byte from offset `from` (the line at it began at `lineStart`);
 * throws at the first violation.
 */
function validateQp(input: Uint8Array, from: number, lineStart: number): void {
  for (let i = from; i < input.length; i++) {
    const b = input[i]!;
    if (b === CR) {
      if (input[i + 1] !== LF) throw qpViolation(QP_VIOLATION.crWithoutLf, input, i);
      lineStart = i + 2;
      i++;
      continue;
    }
    if (b === LF) throw qpViolation(QP_VIOLATION.lfWithoutCr, input, i);
    if (i - lineStart >= QP_LINE_LENGTH) throw qpViolation(QP_VIOLATION.lineTooLong, input, i);
    if (b === EQUALS) {
      const next = input[i + 1];
      const after = input[i + 2];
      if (next !== undefined && after !== undefined && isUpperHex(next) && isUpperHex(after)) {
        i += 2;
        continue;
      }
      if (HEX_VALUE[next ?? 0]! >= 0 && HEX_VALUE[after ?? 0]! >= 0) throw qpViolation(QP_VIOLATION.lowercaseHex, input, i + 1);
      const afterBlanks = skipBlanks(input, i + 1);
      if (afterBlanks >= input.length || (input[afterBlanks] === CR && input[afterBlanks + 1] === LF)) {
        i = afterBlanks - 1; // soft break: the CR LF is handled on the next turn
        continue;
      }
      throw qpViolation(QP_VIOLATION.bareEquals, input, i);
    }
    if (QP_CLASS[b] === QpClass.Escape) throw qpViolation(QP_VIOLATION.unencodedByte, input, i);
  }
}

/** The error strict decoding throws for a violation at `offset`, found by validateQp or by the kernel. */
function qpViolation(kind: QpViolation, input: Uint8Array, offset: number): ProtocolError {
  const b = input[offset]!;
  const message: Record<QpViolation, string> = {
    [QP_VIOLATION.crWithoutLf]: 'CR not followed by LF',
    [QP_VIOLATION.lfWithoutCr]: 'LF without CR',
    [QP_VIOLATION.lineTooLong]: `line longer than ${QP_LINE_LENGTH} characters`,
    [QP_VIOLATION.lowercaseHex]: 'lowercase hex digit',
    [QP_VIOLATION.bareEquals]: "'=' not followed by two hex digits or a line break",
    [QP_VIOLATION.unencodedByte]: `byte 0x${HEX_DIGITS[b >> 4]}${HEX_DIGITS[b & 15]} must be encoded`,
  };
  return new ProtocolError(`quoted-printable: ${message[kind]}`, offset);
}

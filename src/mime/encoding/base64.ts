/**
 * Base64 content transfer encoding (RFC 2045 §6.8): encode with fixed-length lines (76 columns and CRLF by
 * default) or unwrapped, and decode text that may contain line breaks and other whitespace.
 * The default 76 columns + CRLF are encoded by a WebAssembly SIMD kernel straight from the input bytes
 * (base64-encode-kernel.ts); other line lengths and breaks, and engines without WebAssembly, use Node's
 * native base64 on blocks of whole lines, moved into place by 8-byte loads and stores (line-moves.ts).
 * Decoding is Node's, which skips line breaks itself. Pure: Buffers in, Buffers out. Imports only
 * util/errors and sibling encoding modules; never node:net, node:fs or anything above src/mime.
 */
import { ProtocolError } from '../../util/errors.js';
import { base64EncodeKernel, KERNEL_INPUT, KERNEL_MAX_LINES, KERNEL_OUTPUT, LINE_BYTES, LINE_STRIDE, type Base64EncodeKernel } from './base64-encode-kernel.js';
import { spreadLines } from './line-moves.js';

/** RFC 2045 §6.8: "The encoded output stream must be represented in lines of no more than 76 characters". */
export const BASE64_LINE_LENGTH = 76;

export interface Base64WrapOptions {
  /** Characters per line, the line break excluded (default 76). */
  lineLength?: number;
  /** Inserted between lines, never after the last one (default CRLF). */
  lineBreak?: string;
}
export type Base64EncodeOptions = Base64WrapOptions | { wrap: false };

export interface Base64DecodeOptions {
  /** Throw a ProtocolError at the first byte that is neither alphabet, whitespace nor final padding. */
  strict?: boolean;
}

/** About this many characters per native encode or decode call: small enough for V8's young generation
 *  and the CPU cache (a megabyte-sized string costs a fresh mapping and page faults on every call). */
const BLOCK_CHARS = 39_000;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function viewOf(buffer: Buffer): DataView {
  return new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Base64 of `bytes`, in lines of `lineLength` characters separated by `lineBreak`, or unwrapped. */
export function base64Encode(bytes: Uint8Array, options: Base64EncodeOptions = {}): Buffer {
  const input = asBuffer(bytes);
  if ('wrap' in options) return encodeUnwrapped(input);
  const lineLength = options.lineLength ?? BASE64_LINE_LENGTH;
  const lineBreak = Buffer.from(options.lineBreak ?? '\r\n', 'latin1');
  if (!Number.isInteger(lineLength) || lineLength < 1) throw new RangeError(`lineLength must be a positive integer, not ${lineLength}`);
  const encodedLength = 4 * Math.ceil(input.length / 3);
  const totalBreaks = encodedLength === 0 ? 0 : Math.ceil(encodedLength / lineLength) - 1;
  const out = Buffer.allocUnsafe(encodedLength + totalBreaks * lineBreak.length);
  const crlf = lineBreak.length === 2 && lineBreak[0] === 0x0d && lineBreak[1] === 0x0a;
  if (base64EncodeKernel && crlf && lineLength === BASE64_LINE_LENGTH) return encodeCrlf76(input, out, base64EncodeKernel);
  const view = viewOf(out);
  // Each block encodes to whole lines: 3 × lineLength input bytes make exactly 4 lines.
  const blockBytes = 3 * lineLength * Math.max(1, Math.round(BLOCK_CHARS / (4 * lineLength)));
  let o = 0;
  for (let i = 0; i < input.length; i += blockBytes) {
    const end = Math.min(input.length, i + blockBytes);
    const encoded = input.toString('base64', i, end);
    const lines = Math.ceil(encoded.length / lineLength);
    const breaks = end === input.length ? lines - 1 : lines;
    // The block goes after the room its line breaks need; its lines then move forward into place.
    const start = o + breaks * lineBreak.length;
    out.write(encoded, start, encoded.length, 'latin1');
    spreadLines(view, start, o, breaks, lineLength, lineBreak);
    o = start + encoded.length;
  }
  return out;
}

/**
 * 76 columns + CRLF through the SIMD kernel: blocks of up to 512 whole lines are copied into the kernel's
 * memory, encoded there into lines with CRLF, and copied out; the last short line is Node's.
 */
function encodeCrlf76(input: Buffer, out: Buffer, kernel: Base64EncodeKernel): Buffer {
  const { memory } = kernel;
  const wholeLines = Math.floor(input.length / LINE_BYTES);
  const rest = input.length - wholeLines * LINE_BYTES;
  let o = 0;
  for (let line = 0; line < wholeLines; line += KERNEL_MAX_LINES) {
    const lines = Math.min(KERNEL_MAX_LINES, wholeLines - line);
    input.copy(memory, KERNEL_INPUT, line * LINE_BYTES, (line + lines) * LINE_BYTES);
    kernel.encodeLines(KERNEL_INPUT, KERNEL_OUTPUT, lines);
    // No line break after the very last line.
    const last = line + lines === wholeLines && rest === 0;
    o += memory.copy(out, o, KERNEL_OUTPUT, KERNEL_OUTPUT + lines * LINE_STRIDE - (last ? 2 : 0));
  }
  if (rest > 0) out.write(input.toString('base64', input.length - rest), o, 'latin1');
  return out;
}

function encodeUnwrapped(input: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 * Math.ceil(input.length / 3));
  const blockBytes = 3 * Math.round(BLOCK_CHARS / 4);
  let o = 0;
  for (let i = 0; i < input.length; i += blockBytes) o += out.write(input.toString('base64', i, Math.min(input.length, i + blockBytes)), o, 'latin1');
  return out;
}

// RFC 4648 §4 alphabet, plus '=' (padding) and the whitespace we skip.
const enum Base64Class {
  Invalid = 0,
  Alphabet = 1,
  Pad = 2,
  Space = 3,
}
const BASE64_CLASS = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') BASE64_CLASS[c.charCodeAt(0)] = Base64Class.Alphabet;
BASE64_CLASS[0x3d] = Base64Class.Pad;
for (const c of ' \t\r\n') BASE64_CLASS[c.charCodeAt(0)] = Base64Class.Space;

/**
 * The bytes encoded by base64 `text`. Line breaks and whitespace are skipped. Lenient by default, as
 * RFC 2045 §6.8 asks of decoders ("ignore all line breaks or other characters not found in Table 1");
 * strict mode throws a ProtocolError with the offset of the first byte that does not belong.
 */
export function base64Decode(text: Buffer | string, options: Base64DecodeOptions = {}): Buffer {
  if (options.strict) validateBase64(text);
  // Node's decoder skips whatever is not in the alphabet, as RFC 2045 §6.8 asks. Joining 76-column lines
  // first, to feed it whitespace-free blocks, measured slower than letting it skip the CRLFs itself.
  return Buffer.from(typeof text === 'string' ? text : text.toString('latin1'), 'base64');
}

/** RFC 2045 §6.8 / RFC 4648 §4: alphabet characters in groups of four, at most two '=' at the very end. */
function validateBase64(text: Buffer | string): void {
  if (typeof text === 'string') {
    const wide = firstNonLatin1(text);
    if (wide < text.length) throw new ProtocolError('base64: character outside Latin-1', wide);
  }
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  let significant = 0;
  let padding = 0;
  let lastOffset = 0;
  for (let i = 0; i < bytes.length; i++) {
    const cls = BASE64_CLASS[bytes[i]!];
    if (cls === Base64Class.Space) continue;
    if (cls === Base64Class.Invalid) throw new ProtocolError(`base64: invalid byte 0x${hex(bytes[i]!)}`, i);
    if (cls === Base64Class.Pad) {
      if (significant % 4 < 2 || padding === 2) throw new ProtocolError("base64: misplaced '='", i);
      padding++;
    } else if (padding > 0) {
      throw new ProtocolError("base64: data after '=' padding", i);
    }
    significant++;
    lastOffset = i;
  }
  if (significant % 4 !== 0) {
    throw new ProtocolError(`base64: ${significant % 4} character(s) left over after the last group of four`, significant === 0 ? 0 : lastOffset + 1);
  }
}

function firstNonLatin1(text: string): number {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return i;
  return text.length;
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * Base64 content transfer encoding (RFC 2045 §6.8): encode with fixed-length lines (76 columns and CRLF by
 * default) or unwrapped, and decode text that may contain line breaks and other whitespace.
 * The default 76 columns + CRLF are encoded by a WebAssembly SIMD kernel straight from the input bytes
 * (base64-encode-kernel.ts); other line lengths and breaks, and engines without WebAssembly, use Node's
 * native base64 on blocks of whole lines, moved into place by 8-byte loads and stores (line-moves.ts).
 * Decoding is in base64-decode.ts, re-exported here. Pure: Buffers in, Buffers out. Imports only sibling
 * encoding modules; never node:net, node:fs or anything above src/mime.
 */
import { base64EncodeKernel, KERNEL_INPUT, KERNEL_MAX_LINES, KERNEL_OUTPUT, LINE_BYTES, LINE_STRIDE, type Base64EncodeKernel } from './base64-encode-kernel.js';
import { spreadLines } from './line-moves.js';

export { base64Decode, type Base64DecodeOptions } from './base64-decode.js';

/** RFC 2045 §6.8: "The encoded output stream must be represented in lines of no more than 76 characters". */
export const BASE64_LINE_LENGTH = 76;

export interface Base64WrapOptions {
  /** Characters per line, the line break excluded (default 76). */
  lineLength?: number;
  /** Inserted between lines, never after the last one (default CRLF). */
  lineBreak?: string;
}
export type Base64EncodeOptions = Base64WrapOptions | { wrap: false };

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

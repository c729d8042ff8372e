/**
 * Base64 decoding (RFC 2045 §6.8, alphabet of RFC 4648 §4) of text that may hold line breaks and other
 * whitespace, lenient as Node's Buffer.from(text, 'base64') or strict with the offset of the first byte
 * that does not belong. Buffers, and strings in strict mode, go through the WebAssembly SIMD kernel
 * (base64-decode-kernel.ts) in blocks sized for the CPU cache, validation and decoding in one pass; other
 * strings, and everything where WebAssembly is missing (node --jitless), go to Node's decoder, after a
 * JavaScript validator in strict mode.
 * Pure: Buffers in, Buffers out. Imports only util/errors and sibling encoding modules.
 */
import { ProtocolError } from '../../util/errors.js';
import { base64DecodeKernel, KERNEL_BLOCK, KERNEL_INPUT, KERNEL_OUTPUT, KernelError, type Base64DecodeKernel } from './base64-decode-kernel.js';

export interface Base64DecodeOptions {
  /** Throw a ProtocolError at the first byte that is neither alphabet, whitespace nor final padding. */
  strict?: boolean;
}

/** V8 answers this at once for a one-byte string, whatever its length. */
const NOT_LATIN1 = /[^\x00-\xff]/;

/**
 * The bytes encoded by base64 `text`. Line breaks and whitespace are skipped. Lenient by default, as
 * RFC 2045 §6.8 asks of decoders ("ignore all line breaks or other characters not found in Table 1"):
 * the result is Buffer.from(text, 'base64')'s for every input — bytes outside the alphabet skipped, the
 * URL-safe '-' and '_' taken as '+' and '/', nothing after the first '='. Strict mode throws a
 * ProtocolError with the offset of the first byte that does not belong.
 */
export function base64Decode(text: Buffer | string, options: Base64DecodeOptions = {}): Buffer {
  const strict = options.strict === true;
  if (strict && typeof text === 'string') {
    const wide = text.search(NOT_LATIN1);
    if (wide >= 0) throw new ProtocolError('base64: character outside Latin-1', wide);
  }
  // A string goes to Node's decoder, faster than a Latin-1 copy and the kernel, unless strict mode needs the
  // kernel's checks.
  const kernel = base64DecodeKernel;
  if (kernel && (typeof text !== 'string' || strict)) return decodeInKernel(typeof text === 'string' ? Buffer.from(text, 'latin1') : text, strict, kernel);
  if (strict) validateBase64(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  return Buffer.from(typeof text === 'string' ? text : text.toString('latin1'), 'base64');
}

/** Block by block through the kernel's memory; the kernel keeps an unfinished quantum between blocks. */
function decodeInKernel(input: Buffer, strict: boolean, kernel: Base64DecodeKernel): Buffer {
  const { memory } = kernel;
  kernel.reset();
  // Four characters make three bytes at most, whatever else the text holds.
  const out = Buffer.allocUnsafe(Math.floor((input.length * 3) / 4));
  let o = 0;
  // Lenient decoding ends at the first '=' (kernel.pads), strict decoding reads on to check what follows.
  for (let i = 0; i < input.length && (strict || kernel.pads.value === 0); i += KERNEL_BLOCK) {
    const end = Math.min(input.length, i + KERNEL_BLOCK);
    input.copy(memory, KERNEL_INPUT, i, end);
    const written = kernel.decode(end - i, i, strict ? 1 : 0);
    o += memory.copy(out, o, KERNEL_OUTPUT, KERNEL_OUTPUT + written);
    if (kernel.error.value !== KernelError.None) throw strictError(kernel.error.value, kernel.errorAt.value >>> 0, input);
  }
  const leftOver = (kernel.count.value + kernel.pads.value) % 4;
  if (strict && leftOver !== 0) throw leftOverError(leftOver, (kernel.lastAt.value >>> 0) + 1);
  o += memory.copy(out, o, KERNEL_OUTPUT, KERNEL_OUTPUT + kernel.finish());
  return out.subarray(0, o);
}

function strictError(error: KernelError, offset: number, input: Buffer): ProtocolError {
  if (error === KernelError.MisplacedPad) return new ProtocolError("base64: misplaced '='", offset);
  if (error === KernelError.DataAfterPad) return new ProtocolError("base64: data after '=' padding", offset);
  return new ProtocolError(`base64: invalid byte 0x${hex(input[offset]!)}`, offset);
}

function leftOverError(characters: number, offset: number): ProtocolError {
  return new ProtocolError(`base64: ${characters} character(s) left over after the last group of four`, offset);
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

/** RFC 2045 §6.8 / RFC 4648 §4: alphabet characters in groups of four, at most two '=' at the very end.
 *  The same rules as the kernel's strict mode, where the kernel is missing. */
function validateBase64(bytes: Buffer): void {
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
  if (significant % 4 !== 0) throw leftOverError(significant % 4, significant === 0 ? 0 : lastOffset + 1);
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

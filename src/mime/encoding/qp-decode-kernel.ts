/**
 * Quoted-printable decoding through the WebAssembly SIMD kernel (src/mime/kernels/qp-decode.wat): the input
 * goes through the kernel's memory in 32 KiB blocks, each checked (strict mode) and decoded there, and the
 * decoded bytes are copied out. It stops a few bytes before the end of the input and leaves the rest to
 * qp.ts's JavaScript loops, which give the same bytes and do all the work where WebAssembly SIMD is missing.
 * Imports only the kernel.
 */
import { instantiateKernel } from '../kernels/instantiate.js';
import { qpDecodeWasm } from '../kernels/qp-decode.wasm.js';

/** Violations of RFC 2045 §6.7 that strict decoding reports, numbered as the kernel reports them. */
export const QP_VIOLATION = {
  crWithoutLf: 1,
  lfWithoutCr: 2,
  lineTooLong: 3,
  lowercaseHex: 4,
  bareEquals: 5,
  unencodedByte: 6,
} as const;
export type QpViolation = (typeof QP_VIOLATION)[keyof typeof QP_VIOLATION];

/** How far the kernel went: the JavaScript loops go on from there. */
export interface QpDecodeProgress {
  /** The output so far, with room for the rest of the input decoded byte for byte. */
  out: Buffer;
  /** Input bytes decoded (and checked, in strict mode). */
  read: number;
  /** Decoded bytes written to the output. */
  written: number;
  /** Strict mode: where the line at `read` began. */
  lineStart: number;
  /** Strict mode: the first violation, found before `read`'s block was decoded. */
  violation?: { kind: QpViolation; offset: number };
}

interface QpDecodeExports {
  decode(end: number): number;
  validate(end: number, lineStart: number): number;
}

// The kernel's memory layout (see qp-decode.wat).
const BLOCK = 32_768;
const INPUT = 4096;
const OUTPUT = 37_888;
/** Index in 32-bit words of the decoded length, the violation and the line start. */
const DECODED_LENGTH_SLOT = 64;
const VIOLATION_SLOT = 65;
const LINE_START_SLOT = 66;

const EQUALS = 0x3d;
const SPACE = 0x20;
const TAB = 0x09;

const kernel = instantiateKernel<QpDecodeExports>(qpDecodeWasm);
const slots = kernel && new Int32Array(kernel.memory.buffer, kernel.memory.byteOffset, LINE_START_SLOT + 1);

/** Whether the kernel is in use (false without WebAssembly SIMD, e.g. under node --jitless). */
export const qpDecodeKernelLoaded = kernel !== undefined;

/**
 * The end of a block's work, at most `limit`: after a byte that leaves nothing open past the next one —
 * not '=' (two hex digits, or blanks and a line break, may follow), not a blank (a line break may follow
 * and take it back). Returns `from` when there is none (a block of nothing but blanks and '=').
 */
function blockCut(input: Uint8Array, from: number, limit: number): number {
  let cut = limit;
  while (cut > from && leavesOpen(input[cut - 1]!)) cut--;
  return cut;
}

function leavesOpen(b: number): boolean {
  return b === EQUALS || b === SPACE || b === TAB;
}

/**
 * Decodes `input` from the start, leniently, or in strict mode checking RFC 2045 §6.7 first, block by
 * block, up to a few bytes before the end. The output is sized from the first block's ratio of decoded to
 * encoded bytes (with an eighth more) instead of the input's length, which for escape-heavy input is three
 * times the output: a buffer that large can be fresh memory, faulted in page by page as it is written.
 */
export function kernelDecode(input: Uint8Array, strict: boolean): QpDecodeProgress {
  let read = 0;
  let written = 0;
  let lineStart = 0;
  let out: Buffer | undefined;
  if (kernel === undefined || slots === undefined) return { out: Buffer.allocUnsafe(input.length), read, written, lineStart };
  const { memory, exports } = kernel;
  /** `out` with room for `needed` bytes, grown by half at least, never beyond the input's length. */
  const withRoom = (needed: number): Buffer => {
    out ??= Buffer.allocUnsafe(read === 0 ? input.length : Math.min(input.length, Math.ceil((needed / read) * input.length * 1.125) + 64));
    if (out.length < needed) {
      const grown = Buffer.allocUnsafe(Math.min(input.length, Math.max(needed, Math.ceil(out.length * 1.5))));
      out.copy(grown, 0, 0, written);
      out = grown;
    }
    return out;
  };
  for (;;) {
    const blockEnd = Math.min(read + BLOCK, input.length);
    // The kernel may read the byte at its cut (the LF of a CR, the second digit of an escape), not beyond.
    const cut = blockCut(input, read, blockEnd - 1);
    if (cut <= read) break;
    memory.set(input.subarray(read, blockEnd), INPUT);
    if (strict) {
      const offset = exports.validate(cut - read, lineStart - read);
      const kind = slots[VIOLATION_SLOT] as QpViolation | 0;
      if (kind !== 0) return { out: withRoom(written), read, written, lineStart, violation: { kind, offset: read + offset } };
      lineStart = read + slots[LINE_START_SLOT]!;
    }
    const stop = exports.decode(cut - read);
    const length = slots[DECODED_LENGTH_SLOT]!;
    read += stop;
    withRoom(written + length).set(memory.subarray(OUTPUT, OUTPUT + length), written);
    written += length;
  }
  // The JavaScript loops write at most one byte per byte they read.
  return { out: withRoom(written + input.length - read), read, written, lineStart };
}

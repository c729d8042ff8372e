/**
 * The WebAssembly SIMD kernel of base64 decoding (src/mime/kernels/base64-decode.wat): decodes one block
 * of input in its memory, 16 characters per step on runs of alphabet characters, byte by byte around line
 * breaks, padding and anything outside the alphabet, keeping an unfinished quantum for the next block.
 * Undefined where WebAssembly SIMD is missing; base64-decode.ts then uses Node's decoder. Imports only the
 * kernel modules.
 */
import { base64DecodeWasm } from '../kernels/base64-decode.wasm.js';
import { instantiateKernel, type KernelGlobal as Global } from '../kernels/instantiate.js';

/** Kinds of strict errors in the kernel's `error` global. */
export const enum KernelError {
  None = 0,
  InvalidByte = 1,
  MisplacedPad = 2,
  DataAfterPad = 3,
}

export interface Base64DecodeKernel {
  memory: Buffer;
  /** Forgets the state of the previous input. */
  reset(): void;
  /** Decodes `length` bytes at KERNEL_INPUT, found at offset `base` of the whole input; returns how many
   *  bytes it wrote at KERNEL_OUTPUT. Stops at the first '=' (lenient) or the first error (strict). */
  decode(length: number, base: number, strict: number): number;
  /** Writes the bytes of the quantum left open at KERNEL_OUTPUT; returns how many (0–2). */
  finish(): number;
  /** Characters of the quantum left open (0–3). */
  count: Global;
  /** '=' seen so far (lenient: 1 means decoding has ended). */
  pads: Global;
  /** Offset of the last alphabet character or '=' of an unfinished quantum (-1: none). */
  lastAt: Global;
  error: Global;
  errorAt: Global;
}

export const KERNEL_INPUT = 0;
/** Input bytes per call: the output (3/4 of it, plus slack) fits between 65536 and the kernel's tables. */
export const KERNEL_BLOCK = 65_536;
export const KERNEL_OUTPUT = 65_536;

const kernel = instantiateKernel<Omit<Base64DecodeKernel, 'memory'>>(base64DecodeWasm);
export const base64DecodeKernel: Base64DecodeKernel | undefined = kernel && { ...kernel.exports, memory: kernel.memory };

/**
 * The WebAssembly SIMD kernel for the hot loop of wrapped base64 encoding (src/mime/kernels/crlf76.wat):
 * it moves 76-character lines to 78-byte strides and puts CRLF after each, 16 bytes per load and store,
 * four to five times as fast as the 8-byte DataView moves of line-moves.ts. Undefined where WebAssembly SIMD
 * is missing; callers then use line-moves.ts.
 */
import { crlf76Wasm } from '../kernels/crlf76.wasm.js';
import { instantiateKernel } from '../kernels/instantiate.js';

/** The kernel's memory: the source lines go in at KERNEL_SOURCE, the spread lines come out at KERNEL_DESTINATION. */
export interface Crlf76Kernel {
  memory: Buffer;
  /** Moves `lines` lines of 76 bytes from `src` to `dst`, each followed by CRLF (78-byte strides). */
  spread(src: number, dst: number, lines: number): void;
}

/** Lines per call: 512 lines of 76 source bytes and 78 destination bytes fit the two 64 KiB pages. */
export const KERNEL_MAX_LINES = 512;
export const KERNEL_SOURCE = 0;
export const KERNEL_DESTINATION = 40_960;

const kernel = instantiateKernel<Pick<Crlf76Kernel, 'spread'>>(crlf76Wasm);
export const crlf76Kernel: Crlf76Kernel | undefined = kernel && { memory: kernel.memory, spread: kernel.exports.spread };

/**
 * The WebAssembly SIMD kernel of wrapped base64 encoding (src/mime/kernels/base64-encode.wat): 57-byte
 * input lines straight to 76-character lines + CRLF, 12 bytes → 16 characters per step. Undefined where
 * WebAssembly SIMD is missing; base64.ts then uses Node's encoder and line-moves.ts. Imports only the kernels.
 */
import { base64EncodeWasm } from '../kernels/base64-encode.wasm.js';
import { instantiateKernel } from '../kernels/instantiate.js';

/** RFC 2045 §6.8: 76 characters a line, from 57 bytes of input; with CRLF, 78 bytes of output. */
export const LINE_BYTES = 57;
export const LINE_STRIDE = 78;

/** The kernel's memory: input lines go in at KERNEL_INPUT, the encoded lines come out at KERNEL_OUTPUT. */
export interface Base64EncodeKernel {
  memory: Buffer;
  /** Encodes `lines` lines of 57 bytes at `src` into lines of 76 characters + CRLF (78 bytes each) at `dst`. */
  encodeLines(src: number, dst: number, lines: number): void;
}

/** Lines per call: 512 lines are 29 184 bytes in and 39 936 out, well inside the CPU's L2 cache. */
export const KERNEL_MAX_LINES = 512;
export const KERNEL_INPUT = 0;
/** After the input and the 16 bytes the kernel may read past its last line. */
export const KERNEL_OUTPUT = 32_768;

const kernel = instantiateKernel<Pick<Base64EncodeKernel, 'encodeLines'>>(base64EncodeWasm);
export const base64EncodeKernel: Base64EncodeKernel | undefined = kernel && { memory: kernel.memory, encodeLines: kernel.exports.encodeLines };

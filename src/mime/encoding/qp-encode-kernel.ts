/**
 * Quoted-printable encoding (RFC 2045 §6.7) by the WebAssembly SIMD kernel src/mime/kernels/qp-encode.wat:
 * the input goes through the kernel's memory in blocks of up to 32 KiB (sized so that the worst-case output
 * of a block fits its output area), each encoded there and copied out into one buffer sized from the first
 * block's expansion. Gives the same bytes as qp.ts's
 * JavaScript encoder, which stays the fallback where WebAssembly SIMD is missing (qpEncodeKernel undefined).
 * Imports only the kernel; never node:net, node:fs or anything above src/mime.
 */
import { instantiateKernel, type KernelGlobal as Global } from '../kernels/instantiate.js';
import { qpEncodeWasm } from '../kernels/qp-encode.wasm.js';

interface QpEncodeExports {
  encode(length: number, final: number, text: number, lineLength: number): number;
  input: Global;
  inputCapacity: Global;
  output: Global;
  outputCapacity: Global;
  column: Global;
  consumed: Global;
}

/** Longest line the kernel takes: its line arithmetic is 32-bit. Longer lines are the JavaScript encoder's. */
export const KERNEL_MAX_LINE_LENGTH = 2 ** 30;

export interface QpEncodeKernel {
  /** The encoding of `bytes` as the first `length` bytes of `out`. */
  encode(bytes: Uint8Array, text: boolean, lineLength: number): { out: Buffer; length: number };
  /** Input bytes per block for `lineLength`: at most 32 KiB, fewer when short lines make soft breaks many. */
  blockBytes(lineLength: number): number;
}

function create(memory: Buffer, kernel: QpEncodeExports): QpEncodeKernel {
  const input = kernel.input.value;
  const output = kernel.output.value;
  // Room for the worst case, and for the kernel's stores reaching up to 24 bytes past the end of its output.
  const outputRoom = kernel.outputCapacity.value - 64;
  const blockBytes = (lineLength: number): number =>
    // Worst case of a block of n bytes: 3n, plus a soft break (3) per lineLength - 3 characters and one more
    // for the line carried in from the block before: ≤ n × (3 + 9 / (lineLength - 3)) + 6.
    Math.min(kernel.inputCapacity.value, Math.floor(outputRoom / (3 + 9 / (lineLength - 3))));
  return {
    blockBytes,
    encode(bytes, text, lineLength) {
      const block = blockBytes(lineLength);
      kernel.column.value = 0;
      let out: Buffer | undefined;
      let i = 0;
      let o = 0;
      for (;;) {
        const length = Math.min(block, bytes.length - i);
        const final = i + length === bytes.length;
        memory.set(bytes.subarray(i, i + length), input);
        const written = kernel.encode(length, final ? 1 : 0, text ? 1 : 0, lineLength);
        // A block that is not the last stops up to two bytes short of its end (its look-ahead).
        const consumed = kernel.consumed.value;
        i += consumed;
        // The output is sized from the first block's expansion, not for the worst case (three times the
        // input and more), which needed a copy to a fitted buffer afterwards: that copy, and the page
        // faults of a second fresh buffer (one per 4 KiB written), cost about as much as the encoding.
        if (out === undefined) out = Buffer.allocUnsafe(final ? written : Math.ceil(((written / consumed) * bytes.length * 9) / 8) + 64);
        else if (o + written > out.length) out = grown(out, o, Math.max(2 * out.length, o + written));
        o += memory.copy(out, o, output, output + written);
        if (final) return { out, length: o };
      }
    },
  };
}

/** A buffer of `size` bytes beginning with the first `length` bytes of `out`. */
function grown(out: Buffer, length: number, size: number): Buffer {
  const larger = Buffer.allocUnsafe(size);
  out.copy(larger, 0, 0, length);
  return larger;
}

const kernel = instantiateKernel<QpEncodeExports>(qpEncodeWasm);
export const qpEncodeKernel: QpEncodeKernel | undefined = kernel && create(kernel.memory, kernel.exports);

// qpDecode (the WebAssembly SIMD kernel where there is one) against its JavaScript loops alone, on the
// bench's mostly-ASCII mail text (lenient and strict) and on random bytes; and the kernel alone on one
// 32 KiB block already in its memory (decode, and the strict check), without the copies in and out and
// the output buffer's allocation. MB/s of encoded input for the kernel lines, of decoded output for the rest.
// Run under the bench's allocator settings (src/bench/allocator.ts) for figures comparable to `mailprobe bench`:
//   GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296 node micro/qp-decode.mjs
import { randomBytes } from 'node:crypto';
import { mailText } from '../../dist/bench/inputs.js';
import { qpDecode, qpDecodeWithoutKernel, qpEncode } from '../../dist/mime/encoding/qp.js';
import { instantiateKernel } from '../../dist/mime/kernels/instantiate.js';
import { qpDecodeWasm } from '../../dist/mime/kernels/qp-decode.wasm.js';
import { SIZES, label, time } from './time.mjs';

const ratio = (ours, theirs) => console.log(`${''.padEnd(44)} ${(ours / theirs).toFixed(2).padStart(7)}×`);

// The block's place in the kernel's memory and its size (src/mime/encoding/qp-decode-kernel.ts).
const INPUT = 4096;
const BLOCK = 32_768;
const kernel = instantiateKernel(qpDecodeWasm);
if (kernel) {
  const { memory, exports } = kernel;
  for (const [name, encoded] of [['text', qpEncode(mailText(BLOCK))], ['random', qpEncode(randomBytes(BLOCK), { mode: 'binary' })]]) {
    memory.set(encoded.subarray(0, BLOCK), INPUT);
    // Stop short of the block's end, as the wrapper's cut does (an escape or blanks may straddle it).
    const end = BLOCK - 64;
    time(`kernel decode, one ${label(BLOCK)} block, ${name}`, end, () => exports.decode(end));
    if (name === 'text') time(`kernel strict check, one ${label(BLOCK)} block, ${name}`, end, () => exports.validate(end, 0));
  }
} else {
  console.log('qpDecode: no WebAssembly SIMD here, both lines below time the JavaScript loops');
}
for (const size of SIZES) {
  const text = qpEncode(mailText(size));
  const random = qpEncode(randomBytes(size), { mode: 'binary' });
  const strict = { strict: true };
  ratio(time(`qpDecode ${label(size)} text`, size, () => qpDecode(text)), time(`qpDecode ${label(size)} text, JavaScript`, size, () => qpDecodeWithoutKernel(text)));
  ratio(
    time(`qpDecode ${label(size)} text strict`, size, () => qpDecode(text, strict)),
    time(`qpDecode ${label(size)} text strict, JavaScript`, size, () => qpDecodeWithoutKernel(text, strict)),
  );
  ratio(time(`qpDecode ${label(size)} random`, size, () => qpDecode(random)), time(`qpDecode ${label(size)} random, JavaScript`, size, () => qpDecodeWithoutKernel(random)));
}

// qpEncode (the WebAssembly SIMD kernel where there is one) against its JavaScript fallback, on the bench's
// mostly-ASCII mail text (text mode) and on random bytes (binary mode); and the kernel alone on one block
// already in its memory, without the copies in and out and the output buffer's allocation.
// Run under the bench's allocator settings (src/bench/allocator.ts) for figures comparable to `mailprobe bench`:
//   GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296 node micro/qp-encode.mjs
import { randomBytes } from 'node:crypto';
import { mailText } from '../../dist/bench/inputs.js';
import { qpEncode, qpEncodeWithoutKernel } from '../../dist/mime/encoding/qp.js';
import { instantiateKernel } from '../../dist/mime/kernels/instantiate.js';
import { qpEncodeWasm } from '../../dist/mime/kernels/qp-encode.wasm.js';
import { SIZES, label, time } from './time.mjs';

const ratio = (ours, theirs) => console.log(`${''.padEnd(44)} ${(ours / theirs).toFixed(2).padStart(7)}×`);

const kernel = instantiateKernel(qpEncodeWasm);
if (kernel) {
  const { memory, exports } = kernel;
  const block = exports.inputCapacity.value;
  for (const [name, bytes, text] of [['text', mailText(block), 1], ['random, binary', randomBytes(block), 0]]) {
    time(`kernel encode, one ${label(block)} block, ${name}`, block, () => {
      memory.set(bytes, exports.input.value);
      exports.column.value = 0;
      exports.encode(block, 1, text, 76);
    });
  }
} else {
  console.log('qpEncode: no WebAssembly SIMD here, both lines below time the JavaScript encoder');
}
for (const size of SIZES) {
  const text = mailText(size);
  const random = randomBytes(size);
  ratio(time(`qpEncode ${label(size)} text`, size, () => qpEncode(text)), time(`qpEncode ${label(size)} text, JavaScript`, size, () => qpEncodeWithoutKernel(text)));
  const binary = { mode: 'binary' };
  ratio(
    time(`qpEncode ${label(size)} random, binary`, size, () => qpEncode(random, binary)),
    time(`qpEncode ${label(size)} random, binary, JavaScript`, size, () => qpEncodeWithoutKernel(random, binary)),
  );
}

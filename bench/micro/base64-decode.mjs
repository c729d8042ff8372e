// base64Decode: wrapped text from a Buffer (the WebAssembly SIMD kernel where there is one) and from a
// string (Node's decoder), strict mode; Node's Buffer.from on the same text for scale, and the route the
// kernel replaced (a Latin-1 string of the Buffer, then Buffer.from); the kernel alone on one block already
// in its memory, without the copies in and out and the output's allocation.
// Run under the bench's allocator settings (src/bench/allocator.ts) for figures comparable to `mailprobe bench`:
//   GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296 node micro/base64-decode.mjs
import { randomBytes } from 'node:crypto';
import { base64Decode, base64Encode } from 'mailprobe/mime';
import { base64DecodeKernel, KERNEL_BLOCK, KERNEL_INPUT } from '../../dist/mime/encoding/base64-decode-kernel.js';
import { SIZES, label, time } from './time.mjs';

if (base64DecodeKernel) {
  const block = base64Encode(randomBytes((KERNEL_BLOCK * 3) / 4)).subarray(0, KERNEL_BLOCK);
  const decoded = Math.floor((block.length * 3) / 4);
  base64DecodeKernel.memory.set(block, KERNEL_INPUT);
  time(`kernel decode, one ${label(KERNEL_BLOCK)} block, 76 + CRLF`, decoded, () => {
    base64DecodeKernel.reset();
    base64DecodeKernel.decode(block.length, 0, 0);
  });
} else {
  console.log('base64Decode: no WebAssembly SIMD here, the Buffer lines below time Node\'s decoder');
}
for (const size of SIZES) {
  const encoded = base64Encode(randomBytes(size));
  const text = encoded.toString('latin1');
  time(`base64Decode ${label(size)} Buffer`, size, () => base64Decode(encoded));
  time(`base64Decode ${label(size)} Buffer strict`, size, () => base64Decode(encoded, { strict: true }));
  time(`base64Decode ${label(size)} string`, size, () => base64Decode(text));
  time(`Latin-1 string, Buffer.from ${label(size)}`, size, () => Buffer.from(encoded.toString('latin1'), 'base64'));
  time(`node Buffer.from(text, 'base64') ${label(size)}`, size, () => Buffer.from(text, 'base64'));
}

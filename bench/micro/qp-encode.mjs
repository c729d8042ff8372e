// qpEncode (the WebAssembly SIMD kernel where there is one) against its JavaScript fallback, on the bench's
// mostly-ASCII mail text (text mode) and on random bytes (binary mode).
import { randomBytes } from 'node:crypto';
import { mailText } from '../../dist/bench/inputs.js';
import { qpEncode, qpEncodeWithoutKernel } from '../../dist/mime/encoding/qp.js';
import { qpEncodeKernel } from '../../dist/mime/encoding/qp-encode-kernel.js';
import { SIZES, label, time } from './time.mjs';

if (!qpEncodeKernel) console.log('qpEncode: no WebAssembly SIMD here, both lines time the JavaScript encoder');
for (const size of SIZES) {
  const text = mailText(size);
  const random = randomBytes(size);
  const kernel = time(`qpEncode ${label(size)} text`, size, () => qpEncode(text));
  const js = time(`qpEncode ${label(size)} text, JavaScript`, size, () => qpEncodeWithoutKernel(text));
  console.log(`${''.padEnd(44)} ${(kernel / js).toFixed(2).padStart(7)}×`);
  const kernelRandom = time(`qpEncode ${label(size)} random, binary`, size, () => qpEncode(random, { mode: 'binary' }));
  const jsRandom = time(`qpEncode ${label(size)} random, binary, JavaScript`, size, () => qpEncodeWithoutKernel(random, { mode: 'binary' }));
  console.log(`${''.padEnd(44)} ${(kernelRandom / jsRandom).toFixed(2).padStart(7)}×`);
}

// base64Encode: wrapped (default 76/CRLF), other line lengths, unwrapped; Node's native encode for scale.
// Then one block of 512 lines (29 184 bytes in, in the CPU cache) three ways: the SIMD kernel from the input
// bytes (copy in, encode, no copy out), Node's native encode with the lines spread by the 8-byte moves (the
// path without the kernel), and Node's native encode alone (unwrapped, to a string).
import { randomBytes } from 'node:crypto';
import { base64Encode } from 'mailprobe/mime';
import { base64EncodeKernel, KERNEL_INPUT, KERNEL_MAX_LINES, KERNEL_OUTPUT } from '../../dist/mime/encoding/base64-encode-kernel.js';
import { spreadLines } from '../../dist/mime/encoding/line-moves.js';
import { SIZES, label, time } from './time.mjs';

for (const size of SIZES) {
  const data = randomBytes(size);
  time(`base64Encode ${label(size)} 76/CRLF`, size, () => base64Encode(data));
  time(`base64Encode ${label(size)} 64/LF`, size, () => base64Encode(data, { lineLength: 64, lineBreak: '\n' }));
  time(`base64Encode ${label(size)} unwrapped`, size, () => base64Encode(data, { wrap: false }));
  time(`node toString('base64') ${label(size)}`, size, () => data.toString('base64'));
}

const lines = KERNEL_MAX_LINES;
const block = randomBytes(lines * 57);
const crlf = Buffer.from('\r\n');
const spread = Buffer.alloc(lines * 78);
const view = new DataView(spread.buffer, spread.byteOffset, spread.byteLength);
if (base64EncodeKernel) {
  const { memory, encodeLines } = base64EncodeKernel;
  time(`kernel encodeLines ${lines} lines`, block.length, () => encodeLines(KERNEL_INPUT, KERNEL_OUTPUT, lines));
  time(`kernel copy in + encodeLines ${lines} lines`, block.length, () => {
    block.copy(memory, KERNEL_INPUT);
    encodeLines(KERNEL_INPUT, KERNEL_OUTPUT, lines);
  });
} else {
  console.log('base64EncodeKernel: no WebAssembly SIMD here');
}
time(`native + spreadLines ${lines} lines`, block.length, () => {
  spread.write(block.toString('base64'), lines * 2, 'latin1');
  spreadLines(view, lines * 2, 0, lines, 76, crlf);
});
time(`node toString('base64') ${lines} lines`, block.length, () => block.toString('base64'));

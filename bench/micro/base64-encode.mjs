// base64Encode: wrapped (default 76/CRLF), other line lengths, unwrapped; Node's native encode for scale.
// Then one block of 512 lines (29 184 bytes in, in the CPU cache) three ways: the SIMD kernel from the input
// bytes (copy in, encode, no copy out), Node's native encode with the lines spread by the 8-byte moves (the
// path without the kernel), and Node's native encode alone (unwrapped, to a string).
// Last, the floor at 1 MiB: what a Buffer-returning encoder pays besides encoding, against Node's string.
// Run under the bench's allocator settings (src/bench/allocator.ts) for figures comparable to `mailprobe bench`:
//   GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296 node micro/base64-encode.mjs
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
if (!base64EncodeKernel) {
  console.log('base64EncodeKernel: no WebAssembly SIMD here');
  process.exit(0);
}
const { memory, encodeLines } = base64EncodeKernel;
time(`kernel encodeLines ${lines} lines`, block.length, () => encodeLines(KERNEL_INPUT, KERNEL_OUTPUT, lines));
time(`kernel copy in + encodeLines ${lines} lines`, block.length, () => {
  block.copy(memory, KERNEL_INPUT);
  encodeLines(KERNEL_INPUT, KERNEL_OUTPUT, lines);
});
time(`native + spreadLines ${lines} lines`, block.length, () => {
  spread.write(block.toString('base64'), lines * 2, 'latin1');
  spreadLines(view, lines * 2, 0, lines, 76, crlf);
});
time(`node toString('base64') ${lines} lines`, block.length, () => block.toString('base64'));

// The floor at 1 MiB (whole lines): each figure as a ratio to Node's native encode to a string.
const data = randomBytes(57 * Math.floor((1024 * 1024) / 57));
const output = base64Encode(data);
const reused = Buffer.allocUnsafe(output.length);
/** The kernel over the whole input in blocks; `out` undefined: no copies in or out, the kernel alone. */
function blocks(out) {
  for (let line = 0, o = 0; line < data.length / 57; line += lines) {
    const n = Math.min(lines, data.length / 57 - line);
    if (out) data.copy(memory, KERNEL_INPUT, line * 57, (line + n) * 57);
    encodeLines(KERNEL_INPUT, KERNEL_OUTPUT, n);
    if (out) o += memory.copy(out, o, KERNEL_OUTPUT, KERNEL_OUTPUT + n * 78);
  }
}
const node = time("floor: node toString('base64') 1 MiB", data.length, () => data.toString('base64'));
const floor = [
  ['floor: node→Buffer (string, Latin-1 copy)', () => Buffer.from(data.toString('base64'), 'latin1')],
  ['floor: memcpy of the output into a new Buffer', () => Buffer.from(output)],
  ['floor: kernel alone, no copies', () => blocks(undefined)],
  ['floor: kernel + copies, reused output', () => blocks(reused)],
  ['floor: base64Encode (new output)', () => base64Encode(data)],
];
const ratios = floor.map(([name, fn]) => `${name.slice('floor: '.length)} ${(time(name, data.length, fn) / node).toFixed(2)}×`);
console.log(`floor, as ratios to node's string encode: ${ratios.join('; ')}`);

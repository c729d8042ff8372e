// The hot loop of wrapped base64 encoding alone: 76-column lines moved to 78-byte strides with CRLF, by the
// WebAssembly SIMD kernel and by the 8-byte JavaScript moves, 512 lines (one block) per call.
import { crlf76Kernel, KERNEL_DESTINATION, KERNEL_MAX_LINES, KERNEL_SOURCE } from '../../dist/mime/encoding/crlf76-kernel.js';
import { spreadLines } from '../../dist/mime/encoding/line-moves.js';
import { time } from './time.mjs';

const lines = KERNEL_MAX_LINES;
const bytes = lines * 76;
const crlf = Buffer.from('\r\n');
const buffer = Buffer.alloc(bytes + lines * 2, 0x41);
const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
if (crlf76Kernel) time(`crlf76Kernel.spread ${lines} lines`, bytes, () => crlf76Kernel.spread(KERNEL_SOURCE, KERNEL_DESTINATION, lines));
else console.log('crlf76Kernel: no WebAssembly SIMD here');
time(`spreadLines ${lines} lines 76/CRLF`, bytes, () => spreadLines(view, lines * 2, 0, lines, 76, crlf));
time(`spreadLines ${lines} lines 64/LF`, bytes, () => spreadLines(view, lines, 0, lines, 64, Buffer.from('\n')));

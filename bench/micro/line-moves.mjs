// The line moves of wrapped base64 encoding where the SIMD kernel does not apply (other line lengths or
// breaks, no WebAssembly): the 8-byte JavaScript moves, 512 lines per call.
import { spreadLines } from '../../dist/mime/encoding/line-moves.js';
import { time } from './time.mjs';

const lines = 512;
for (const [lineLength, lineBreak] of [[76, '\r\n'], [64, '\n']]) {
  const bytes = lines * lineLength;
  const buffer = Buffer.alloc(bytes + lines * lineBreak.length, 0x41);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const breakBytes = Buffer.from(lineBreak);
  time(`spreadLines ${lines} lines ${lineLength}/${lineLength === 76 ? 'CRLF' : 'LF'}`, bytes, () => spreadLines(view, lines * breakBytes.length, 0, lines, lineLength, breakBytes));
}

// base64Encode: wrapped (default 76/CRLF), other line lengths, unwrapped; Node's native encode for scale.
import { randomBytes } from 'node:crypto';
import { base64Encode } from 'mailprobe/mime';
import { SIZES, label, time } from './time.mjs';

for (const size of SIZES) {
  const data = randomBytes(size);
  time(`base64Encode ${label(size)} 76/CRLF`, size, () => base64Encode(data));
  time(`base64Encode ${label(size)} 64/LF`, size, () => base64Encode(data, { lineLength: 64, lineBreak: '\n' }));
  time(`base64Encode ${label(size)} unwrapped`, size, () => base64Encode(data, { wrap: false }));
  time(`node toString('base64') ${label(size)}`, size, () => data.toString('base64'));
}

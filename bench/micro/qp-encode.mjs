// qpEncode: mostly-ASCII text (text mode) and random bytes (binary mode).
import { randomBytes } from 'node:crypto';
import { qpEncode } from 'mailprobe/mime';
import { SIZES, label, time } from './time.mjs';

const line = 'Grüße from Zürich: the server said 250 OK, and 1+1=2 as usual. \r\n';
for (const size of SIZES) {
  const text = Buffer.from(line.repeat(Math.ceil(size / line.length))).subarray(0, size);
  const random = randomBytes(size);
  time(`qpEncode ${label(size)} text`, size, () => qpEncode(text));
  time(`qpEncode ${label(size)} random, binary`, size, () => qpEncode(random, { mode: 'binary' }));
}

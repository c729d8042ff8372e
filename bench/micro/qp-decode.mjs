// qpDecode: mostly-ASCII text and random bytes, lenient and strict.
import { randomBytes } from 'node:crypto';
import { qpDecode, qpEncode } from 'mailprobe/mime';
import { SIZES, label, time } from './time.mjs';

const line = 'Grüße from Zürich: the server said 250 OK, and 1+1=2 as usual. \r\n';
for (const size of SIZES) {
  const text = qpEncode(Buffer.from(line.repeat(Math.ceil(size / line.length))).subarray(0, size));
  const random = qpEncode(randomBytes(size), { mode: 'binary' });
  time(`qpDecode ${label(size)} text`, size, () => qpDecode(text));
  time(`qpDecode ${label(size)} text strict`, size, () => qpDecode(text, { strict: true }));
  time(`qpDecode ${label(size)} random`, size, () => qpDecode(random));
}

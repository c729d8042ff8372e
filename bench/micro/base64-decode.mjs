// base64Decode: wrapped text from a Buffer and from a string, strict mode; Node's native decode for scale.
import { randomBytes } from 'node:crypto';
import { base64Decode, base64Encode } from 'mailprobe/mime';
import { SIZES, label, time } from './time.mjs';

for (const size of SIZES) {
  const encoded = base64Encode(randomBytes(size));
  const text = encoded.toString('latin1');
  time(`base64Decode ${label(size)} Buffer`, size, () => base64Decode(encoded));
  time(`base64Decode ${label(size)} string`, size, () => base64Decode(text));
  time(`base64Decode ${label(size)} Buffer strict`, size, () => base64Decode(encoded, { strict: true }));
  time(`node Buffer.from(text, 'base64') ${label(size)}`, size, () => Buffer.from(text, 'base64'));
}

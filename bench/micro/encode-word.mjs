// encodeWord: a typical Subject, and long text, in B and Q.
import { encodeWord } from 'mailprobe/mime';
import { time } from './time.mjs';

const subject = 'Grüße aus Zürich — Rechnung Nr. 4711 für März';
const long = subject.repeat(2000);
for (const encoding of ['B', 'Q']) {
  time(`encodeWord subject ${encoding}`, Buffer.byteLength(subject), () => encodeWord(subject, { encoding }));
  time(`encodeWord ${Buffer.byteLength(long)} bytes ${encoding}`, Buffer.byteLength(long), () => encodeWord(long, { encoding }));
}

// decodeWords: a typical encoded Subject, long runs of words, a header mixing words in two charsets with plain
// text, and plain text with nothing to decode (on one line, and folded).
import { decodeWords, encodeWord } from 'mailprobe/mime';
import { time } from './time.mjs';

const subject = 'Grüße aus Zürich — Rechnung Nr. 4711 für März';
const long = subject.repeat(2000);
for (const encoding of ['B', 'Q']) {
  const word = encodeWord(subject, { encoding });
  const words = encodeWord(long, { encoding });
  time(`decodeWords subject ${encoding}`, Buffer.byteLength(subject), () => decodeWords(word));
  time(`decodeWords ${Buffer.byteLength(long)} bytes ${encoding}`, Buffer.byteLength(long), () => decodeWords(words));
}
const mixed = `Re: ${encodeWord('Grüße', { encoding: 'Q' })} aus ${encodeWord('Zürich', { charset: 'ISO-8859-1' })} und so`;
time('decodeWords mixed header', mixed.length, () => decodeWords(mixed));
const plain = 'Re: the quarterly report, plain ASCII only '.repeat(100);
time('decodeWords plain text', plain.length, () => decodeWords(plain));
const folded = 'Re: the quarterly report,\r\n plain ASCII only '.repeat(100);
time('decodeWords plain text, folded', folded.length, () => decodeWords(folded));

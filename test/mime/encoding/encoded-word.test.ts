import t from 'tap';
import fc from 'fast-check';
import { decodeWords, encodeWord, ENCODED_WORD_LENGTH } from '../../../src/mime/encoding/encoded-word.js';
import { decodeCharset } from '../../../src/mime/encoding/charset.js';
import { libmime } from './oracles.js';

const text = (value: string | Buffer): string => decodeWords(value).text;

t.test('RFC 2047 §8 examples', async (t) => {
  t.equal(text('=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>'), 'Keith Moore <moore@cs.utk.edu>');
  t.equal(text('=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>'), 'Keld Jørn Simonsen <keld@dkuug.dk>');
  t.equal(text('=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>'), 'André Pirard <PIRARD@vm1.ulg.ac.be>');
  t.equal(
    text('=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n    =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?='),
    'If you can read this you understand the example.',
  );
  const table: [string, string][] = [
    ['(=?ISO-8859-1?Q?a?=)', '(a)'],
    ['(=?ISO-8859-1?Q?a?= b)', '(a b)'],
    ['(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)', '(ab)'],
    ['(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)', '(ab)'],
    ['(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)', '(ab)'],
    ['(=?ISO-8859-1?Q?a_b?=)', '(a b)'],
    ['(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)', '(a b)'],
  ];
  for (const [encoded, decoded] of table) t.equal(text(encoded), decoded, encoded);
});

t.test('decodeWords: plain text, lowercase b/q, RFC 2231 §5 language, unfolding', async (t) => {
  t.equal(text('Hello world'), 'Hello world');
  t.equal(text('=?utf-8?b?R3LDvMOfZQ==?= from =?utf-8?q?Z=C3=BCrich?='), 'Grüße from Zürich');
  t.equal(text('=?UTF-8*en?Q?Hi?='), 'Hi');
  t.equal(text('a\r\n b'), 'a b');
  t.same(decodeWords('plain').warnings, []);
});

t.test('decodeWords joins the bytes of adjacent words, so a character split by a careless mailer survives', async (t) => {
  // "€" is E2 82 AC; split after its first byte.
  t.equal(text('=?UTF-8?Q?price_=E2?= =?UTF-8?Q?=82=AC5?='), 'price €5');
  t.equal(text('=?UTF-8?B?4g==?==?UTF-8?B?gqw=?='), '€');
});

t.test('decodeWords: charsets Node knows are decoded, unknown ones kept with a warning', async (t) => {
  t.equal(text('=?KOI8-R?B?8NLJ18XU?='), 'Привет');
  t.equal(text('=?windows-1252?Q?=80?='), '€');
  t.equal(text('=?ISO-8859-1?Q?=93quoted=94_=E9?='), '“quoted” é', 'ISO-8859-1 read as windows-1252, as WHATWG says');
  t.equal(text('=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?='), 'こんにちは');
  const unknown = decodeWords('x =?x-unknown?Q?abc?= y');
  t.equal(unknown.text, 'x =?x-unknown?Q?abc?= y');
  t.equal(unknown.warnings.length, 1);
  t.equal(unknown.warnings[0]!.code, 'unknown-charset');
  t.match(unknown.warnings[0]!.message, /x-unknown/);
});

t.test('decodeWords: malformed words decode leniently with a warning', async (t) => {
  const bad = decodeWords('=?UTF-8?Q?a=ZZb?=');
  t.equal(bad.text, 'a=ZZb');
  t.equal(bad.warnings[0]?.code, 'invalid-encoding');
  t.equal(decodeWords('=?UTF-8?B?Zm9v!?=').warnings[0]?.code, 'invalid-encoding');
  for (const encoded of ['Zm9===', 'Zg=v', 'Zm9vY']) {
    t.equal(decodeWords(`=?UTF-8?B?${encoded}?=`).warnings[0]?.code, 'invalid-encoding', `${encoded}: three "=", "=" inside, 4n+1 characters`);
  }
  t.same(decodeWords('=?UTF-8?B?Zg==?= =?UTF-8?B?Zm8=?=').warnings, [], 'one or two "=" at the end are padding');
});

t.test('decodeWords: raw header bytes are UTF-8 (RFC 6532), else Latin-1 with a warning', async (t) => {
  t.equal(text(Buffer.from('Grüße =?UTF-8?Q?=C3=A0?=')), 'Grüße à');
  const latin = decodeWords(Buffer.from('caf\xe9', 'latin1'));
  t.equal(latin.text, 'café');
  t.equal(latin.warnings[0]?.code, 'invalid-encoding');
});

t.test('encodeWord: B and Q forms, RFC 2047 §4 and §5 rule (3)', async (t) => {
  t.equal(encodeWord('Grüße'), '=?UTF-8?B?R3LDvMOfZQ==?=');
  t.equal(encodeWord('a b=c?_d', { encoding: 'Q' }), '=?UTF-8?Q?a_b=3Dc=3F=5Fd?=');
  t.equal(encodeWord('café', { encoding: 'Q', charset: 'ISO-8859-1' }), '=?ISO-8859-1?Q?caf=E9?=');
  t.equal(encodeWord(''), '');
  t.throws(() => encodeWord('€', { charset: 'ISO-8859-1' }), RangeError);
  t.throws(() => encodeWord('x', { charset: 'KOI8-R' }), RangeError);
});

t.test('encodeWord: long text becomes several 75-character words folded with CRLF SPACE', async (t) => {
  const long = 'Ünïcödé '.repeat(20);
  for (const encoding of ['B', 'Q'] as const) {
    const folded = encodeWord(long, { encoding });
    const words = folded.split('\r\n ');
    t.ok(words.length > 1, `${encoding}: several words`);
    t.ok(words.every((w) => w.length <= ENCODED_WORD_LENGTH), `${encoding}: each ≤ 75`);
    t.ok(words.slice(0, -1).some((w) => w.length >= ENCODED_WORD_LENGTH - 3), `${encoding}: words are filled`);
    t.equal(text(folded), long);
  }
});

const REPLACEMENT_CHARACTER = /\ufffd/g;

/**
 * Every word decodes alone to whole characters: a character split between two words would decode to
 * U+FFFD, so the words hold no more of them than the text itself.
 */
function wordsAreWhole(folded: string, text: string): boolean {
  const replacements = (s: string): number => s.match(REPLACEMENT_CHARACTER)?.length ?? 0;
  const inWords = folded.split('\r\n ').reduce((sum, word) => sum + replacements(libmime.decodeWords(word)), 0);
  return inWords === replacements(text);
}

t.test('property: any Unicode text round-trips; words ≤ 75; no character split; libmime agrees', async () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.constantFrom('B' as const, 'Q' as const), (value, encoding) => {
      const folded = encodeWord(value, { encoding });
      const words = folded === '' ? [] : folded.split('\r\n ');
      return (
        words.every((w) => w.length <= ENCODED_WORD_LENGTH && /^=\?UTF-8\?[BQ]\?[!-~]+\?=$/.test(w)) &&
        wordsAreWhole(folded, value) &&
        decodeWords(folded).text === value &&
        libmime.decodeWords(folded) === value
      );
    }),
    // U+FFFD in the text itself is not a split character (a counterexample fast-check once found).
    { examples: [['\ufffd', 'B'], ['a\ufffdb', 'Q']] },
  );
});

/**
 * RFC 2047 §2 and §6.2 read with regular expressions, as decodeWords once did: the oracle for where words
 * start and end, which decodeWords now finds by hand. Unknown charsets keep the words as written.
 */
function regexDecode(value: string): string {
  const unfolded = value.replace(/\r?\n(?=[ \t])/g, '');
  type Run = { charset: string; bytes: Buffer; source: [number, number] };
  const parts: (Run | string)[] = [];
  let at = 0;
  for (const match of unfolded.matchAll(/=\?([^?\s*]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=/g)) {
    const [word, charsetName, encoding, encoded] = match as unknown as [string, string, string, string];
    const gap = unfolded.slice(at, match.index);
    const previous = parts.at(-1);
    const adjacent = typeof previous === 'object' && /^[ \t\r\n]*$/.test(gap);
    if (!adjacent) parts.push(gap);
    const bytes = /b/i.test(encoding)
      ? Buffer.from(encoded, 'base64')
      : Buffer.from(encoded.replace(/_|=([0-9A-Fa-f]{2})/g, (_, hex?: string) => (hex ? String.fromCharCode(parseInt(hex, 16)) : ' ')), 'latin1');
    const charset = charsetName.toLowerCase();
    at = match.index + word.length;
    if (adjacent && previous.charset === charset) {
      previous.bytes = Buffer.concat([previous.bytes, bytes]);
      previous.source[1] = at;
    } else parts.push({ charset, bytes, source: [match.index, at] });
  }
  parts.push(unfolded.slice(at));
  return parts.map((part) => (typeof part === 'string' ? part : decodeCharset(part.bytes, part.charset) ?? unfolded.slice(...part.source))).join('');
}

t.test('property: words are found where the regular expressions of RFC 2047 §2 find them', async () => {
  const whiteSpace = fc.constantFrom(' ', '\t', '\r\n ', '\n\t', '\r\n', '\n', '\u00a0', '\u2028', '\u3000', '\ufeff', '\u200b');
  // Well-formed words, relabelled: the bytes need not make sense in the charset.
  const word = fc
    .tuple(fc.constantFrom('UTF-8', 'utf-8', 'UTF-8*en', 'KOI8-R'), fc.constantFrom('B' as const, 'Q' as const), fc.string({ maxLength: 12 }))
    .map(([charset, encoding, text]) => encodeWord(text, { encoding }).replaceAll('UTF-8', charset));
  const brokenWord = fc
    .tuple(word, fc.nat(), fc.oneof(whiteSpace, fc.constantFrom('?', '*', '=', '', 'é')))
    .map(([w, at, inserted]) => w.slice(0, at % (w.length + 1)) + inserted + w.slice(at % (w.length + 1)));
  const fragment = fc.oneof(
    fc.constantFrom('=?', '?=', '?', '*', '*en', '=', '_', '=3D', '=c3=a9', '=Z', 'B', 'q', 'UTF-8', 'iso-8859-1', 'koi8-r', 'x', 'é', '€'),
    whiteSpace,
    word,
    brokenWord,
    fc.string({ maxLength: 4 }),
  );
  fc.assert(
    fc.property(fc.array(fragment, { maxLength: 16 }).map((parts) => parts.join('')), (value) => decodeWords(value).text === regexDecode(value)),
    { numRuns: 3000, examples: [['=?UTF-8?Q?a?=\r\n =?utf-8?B?Yg==?= =?x?Q?c?=\u00a0=?UTF-8*en?q?d_=3D?=']] },
  );
});

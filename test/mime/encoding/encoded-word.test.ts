import t from 'tap';
import fc from 'fast-check';
import { decodeWords, encodeWord, ENCODED_WORD_LENGTH } from '../../../src/mime/encoding/encoded-word.js';
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

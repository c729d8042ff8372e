import t from 'tap';
import fc from 'fast-check';
import { badHexEscapes, unescapeRaw } from '../../src/scenario/escapes.js';

t.test('unescapeRaw turns escapes into bytes', async (t) => {
  t.same(unescapeRaw('EHLO x\\r\\n'), Buffer.from('EHLO x\r\n'));
  t.same(unescapeRaw('a\\tb\\nc'), Buffer.from('a\tb\nc'));
  t.same(unescapeRaw('\\x00\\xff\\x2E'), Buffer.from([0x00, 0xff, 0x2e]));
  t.same(unescapeRaw('back\\\\slash'), Buffer.from('back\\slash'));
  t.same(unescapeRaw('\\\\r stays'), Buffer.from('\\r stays'), 'an escaped backslash is not the start of \\r');
});

t.test('unescapeRaw keeps unknown escapes and incomplete \\x literally', async (t) => {
  t.same(unescapeRaw('\\q\\x4\\xZZ'), Buffer.from('\\q\\x4\\xZZ'));
  t.same(unescapeRaw('trailing\\'), Buffer.from('trailing\\'));
});

t.test('unescapeRaw encodes other text as UTF-8', async (t) => {
  t.same(unescapeRaw('Grüße\\r\\n'), Buffer.concat([Buffer.from('Grüße', 'utf8'), Buffer.from('\r\n')]));
});

t.test('text without backslashes is its UTF-8 bytes', async () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\\')), (s) => {
      return unescapeRaw(s).equals(Buffer.from(s, 'utf8'));
    }),
  );
});

t.test('any bytes written as \\xNN come back exactly', async () => {
  fc.assert(
    fc.property(fc.uint8Array(), (bytes) => {
      const text = [...bytes].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
      return unescapeRaw(text).equals(Buffer.from(bytes));
    }),
  );
});

t.test('badHexEscapes finds \\x without two hex digits', async (t) => {
  t.same(badHexEscapes('ok \\x0d\\x0A'), []);
  t.same(badHexEscapes('a\\xZZ b\\x4'), [1, 7]);
  t.same(badHexEscapes('\\\\x41'), [], 'an escaped backslash followed by x41 is fine');
  t.same(badHexEscapes('\\q'), [], 'unknown escapes are allowed');
});

import t from 'tap';
import fc from 'fast-check';
import { qpDecode, qpEncode } from '../../../src/mime/encoding/qp.js';
import { ProtocolError } from '../../../src/util/errors.js';
import { libqp } from './oracles.js';

const enc = (text: string, options?: Parameters<typeof qpEncode>[1]): string => qpEncode(Buffer.from(text, 'latin1'), options).toString('latin1');

/** RFC 2045 §6.7 rules 1–5 on encoded output; returns the first problem or undefined. */
function checkEncoded(encoded: string, lineLength = 76): string | undefined {
  const lines = encoded.split('\r\n');
  for (const [n, line] of lines.entries()) {
    if (line.length > lineLength) return `line ${n} has ${line.length} characters`;
    if (/[ \t]$/.test(line)) return `line ${n} ends in whitespace`;
    if (/[^\t\x20-\x7e]/.test(line)) return `line ${n} has a character outside 33–126, space and tab`;
    if (/=(?![0-9A-F]{2}|$)/.test(line)) return `line ${n} has a bare '='`;
  }
  return undefined;
}

t.test('rule 1 and 2: = and bytes outside 33–126 are =XX with uppercase hex; the rest is literal', async (t) => {
  t.equal(enc('a=b'), 'a=3Db');
  t.equal(enc('caf\xe9 \x00\x7f~!'), 'caf=E9 =00=7F~!');
  t.equal(enc('Hello, World! 1+1=2'), 'Hello, World! 1+1=3D2');
});

t.test('rule 3: space and tab before a line break or at the end are encoded', async (t) => {
  t.equal(enc('a \r\nb\t\r\nc '), 'a=20\r\nb=09\r\nc=20');
  t.equal(enc('a  b'), 'a  b');
});

t.test('rule 4: text mode keeps CRLF as a hard break and encodes bare CR and LF; binary mode encodes both', async (t) => {
  t.equal(enc('a\r\nb\nc\rd'), 'a\r\nb=0Ac=0Dd');
  t.equal(enc('a\r\nb', { mode: 'binary' }), 'a=0D=0Ab');
});

t.test('rule 5: soft breaks keep every line within 76 characters, the = included', async (t) => {
  const long = 'x'.repeat(200);
  const encoded = enc(long);
  t.same(encoded.split('\r\n').map((l) => l.length), [76, 76, 50]);
  t.ok(encoded.split('\r\n').slice(0, -1).every((l) => l.endsWith('=')));
  t.equal(enc('x'.repeat(76)), 'x'.repeat(76), 'a last line may use all 76 characters');
  t.equal(enc(`${'x'.repeat(76)}\r\ny`), `${'x'.repeat(76)}\r\ny`, 'so may a line before a hard break');
  t.equal(enc('x'.repeat(77)), `${'x'.repeat(75)}=\r\nxx`);
  t.equal(enc(`${'x'.repeat(74)}\xe9`), `${'x'.repeat(74)}=\r\n=E9`, 'an escape is never split');
  t.equal(enc(`${'x'.repeat(73)}\xe9`), `${'x'.repeat(73)}=E9`);
  t.equal(enc('x'.repeat(30), { lineLength: 10 }).split('\r\n')[0], 'xxxxxxxxx=');
  t.throws(() => enc('x', { lineLength: 3 }), RangeError);
});

t.test('RFC 2045 §6.7 example: a soft break in a long line', async (t) => {
  const decoded = 'Now\'s the time for all folk to come to the aid of their country.';
  t.equal(qpDecode("Now's the time =\r\nfor all folk to come=\r\n to the aid of their country.").toString(), decoded);
});

t.test('property: round trip on random bytes, both modes, any line length; encoded lines obey the rules', async () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 1000 }), fc.constantFrom('text' as const, 'binary' as const), fc.integer({ min: 4, max: 120 }), (bytes, mode, lineLength) => {
      const encoded = qpEncode(bytes, { mode, lineLength });
      return checkEncoded(encoded.toString('latin1'), lineLength) === undefined && qpDecode(encoded).equals(bytes) && qpDecode(encoded, { strict: lineLength <= 76 }).equals(bytes);
    }),
  );
});

t.test('property: round trip on random Unicode text with CRLF lines', async () => {
  const line = fc.string({ unit: 'grapheme', maxLength: 120 });
  fc.assert(
    fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
      const bytes = Buffer.from(lines.join('\r\n'), 'utf8');
      const encoded = qpEncode(bytes);
      return checkEncoded(encoded.toString('latin1')) === undefined && qpDecode(encoded, { strict: true }).equals(bytes);
    }),
  );
});

t.test('cross-check: libqp decodes what we encode, and we decode what libqp encodes', async () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 1000 }), (bytes) => {
      const ours = qpEncode(bytes, { mode: 'binary' });
      const theirs = libqp.wrap(libqp.encode(Buffer.from(bytes)), 76);
      return libqp.decode(ours.toString('latin1')).equals(bytes) && qpDecode(theirs).equals(bytes);
    }),
  );
});

t.test('decode: soft breaks go, trailing whitespace (transport padding) goes, CRLF stays', async (t) => {
  t.equal(qpDecode('a=\r\nb').toString(), 'ab');
  t.equal(qpDecode('a= \t\r\nb').toString(), 'ab', 'whitespace after a soft-break =');
  t.equal(qpDecode('a=\nb').toString(), 'ab', 'LF-only soft break');
  t.equal(qpDecode('a  \r\nb \t').toString(), 'a\r\nb');
  t.equal(qpDecode('a  b\r\n').toString(), 'a  b\r\n');
  t.equal(qpDecode('end=').toString(), 'end');
  t.equal(qpDecode('').length, 0);
});

t.test('decode: blanks are taken back only where a line or the input ends, and only those copied', async (t) => {
  t.equal(qpDecode('abcdefgh  \t \nx').toString(), 'abcdefgh\nx', 'a run copied by the 4-byte path, before a bare LF');
  t.equal(qpDecode('ab \rc').toString(), 'ab \rc', 'a bare CR ends no line');
  t.equal(qpDecode('abcdefgh=  ').toString(), 'abcdefgh', 'a final soft break with blanks after it');
  t.equal(qpDecode('abcdefgh=20  ').toString(), 'abcdefgh ', 'an encoded blank stays, the padding after it goes');
  t.equal(qpDecode('   ').toString(), '', 'nothing but padding');
  t.equal(qpDecode('abc=3').toString(), 'abc=3', 'an escape cut short by the end is kept');
});

t.test('decode is lenient on lowercase hex and bare =', async (t) => {
  t.equal(qpDecode('caf=e9').toString('latin1'), 'caf\xe9');
  t.equal(qpDecode('1+1=2').toString(), '1+1=2');
  t.equal(qpDecode('a=Gz').toString(), 'a=Gz');
  t.equal(qpDecode('a=4').toString(), 'a=4');
});

t.test('decode: a string is read as Latin-1, like the bytes on the wire', async (t) => {
  t.equal(qpDecode('=C3=A9\xe9').toString('latin1'), '\xc3\xa9\xe9');
});

t.test('strict decode reports the offset of the first violation', async (t) => {
  const cases: [string, number, RegExp][] = [
    ['caf=e9', 4, /lowercase hex/],
    ['1+1=2', 3, /'=' not followed/],
    ['a\nb', 1, /LF without CR/],
    ['a\rb', 1, /CR not followed by LF/],
    ['caf\xe9', 3, /byte 0xE9 must be encoded/],
    ['a\x00', 1, /byte 0x00/],
    [`ok\r\n${'x'.repeat(77)}`, 80, /longer than 76/],
  ];
  for (const [text, offset, message] of cases) {
    const err = t.throws(() => qpDecode(text, { strict: true })) as unknown;
    t.ok(err instanceof ProtocolError, JSON.stringify(text));
    t.equal((err as ProtocolError).offset, offset, `${JSON.stringify(text)} offset`);
    t.match((err as ProtocolError).message, message);
  }
  t.equal(qpDecode(`${'x'.repeat(75)}=\r\nyy=3D\r\n`, { strict: true }).toString(), `${'x'.repeat(75)}yy=\r\n`);
});

/** Mostly-ASCII text with the bytes that matter to the fast paths: spaces, tabs, '=', CRLF, 8-bit. */
const mailLike = fc
  .array(fc.constantFrom('a', 'b', 'Z', '~', ' ', ' ', '\t', '=', '\r\n', '\r', '\n', '.', 'é', '€', 'abcd', 'efgh ', '    '), { maxLength: 400 })
  .map((parts) => Buffer.from(parts.join('')));

t.test('property: mostly-ASCII text at any alignment round-trips, obeys the rules and matches libqp', async () => {
  fc.assert(
    fc.property(mailLike, fc.nat(3), fc.constantFrom('text' as const, 'binary' as const), fc.integer({ min: 4, max: 90 }), (text, shift, mode, lineLength) => {
      // The same bytes at every offset of a larger buffer, so that the 4-byte fast paths start unaligned.
      const backing = Buffer.alloc(text.length + 4);
      text.copy(backing, shift);
      const input = backing.subarray(shift, shift + text.length);
      const encoded = qpEncode(input, { mode, lineLength });
      const again = Buffer.alloc(encoded.length + 4);
      encoded.copy(again, 3 - shift);
      const shifted = again.subarray(3 - shift, 3 - shift + encoded.length);
      return (
        checkEncoded(encoded.toString('latin1'), lineLength) === undefined &&
        encoded.equals(qpEncode(Buffer.from(text), { mode, lineLength })) &&
        qpDecode(shifted).equals(text) &&
        libqp.decode(encoded.toString('latin1')).equals(text)
      );
    }),
  );
});

t.test('property: decode of text with transport padding and odd breaks matches a byte-by-byte reading', async () => {
  const encodedLike = fc
    .array(fc.constantFrom('abcd', 'x', ' ', '  ', '\t', '=\r\n', '= \r\n', '=3D', '=e9', '=', '\r\n', '\n', ' \r\n', '\xe9'), { maxLength: 200 })
    .map((parts) => parts.join(''));
  fc.assert(
    fc.property(encodedLike, fc.nat(3), (text, shift) => {
      const backing = Buffer.alloc(text.length + 4);
      backing.write(text, shift, 'latin1');
      const fast = qpDecode(backing.subarray(shift, shift + text.length));
      return fast.equals(qpDecode(text)) && fast.equals(referenceDecode(text));
    }),
  );
});

/** RFC 2045 §6.7 decoding written the obvious way (lenient like qpDecode), line by line. */
function referenceDecode(text: string): Buffer {
  const out: number[] = [];
  const lines = text.split(/(?<=\n)/);
  for (const raw of lines) {
    const eol = raw.endsWith('\r\n') ? '\r\n' : raw.endsWith('\n') ? '\n' : '';
    let line = raw.slice(0, raw.length - eol.length).replace(/[ \t]+$/, '');
    let soft = false;
    if (line.endsWith('=') && eol !== '') {
      soft = true;
      line = line.slice(0, -1);
    } else if (line.endsWith('=') && eol === '' && raw === lines[lines.length - 1]) {
      soft = true;
      line = line.slice(0, -1);
    }
    for (let i = 0; i < line.length; i++) {
      const pair = line.slice(i + 1, i + 3);
      if (line[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(pair)) {
        out.push(parseInt(pair, 16));
        i += 2;
      } else out.push(line.charCodeAt(i) & 0xff);
    }
    if (!soft) for (const c of eol) out.push(c.charCodeAt(0));
  }
  return Buffer.from(out);
}

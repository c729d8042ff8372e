import t from 'tap';
import fc from 'fast-check';
import { dotStuff, encodeDataBody, toCrlf } from '../../../src/protocols/shared/dot-stuffing.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

t.test('toCrlf: bare LF and bare CR become CRLF, CRLF stays', async (t) => {
  t.same(toCrlf(b('a\nb\rc\r\nd')), b('a\r\nb\r\nc\r\nd'));
  t.same(toCrlf(b('\r\r\n\n')), b('\r\n\r\n\r\n'));
  t.same(toCrlf(b('')), b(''));
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
    const once = toCrlf(Buffer.from(bytes));
    return toCrlf(once).equals(once) && !/\r(?!\n)|(?<!\r)\n/.test(once.toString('latin1'));
  }));
});

t.test('dotStuff: every line starting with "." gets one more (RFC 5321 §4.5.2)', async (t) => {
  t.same(dotStuff(b('.a\r\nb.\r\n..c\r\n.\r\n')), b('..a\r\nb.\r\n...c\r\n..\r\n'));
  t.same(dotStuff(b('no dots\r\n')), b('no dots\r\n'));
  // Dots and line feeds dense enough to meet every case: first byte, adjacent lines, a dot after a bare LF.
  const dense = fc.array(fc.constantFrom('.', '\n', '\r', 'a'), { maxLength: 60 }).map((chars) => chars.join(''));
  fc.assert(fc.property(dense, (text) => dotStuff(b(text)).equals(b(text.replace(/(^|\n)\./g, '$1..')))));
});

t.test('encodeDataBody: CRLF, dot-stuffing, final CRLF and the end marker', async (t) => {
  t.same(encodeDataBody(b('Subject: x\n\n.hi')), b('Subject: x\r\n\r\n..hi\r\n.\r\n'));
  t.same(encodeDataBody(b('line\r\n')), b('line\r\n.\r\n'), 'no extra CRLF when the message ends with one');
  t.same(encodeDataBody(b('')), b('.\r\n'));
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
    const body = encodeDataBody(Buffer.from(bytes)).toString('latin1');
    // The end-of-data sequence occurs only at the very end (RFC 5321 §4.1.1.4).
    return body.endsWith('.\r\n') && body.slice(0, -3).split('\r\n').slice(0, -1).every((line) => !line.startsWith('.') || line.startsWith('..'))
      && !`\r\n${body}`.slice(0, -3).includes('\r\n.\r\n');
  }));
});

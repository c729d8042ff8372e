import t from 'tap';
import fc from 'fast-check';
import { labelledLines, oneLine, printable, printableLines, transcriptTail } from '../../src/report/text.js';
import { assertionFailure, twoSessions } from './fixtures/results.js';

t.test('printable', async (t) => {
  t.equal(printable('250 ok\r\n250 two\r\n'), '250 ok\n250 two\n', 'CRLF as LF');
  t.equal(printable('bare\rcr tab\tkept'), 'bare\\x0Dcr tab\tkept', 'a lone CR is shown, TAB kept');
  t.equal(printable('\x00\x1b\x7f'), '\\x00\\x1B\\x7F', 'C0 and DEL as \\xNN, as the wire layer writes bytes');
  t.equal(printable('\u0085\u009b'), '\\u0085\\u009B', 'C1 controls as \\u00NN');
  t.equal(printable('a\ud800b\udc00c\ufffe\uffff'), 'a\ufffdb\ufffdc\ufffd\ufffd', 'lone surrogates and non-characters');
  t.equal(printable('Grüße \ud83d\udce8'), 'Grüße \ud83d\udce8', 'text and surrogate pairs untouched');
});

t.test('printable never leaves a control character or a lone surrogate', async (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => !/[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]|\p{Cs}/u.test(printable(s))),
    { numRuns: 1000 },
  );
  t.pass('1000 random strings');
});

t.test('lines and labels', async (t) => {
  t.same(printableLines('a\r\nb\r\n\r\n'), ['a', 'b'], 'terminators dropped');
  t.equal(oneLine('a\r\nb'), 'a b');
  t.same(labelledLines('got:', '1\r\n2', '  '), ['  got: 1', '       2']);
});

t.test('transcript tail', async (t) => {
  const tail = transcriptTail(assertionFailure, 2);
  t.same(tail, { lines: ['C: RCPT TO:<bob@elsewhere.example>', 'S: 554-5.7.1 Relaying denied', 'S: 554 5.7.1 Go away'], shown: 2, total: 6, truncated: false });
  t.equal(transcriptTail(assertionFailure).shown, 6, 'all entries without a count');
  t.equal(transcriptTail(twoSessions, 1).lines[0], 'in  S: A001 OK done', 'session names padded to one width');
});

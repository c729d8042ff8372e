/**
 * The command framer (framer.ts): lines, synchronizing and non-synchronizing literals, literal8, limits
 * exactly at and one past each bound, and the same events however the input is split (fast-check).
 */
import fc from 'fast-check';
import t from 'tap';
import { CommandFramer, type FramerEvent, type FramerLimits } from '../../../src/sandbox/imap/framer.js';

const LIMITS: FramerLimits = { lineBytes: 64, literalBytes: 20, commandBytes: 100, literals: 2 };

/** Events as comparable plain data. */
function summary(events: FramerEvent[]): unknown[] {
  return events.map((e) =>
    e.kind === 'command' ? ['command', e.bytes.toString('latin1')] : e.kind === 'continue' ? ['continue'] : ['refused', e.error.limit, e.error.actual, e.fatal, e.prefix.toString('latin1')],
  );
}

function feed(chunks: Buffer[], limits = LIMITS): unknown[] {
  const framer = new CommandFramer(limits);
  return summary(chunks.flatMap((chunk) => framer.push(chunk)));
}

const SAMPLE = Buffer.from(
  'a1 NOOP\r\n' +
    'a2 LOGIN {5}\r\nalice {7+}\r\nalicepw\r\n' +
    'a3 APPEND INBOX ~{4}\r\n\x00\r\n\xff\r\n' +
    'a4 SEARCH {0}\r\n\r\n' +
    'a5 CAPABILITY\n',
  'latin1',
);
const EXPECTED = [
  ['command', 'a1 NOOP'],
  ['continue'],
  ['command', 'a2 LOGIN {5}\r\nalice {7+}\r\nalicepw'],
  ['continue'],
  ['command', 'a3 APPEND INBOX ~{4}\r\n\x00\r\n\xff'],
  ['continue'],
  ['command', 'a4 SEARCH {0}\r\n'],
  ['command', 'a5 CAPABILITY'],
];

t.test('lines and literals (RFC 3501 §7.5 continuation, RFC 7888 {n+}, RFC 3516 ~{n})', async (t) => {
  t.same(feed([SAMPLE]), EXPECTED);
});

t.test('one byte at a time and split anywhere give the same events', async (t) => {
  t.same(feed([...SAMPLE].map((b) => Buffer.from([b]))), EXPECTED);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: SAMPLE.length - 1 }), { maxLength: 12 }), (cuts) => {
      const points = [0, ...[...new Set(cuts)].sort((a, b) => a - b), SAMPLE.length];
      const chunks = points.slice(1).map((end, i) => SAMPLE.subarray(points[i]!, end));
      t.same(feed(chunks), EXPECTED);
    }),
  );
});

t.test('line length: at the limit accepted, one past refused and skipped to the next line', async (t) => {
  const at = `a ${'x'.repeat(LIMITS.lineBytes - 4)}\r\n`;
  t.equal(at.length, LIMITS.lineBytes);
  t.same(feed([Buffer.from(at)]), [['command', at.slice(0, -2)]]);
  const past = `b ${'x'.repeat(LIMITS.lineBytes - 3)}\r\nc NOOP\r\n`;
  t.same(feed([Buffer.from(past)]), [['refused', 'lineBytes', LIMITS.lineBytes + 1, false, past.slice(0, LIMITS.lineBytes + 1)], ['command', 'c NOOP']]);
  // A partial line past the limit is refused before its CRLF comes, and the rest of it is dropped.
  t.same(feed([Buffer.from(`d ${'y'.repeat(80)}`), Buffer.from('yyy\r\ne NOOP\r\n')]), [
    ['refused', 'lineBytes', 82, false, `d ${'y'.repeat(80)}`],
    ['command', 'e NOOP'],
  ]);
});

t.test('literal size: at the limit accepted; one past refused, fatal only for a non-synchronizing literal', async (t) => {
  const at = `a APPEND x {${LIMITS.literalBytes}}\r\n${'z'.repeat(LIMITS.literalBytes)}\r\n`;
  t.same(feed([Buffer.from(at)]), [['continue'], ['command', at.slice(0, -2)]]);
  t.same(feed([Buffer.from(`b APPEND x {${LIMITS.literalBytes + 1}}\r\nc NOOP\r\n`)]), [
    ['refused', 'literalBytes', LIMITS.literalBytes + 1, false, `b APPEND x {${LIMITS.literalBytes + 1}}\r\n`],
    ['command', 'c NOOP'],
  ]);
  t.same(feed([Buffer.from(`b APPEND x {${LIMITS.literalBytes + 1}+}\r\n`)]), [
    ['refused', 'literalBytes', LIMITS.literalBytes + 1, true, `b APPEND x {${LIMITS.literalBytes + 1}+}\r\n`],
  ]);
});

t.test('literals per command and command size', async (t) => {
  const events = feed([Buffer.from('a X {1+}\r\n1 {1+}\r\n2 {1+}\r\n3\r\n')]);
  t.same(events[0], ['refused', 'literals', 3, true, 'a X {1+}\r\n1 {1+}\r\n2 {1+}\r\n']);
  const big = feed([Buffer.from(`a X {20+}\r\n${'1'.repeat(20)} {20+}\r\n${'2'.repeat(20)} {20+}\r\n${'3'.repeat(20)} {20+}\r\n`)], { ...LIMITS, literals: 10 });
  t.same(big.filter((e) => (e as string[])[0] === 'refused').map((e) => (e as unknown[]).slice(0, 2)), [['refused', 'commandBytes']]);
});

t.test('reset drops everything buffered (STARTTLS)', async (t) => {
  const framer = new CommandFramer(LIMITS);
  t.same(summary(framer.push(Buffer.from('a LOGIN {5}\r\nal'))), [['continue']]);
  framer.reset();
  t.same(summary(framer.push(Buffer.from('b NOOP\r\n'))), [['command', 'b NOOP']]);
});

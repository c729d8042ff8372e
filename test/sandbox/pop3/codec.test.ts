import fc from 'fast-check';
import t from 'tap';
import { CommandLineReader, multilineBody as bodyPieces, topOf } from '../../../src/sandbox/pop3/codec.js';
import { LimitError } from '../../../src/util/errors.js';

/** The body as the wire carries it. */
const multilineBody = (content: Buffer): Buffer => Buffer.concat(bodyPieces(content));

const INPUT = Buffer.from('USER alice\r\nPASS secret with spaces\r\nSTAT\nLIST 1\r\npartial');

function feed(reader: CommandLineReader, chunks: Buffer[]): string[] {
  return chunks.flatMap((chunk) => reader.push(chunk)).map((line) => line.toString('latin1'));
}

t.test('command lines: CRLF or bare LF ends a line; an unfinished line waits', async (t) => {
  t.same(feed(new CommandLineReader(255), [INPUT]), ['USER alice', 'PASS secret with spaces', 'STAT', 'LIST 1']);
});

t.test('command lines: the same lines whole, byte by byte, or split anywhere', async (t) => {
  const whole = feed(new CommandLineReader(255), [INPUT]);
  t.same(feed(new CommandLineReader(255), [...INPUT].map((byte) => Buffer.from([byte]))), whole, 'byte by byte');
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: INPUT.length }), { maxLength: 8 }), (cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), INPUT.length];
      const chunks = points.slice(1).map((end, i) => INPUT.subarray(points[i], end));
      t.same(feed(new CommandLineReader(255), chunks), whole);
    }),
  );
});

t.test('command lines: exactly at the limit (CRLF included) is accepted, one octet more is refused', async (t) => {
  const max = 16;
  const atLimit = Buffer.from(`${'x'.repeat(max - 2)}\r\n`);
  t.same(feed(new CommandLineReader(max), [atLimit]), ['x'.repeat(max - 2)]);
  t.same(feed(new CommandLineReader(max), [atLimit.subarray(0, max - 1), atLimit.subarray(max - 1)]), ['x'.repeat(max - 2)], 'split before LF');
  const reader = new CommandLineReader(max);
  t.same(reader.push(Buffer.from('x'.repeat(max - 2))), [], 'an unfinished line that can still end in CRLF waits');
  t.throws(() => reader.push(Buffer.from('x')), LimitError, 'one octet past the limit without a line end');
  t.throws(() => new CommandLineReader(max).push(Buffer.from(`${'x'.repeat(max - 1)}\r\n`)), new LimitError('lineBytes', max, max + 1, `command line exceeds ${max} octets`));
});

t.test('command lines: reset drops an unfinished line', async (t) => {
  const reader = new CommandLineReader(255);
  reader.push(Buffer.from('CAPA'));
  reader.reset();
  t.same(feed(reader, [Buffer.from('STAT\r\n')]), ['STAT']);
});

t.test('multi-line bodies: dot-stuffing, a missing final CRLF and the terminator (RFC 1939 §3)', async (t) => {
  t.equal(multilineBody(Buffer.from('a\r\n.b\r\n..c\r\n')).toString(), 'a\r\n..b\r\n...c\r\n.\r\n');
  t.equal(multilineBody(Buffer.from('.\r\n')).toString(), '..\r\n.\r\n', 'a line of one dot');
  t.equal(multilineBody(Buffer.from('no line end')).toString(), 'no line end\r\n.\r\n');
  t.equal(multilineBody(Buffer.alloc(0)).toString(), '.\r\n', 'empty');
  t.equal(multilineBody(Buffer.from('bare\n.lf\n')).toString(), 'bare\n..lf\n.\r\n', 'a bare LF starts a line too');
  const binary = Buffer.from([0xff, 0x00, 0x0d, 0x0a, 0x80]);
  t.same(multilineBody(binary), Buffer.concat([binary, Buffer.from('\r\n.\r\n')]), '8-bit octets pass through');
});

t.test('multi-line bodies: un-stuffing gives back the content exactly (CRLF-terminated content)', async (t) => {
  const unstuff = (body: Buffer): Buffer => {
    const text = body.toString('latin1');
    t.ok(text.endsWith('.\r\n'));
    return Buffer.from(text.slice(0, -3).replace(/(^|\n)\./g, '$1'), 'latin1');
  };
  fc.assert(
    fc.property(fc.array(fc.stringMatching(/^[.a\r]{0,6}$/), { maxLength: 8 }), (lines) => {
      const content = Buffer.from(lines.map((line) => `${line}\r\n`).join(''), 'latin1');
      t.same(unstuff(multilineBody(content)), content);
    }),
  );
});

t.test('TOP: the header, the blank line and n body lines (RFC 1939 §7)', async (t) => {
  const message = Buffer.from('A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3');
  t.equal(topOf(message, 0).toString(), 'A: 1\r\nB: 2\r\n\r\n');
  t.equal(topOf(message, 2).toString(), 'A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\n');
  t.equal(topOf(message, 3).toString(), message.toString(), 'the last line without CRLF');
  t.equal(topOf(message, 99).toString(), message.toString());
  t.equal(topOf(Buffer.from('A: 1\r\nB: 2\r\n'), 0).toString(), 'A: 1\r\nB: 2\r\n', 'no body: all header');
  t.equal(topOf(Buffer.from('A: 1\n\nbody\n'), 0).toString(), 'A: 1\n\n', 'bare LF line ends');
});

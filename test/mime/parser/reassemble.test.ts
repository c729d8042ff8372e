// RFC 2046 §5.2.2.1 reassembly: the merge rules on the RFC's own example, any order, and one sentence per
// problem that keeps fragments apart, naming the fragment by number and by the name the caller gives it.
import t from 'tap';
import { reassemblePartial } from '../../../src/mime/parser/reassemble.js';

const crlf = (lines: string[]): Buffer => Buffer.from(lines.map((l) => `${l}\r\n`).join(''));

function fragment(id: string | undefined, number: number | string, total: number | undefined, body: string): Buffer {
  const params = `${id === undefined ? '' : `; id="${id}"`}; number=${number}${total === undefined ? '' : `; total=${total}`}`;
  return Buffer.from(`Subject: f\r\nContent-Type: message/partial${params}\r\n\r\n${body}`);
}

/** §5.2.2.2: the audio message in two pieces. */
const ORIGIN = ['From: Bill@host.com', 'To: joe@otherhost.com', 'Date: Fri, 26 Mar 1993 12:59:38 -0500 (EST)'];
/** The enclosed message's fields that survive reassembly, the empty line and the first piece of its body. */
const ENCLOSED = ['Message-ID: <anotherid@foo.com>', 'Subject: Audio mail', 'MIME-Version: 1.0', 'Content-type: audio/basic', 'Content-transfer-encoding: base64', '', 'Zmlyc3QgaGFsZg=='];
const RFC_FIRST = crlf([
  'X-Weird-Header-1: Foo',
  ...ORIGIN,
  'Subject: Audio mail (part 1 of 2)',
  'Message-ID: <id1@host.com>',
  'MIME-Version: 1.0',
  'Content-type: message/partial; id="ABC@host.com";',
  '        number=1; total=2',
  '',
  'X-Weird-Header-1: Bar',
  'X-Weird-Header-2: Hello',
  ...ENCLOSED,
]);
const RFC_SECOND = crlf([
  ...ORIGIN,
  'Subject: Audio mail (part 2 of 2)',
  'MIME-Version: 1.0',
  'Message-ID: <id2@host.com>',
  'Content-type: message/partial;',
  '        id="ABC@host.com"; number=2; total=2',
  '',
  'c2Vjb25kIGhhbGY=',
]);

t.test("the RFC's example: first enclosing fields, then the enclosed message's Content-*, Subject, Message-ID, MIME-Version", async (t) => {
  // (2) the first enclosing message's fields but Content-*, Subject, Message-ID, Encrypted, MIME-Version;
  // (3) the enclosed message's of those, in their order (X-Weird-Header-1: Bar and X-Weird-Header-2 dropped);
  // (4) nothing of the second enclosing header.
  const expected = crlf(['X-Weird-Header-1: Foo', ...ORIGIN, ...ENCLOSED, 'c2Vjb25kIGhhbGY=']);
  for (const order of [[RFC_FIRST, RFC_SECOND], [RFC_SECOND, RFC_FIRST]]) {
    const result = reassemblePartial(order);
    t.same(result.problems, []);
    t.equal(result.message?.toString('latin1'), expected.toString('latin1'));
    t.same(result.fragments.map((f) => [f.number, f.index]), order[0] === RFC_FIRST ? [[1, 0], [2, 1]] : [[1, 1], [2, 0]], 'fragments by number, with their place in the list');
  }
});

t.test('three fragments in any order; total may be left out on all but the last', async (t) => {
  const parts = [fragment('x', 1, undefined, 'Subject: whole\r\nContent-Type: text/plain\r\n\r\none\r\n'), fragment('x', 2, undefined, 'two\r\n'), fragment('x', 3, 3, 'three\r\n')];
  const whole = 'Subject: whole\r\nContent-Type: text/plain\r\n\r\none\r\ntwo\r\nthree\r\n';
  for (const order of [[0, 1, 2], [2, 0, 1], [1, 2, 0]]) {
    const result = reassemblePartial(order.map((i) => parts[i]!));
    t.same(result.problems, [], `order ${order.join(',')}`);
    t.equal(result.message?.toString(), whole);
  }
});

t.test('what keeps fragments apart, one sentence each, fragments named by number and name', async (t) => {
  const names = ['${f1}', '${f2}', '${f3}'];
  const problems = (inputs: Buffer[]): string[] => reassemblePartial(inputs, names).problems;
  t.same(problems([fragment('x', 1, 3, 'a'), fragment('x', 3, 3, 'c')]), ['fragment 2 of 3 is missing']);
  t.same(problems([fragment('x', 3, 3, 'c')]), ['fragments 1 and 2 of 3 are missing']);
  t.same(problems([fragment('x', 1, 2, 'a'), fragment('x', 1, 2, 'b'), fragment('x', 2, 2, 'c')]), ['fragment 1 appears twice: ${f1} and ${f2}']);
  t.same(problems([fragment('x', 1, 2, 'a'), fragment('y', 2, 2, 'b')]), ['fragment 2 (${f2}) has id "y", not "x" like fragment 1 (${f1})']);
  t.same(problems([fragment('x', 1, 3, 'a'), fragment('x', 2, 4, 'b'), fragment('x', 3, 3, 'c')]), ['fragment 2 (${f2}) says total=4, not 3 like fragment 1 (${f1})']);
  t.same(problems([fragment('x', 1, 2, 'a'), fragment('x', 2, undefined, 'b')]), ['fragment 2 (${f2}) is the last but does not state the total (RFC 2046 §5.2.2 requires it there)']);
  t.same(problems([fragment('x', 1, undefined, 'a'), fragment('x', 2, undefined, 'b')]), ['no fragment states the total (RFC 2046 §5.2.2 requires it at least on the last)']);
  t.same(problems([fragment('x', 1, 2, 'a'), fragment('x', 2, 2, 'b'), fragment('x', 3, undefined, 'c')]), ['fragment 3 (${f3}) is beyond the total of 2']);
  t.same(problems([Buffer.from('Subject: x\r\n\r\nplain'), fragment('x', 1, 1, 'a')]), ['${f1} is text/plain, not message/partial']);
  t.same(problems([fragment(undefined, 'two', 1, 'a')]), ['${f1} has no id parameter and no valid number parameter (two)']);
  t.same(reassemblePartial([Buffer.from('Subject: x\r\n\r\nplain')]).problems, ['message 1 of the list is text/plain, not message/partial'], 'unnamed inputs by position');
  t.same(reassemblePartial([]).problems, ['no fragments']);
  t.same(problems([fragment('x', 1, 999_999_999, 'a'), fragment('x', 999_999_999, 999_999_999, 'z')]), [
    '999999997 of 999999999 fragments are missing, the first 2, 3, 4, 5, 6, 7, 8, 9, 10 and 11',
  ], 'a made-up total is neither listed nor allocated');
});

t.test('several problems at once are all reported, and no message is made', async (t) => {
  const result = reassemblePartial([fragment('x', 1, 3, 'a'), fragment('y', 1, 3, 'b'), fragment('x', 4, 3, 'd')]);
  t.same(result.problems, [
    'fragment 1 has id "y", not "x" like fragment 1',
    'fragment 1 appears twice: message 1 of the list and message 2 of the list',
    'fragment 4 is beyond the total of 3',
    'fragments 2 and 3 of 3 are missing',
  ]);
  t.equal(result.message, undefined);
});

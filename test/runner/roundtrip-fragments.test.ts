// The roundtrip step over lists of message/partial fragments, as the runner calls it: kept fragments in,
// reassembled per RFC 2046 §5.2.2.1, one failure out that names what keeps fragments apart, which fragment
// changed in transit and where, then how the reassembled messages differ.
import t from 'tap';
import { compareMessages } from '../../src/runner/roundtrip.js';
import { Scope } from '../../src/runner/scope.js';
import { buildMessage, parseMessageSpec, reassemblePartial } from '../../src/mime/index.js';
import type { RoundtripStep } from '../../src/scenario/types.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const SPEC = { from: 'alice@example.test', to: ['bob@example.test'], subject: 'fragments', body: { content: 'A line of a message sent in three fragments.\n', repeat: 12 } };
const FRAGMENTS = [1, 2, 3].map((number) => buildMessage(parseMessageSpec({ ...SPEC, partial: { number, total: 3 } }), { seed: 's', now: NOW }));
const TRACE = 'Return-Path: <alice@example.test>\r\nDelivered-To: bob@example.test\r\nReceived: from probe.example\r\n\tby mx.example; Mon, 23 Nov 2026 12:00:01 +0000\r\n';
const SENT = ['${s1}', '${s2}', '${s3}'];

/** What a mailbox gives back: the fragment with trace fields, as a captured body (latin1 text). */
const delivered = (bytes: Buffer): string => TRACE + bytes.toString('latin1');

function scopeWith(received: Record<string, string | Buffer>): Scope {
  const scope = new Scope({}, { seq: 1, vu: 0, iteration: 0 }, {});
  FRAGMENTS.forEach((bytes, i) => scope.keep(`s${i + 1}`, { bytes }));
  for (const [name, value] of Object.entries(received)) scope.set(name, typeof value === 'string' ? value : value.toString('latin1'));
  return scope;
}

const step = (mode: 'exact' | 'structural', received: string | string[], sent: string | string[] = SENT): RoundtripStep => ({
  kind: 'roundtrip',
  index: 0,
  span: { file: 'x.yaml', line: 1, column: 1 },
  session: 'default',
  sent,
  received,
  mode,
  ignoreHeaders: [],
});

/** The received copies of fragments 1–3, each optionally edited. */
const received = (edit: (text: string, number: number) => string = (text) => text): Record<string, string> =>
  Object.fromEntries(FRAGMENTS.map((f, i) => [`r${i + 1}`, edit(delivered(f), i + 1)]));

t.test('fragments delivered with trace fields, listed in any order, reassemble to what was sent', async (t) => {
  const scope = scopeWith(received());
  for (const order of [['${r1}', '${r2}', '${r3}'], ['${r3}', '${r1}', '${r2}']]) {
    t.equal(compareMessages(scope, step('exact', order)), undefined, `exact ${order.join(' ')}`);
    t.equal(compareMessages(scope, step('structural', order)), undefined, `structural ${order.join(' ')}`);
  }
});

t.test('a received list that does not reassemble: every problem named, with the variables', async (t) => {
  const scope = scopeWith(received());
  t.match(compareMessages(scope, step('structural', ['${r1}', '${r3}'])), {
    kind: 'assertion',
    code: 'MP_ASSERT_ROUNDTRIP',
    message: 'the received fragments do not reassemble (RFC 2046 §5.2.2.1):\n- fragment 2 of 3 is missing',
  });
  t.match(compareMessages(scope, step('exact', ['${r1}', '${r2}', '${r2}', '${r3}'])), {
    message: 'the received fragments do not reassemble (RFC 2046 §5.2.2.1):\n- fragment 2 appears twice: ${r2} and ${r2}',
  });
  const other = scopeWith(received((text, n) => (n === 3 ? text.replace(/id="([^"]+)"/, 'id="other@example.test"').replace('total=3', 'total=4') : text)));
  const failure = compareMessages(other, step('structural', ['${r1}', '${r2}', '${r3}']));
  t.match(failure?.message, /^the received fragments do not reassemble \(RFC 2046 §5\.2\.2\.1\):\n- fragment 3 \(\$\{r3\}\) has id "other@example\.test", not "[^"]+" like fragment 1 \(\$\{r1\}\)\n- fragment 3 \(\$\{r3\}\) says total=4, not 3 like fragment 1 \(\$\{r1\}\)\n1 fragment changed in transit:\n- fragment 3 \(\$\{r3\}\) changed at byte \d+ \(line \d+ of the sent fragment, in the header of the message \(message\/partial\)\)$/);
  t.match(compareMessages(scope, step('exact', '${r1}', ['${s1}', '${s3}'])), { message: /^the sent fragments do not reassemble \(RFC 2046 §5\.2\.2\.1\):\n- fragment 2 of 3 is missing$/ });
});

t.test('a fragment changed in transit: which one and where, then the reassembled difference', async (t) => {
  const scope = scopeWith(received((text, n) => (n === 2 ? text.replace('three fragments.', 'three fragments!') : text)));
  const sent2 = FRAGMENTS[1]!.toString('latin1');
  const inFragment = sent2.indexOf('three fragments.') + 'three fragments'.length;
  const line = sent2.slice(0, inFragment).split('\n').length;
  const exact = compareMessages(scope, step('exact', ['${r3}', '${r2}', '${r1}']));
  t.match(exact, {
    code: 'MP_ASSERT_ROUNDTRIP',
    message: new RegExp(`^1 fragment changed in transit:\\n- fragment 2 \\(\\$\\{r2\\}\\) changed at byte ${inFragment} \\(line ${line} of the sent fragment, in the body of the message \\(message/partial\\)\\)\\nthe reassembled messages differ at byte \\d+ \\(line \\d+ of the sent message, in the body of the message \\(text/plain\\)\\)$`),
    expected: /three fragments\./,
    actual: /three fragments!/,
  });
  const structural = compareMessages(scope, step('structural', ['${r3}', '${r2}', '${r1}']));
  t.match(structural?.message, /^1 fragment changed in transit:\n- fragment 2 \(\$\{r2\}\) changed at byte \d+ .*\n1 structural difference between the sent and the received message \(reassembled\):\n- the message \(text\/plain\): decoded content changed at byte \d+/);
});

t.test('structural mode: a change that keeps the reassembled message the same passes; exact mode names it', async (t) => {
  // The enclosed message's Subject, which travels in the body of fragment 1, refolded.
  const scope = scopeWith(received((text, n) => (n === 1 ? text.replace(/(\r\n\r\n[\s\S]*?Subject:) fragments/, '$1\r\n fragments') : text)));
  t.equal(compareMessages(scope, step('structural', ['${r1}', '${r2}', '${r3}'])), undefined);
  t.match(compareMessages(scope, step('exact', ['${r1}', '${r2}', '${r3}']))?.message, /^1 fragment changed in transit:\n- fragment 1 \(\$\{r1\}\) changed at byte \d+ \(line \d+ of the sent fragment, in the body of the message \(message\/partial\)\)\nthe reassembled messages differ/);
});

t.test('a complete message on one side, fragments on the other', async (t) => {
  const whole = reassemblePartial(FRAGMENTS).message!;
  const scope = scopeWith({ ...received(), whole: whole.toString('latin1'), original: buildMessage(parseMessageSpec(SPEC), { seed: 's', now: NOW }) });
  t.equal(compareMessages(scope, step('exact', '${whole}')), undefined, 'a server that reassembled the fragments itself');
  t.equal(compareMessages(scope, step('exact', ['${r2}', '${r1}', '${r3}'], '${whole}')), undefined);
  // §5.2.2.1 puts the first fragment's From, To and Date before the enclosed Subject and Message-ID.
  t.equal(compareMessages(scope, step('structural', '${original}')), undefined, 'structurally the message the fragments were cut from');
  t.match(compareMessages(scope, step('exact', '${original}')), { message: /^the reassembled messages differ at byte \d+ \(line 3 of the sent message, in the header of the message \(text\/plain\)\)$/ });
  const edited = scopeWith({ whole: whole.toString('latin1').replace('A line', 'A LINE') });
  t.match(compareMessages(edited, step('structural', '${whole}')), { message: /^1 structural difference between the sent and the received message \(reassembled\):\n- the message \(text\/plain\): decoded content changed at byte 2 / });
});

// The roundtrip step in structural mode, as the runner calls it: kept messages in, one failure out.
import t from 'tap';
import { compareMessages } from '../../../src/runner/roundtrip.js';
import { messageBytes } from '../../../src/runner/steps.js';
import { Scope } from '../../../src/runner/scope.js';
import type { RoundtripStep } from '../../../src/scenario/types.js';
import { parseMessage } from '../../../src/mime/parser/parse.js';

const step = (mode: 'exact' | 'structural', ignoreHeaders: string[] = []): RoundtripStep => ({
  kind: 'roundtrip',
  index: 3,
  span: { file: 'x.yaml', line: 1, column: 1 },
  session: 'default',
  sent: '${sent}',
  received: '${received}',
  mode,
  ignoreHeaders,
});

async function scopeWith(received: (sent: Buffer) => Buffer): Promise<{ scope: Scope; sent: Buffer }> {
  const scope = new Scope({ who: 'bob@example.test' }, { seq: 1, vu: 0, iteration: 0 }, {});
  const sent = await messageBytes({ kind: 'mime', spec: { from: 'a@example.test', to: '${who}', subject: 'Hi ${uuid}', text: 'Hello   \n', attachments: [{ content: 'x', type: 'image/png' }] } }, scope, 2);
  scope.keep('sent', { bytes: sent });
  scope.set('received', received(sent).toString('latin1'));
  return { scope, sent };
}

t.test('message mime: placeholders interpolated, a new Message-ID per run and per step', async (t) => {
  const { sent } = await scopeWith((s) => s);
  const root = parseMessage(sent).root;
  t.equal(root.headers.find((h) => h.key === 'to')?.value, 'bob@example.test');
  t.match(root.headers.find((h) => h.key === 'subject')?.value, /^Hi [0-9a-f-]{36}$/);
  const again = await scopeWith((s) => s);
  t.not(parseMessage(again.sent).root.headers.find((h) => h.key === 'message-id')?.value, root.headers.find((h) => h.key === 'message-id')?.value);
});

t.test('structural: no failure for an equal message with trace fields and a refolded header', async (t) => {
  const { scope } = await scopeWith((s) => Buffer.concat([Buffer.from('Received: from x\r\n\tby y\r\n'), Buffer.from(s.toString('latin1').replace(/Subject: Hi /, 'Subject: Hi\r\n '), 'latin1')]));
  t.equal(compareMessages(scope, step('structural')), undefined);
  t.ok(compareMessages(scope, step('exact')), 'exact mode still sees the refold');
});

t.test('structural: each breaking difference listed, allowed ones after them', async (t) => {
  const { scope } = await scopeWith((s) =>
    Buffer.from(s.toString('latin1').replace('Hello   ', 'Hello').replace('image/png', 'image/gif').replace(/Subject: Hi /, 'Subject: Hi\r\n '), 'latin1'),
  );
  const failure = compareMessages(scope, step('structural'));
  t.match(failure, {
    kind: 'assertion',
    code: 'MP_ASSERT_ROUNDTRIP',
    message: /^2 structural differences between the sent and the received message:\n- part 1 \(text\/plain\): trailing whitespace stripped from lines\n- part 2 \(image\/png\): content type changed\nalso \(allowed in structural mode\):\n- the message \(multipart\/mixed\): header Subject refolded/,
    expected: /^sha256 [0-9a-f]{64}$/,
  });
});

t.test('exact: the first difference is located in its part', async (t) => {
  const { scope, sent } = await scopeWith((s) => Buffer.from(s.toString('latin1').replace('Hello   ', 'Hello  !'), 'latin1'));
  const failure = compareMessages(scope, step('exact'));
  const offset = sent.indexOf('Hello   ') + 7;
  t.match(failure, { code: 'MP_ASSERT_ROUNDTRIP', message: `messages differ at byte ${offset} (line ${sent.subarray(0, offset).toString('latin1').split('\n').length} of the sent message, in the body of part 1 (text/plain))` });
  const header = await scopeWith((s) => Buffer.from(s.toString('latin1').replace('image/png', 'image/gif'), 'latin1'));
  t.match(compareMessages(header.scope, step('exact')), { message: /, in the header of part 2 \(image\/png\)\)$/ });
});

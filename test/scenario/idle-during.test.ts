import t, { type Test } from 'tap';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatIssue, loadScenarios } from '../../src/scenario/load.js';

const HEADER = `name: push
sessions:
  out: { protocol: smtp }
  in: { protocol: imap }
steps:
`;

async function load(t: Test, steps: string): Promise<Awaited<ReturnType<typeof loadScenarios>>> {
  const dir = t.testdir({});
  const file = join(dir, 'push.yaml');
  await writeFile(file, HEADER + steps);
  return loadScenarios([file], { env: {} });
}

t.test('`during:` steps follow their idle, flattened and numbered in order', async (t) => {
  const loaded = await load(
    t,
    `  - { session: in, expect: OK }
  - session: in
    idle:
      until: /EXISTS/
      during:
        - { session: out, expect: 220 }
        - { session: out, send: "MAIL FROM:<a@b>", expect: 250, capture: { id: '/(\\d+)/' } }
    within: 2s
  - { session: out, send: "NOOP \${id}", expect: 250 }
`,
  );
  t.same(loaded.issues, []);
  const steps = loaded.scenarios[0]!.steps;
  t.same(steps.map((s) => [s.index, s.kind, s.session]), [[0, 'read', 'in'], [1, 'idle', 'in'], [2, 'read', 'out'], [3, 'send', 'out'], [4, 'send', 'out']]);
  const idle = steps[1]!;
  t.equal(idle.kind === 'idle' ? idle.during : undefined, 2);
  t.equal(steps[2]!.span.line, 11, 'nested steps keep their own place in the file');
});

t.test('a `during:` step on the idling session, or holding a `during:`, is refused at file:line:column', async (t) => {
  const loaded = await load(
    t,
    `  - session: in
    idle:
      until: /EXISTS/
      during:
        - { session: in, send: NOOP }
        - session: out
          idle: { until: /x/, during: [{ session: in, send: NOOP }] }
`,
  );
  const messages = loaded.issues.map((i) => formatIssue(i).replace(/^.*push\.yaml:/, ''));
  t.ok(messages.includes('10:11: this step is inside `during` of an IDLE on session `in`: it needs another session (`session:`), the idling one only waits'), messages.join('\n'));
  t.ok(messages.some((m) => m.startsWith('11:11:') && m.includes('not possible on SMTP')), 'the nested idle is still checked like any step');
  t.same(loaded.scenarios, []);
});

t.test('an empty `during:` is a schema error', async (t) => {
  const loaded = await load(t, `  - { session: in, idle: { until: /EXISTS/, during: [] } }\n`);
  t.match(loaded.issues.map((i) => formatIssue(i)).join('\n'), /push\.yaml:6:\d+: .*during.* must not be empty/);
});

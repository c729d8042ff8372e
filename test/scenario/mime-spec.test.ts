// The loader's MIME keys added with the builder: parts at any depth (parts, body, message), repeat,
// per-part headers, multipart and partial; part files resolved against the scenario file at every level.
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { formatIssue, loadScenarios } from '../../src/scenario/load.js';

const HEADER = 'name: mime\nprotocol: smtp\nsteps:\n  - message:\n      mime:\n';

async function load(t: Test, mime: string): Promise<{ spec?: Record<string, unknown>; issues: string[]; dir: string }> {
  const dir = t.testdir({ 'a.png': 'PNG', sub: { 'b.bin': 'BIN' }, 'x.yaml': HEADER + mime.replace(/^/gm, '        ') });
  const result = await loadScenarios([join(dir, 'x.yaml')], { cwd: dir, env: {} });
  const step = result.scenarios[0]?.steps[0];
  const spec = step?.kind === 'message' && step.source.kind === 'mime' ? step.source.spec : undefined;
  return { ...(spec && { spec }), issues: result.issues.map(formatIssue).map((i) => i.replace(`${dir}/`, '')), dir };
}

t.test('nested parts, body, enclosed messages: every file resolved', async (t) => {
  const { spec, issues, dir } = await load(
    t,
    [
      'multipart: related',
      'parts:',
      '  - { file: a.png, type: image/png, repeat: 3, headers: { X-Part: one } }',
      '  - type: multipart/alternative',
      '    parts:',
      '      - { file: sub/b.bin }',
      '      - message: { subject: inner, body: { file: a.png } }',
      'partial: { number: 1, total: 2, id: "x@y" }',
    ].join('\n'),
  );
  t.same(issues, []);
  t.same(spec, {
    multipart: 'related',
    parts: [
      { file: join(dir, 'a.png'), type: 'image/png', repeat: 3, headers: { 'X-Part': 'one' } },
      { type: 'multipart/alternative', parts: [{ file: join(dir, 'sub/b.bin') }, { message: { subject: 'inner', body: { file: join(dir, 'a.png') } } }] },
    ],
    partial: { number: 1, total: 2, id: 'x@y' },
  });
});

t.test('repeat may be a placeholder', async (t) => {
  const { issues } = await load(t, 'body: { content: "x", repeat: "${env.SIZE:-3}" }');
  t.same(issues, []);
});

t.test('mistakes in the new keys are reported at their place', async (t) => {
  t.match((await load(t, 'parts: [{ content: a, file: a.png }]')).issues, [/x\.yaml:6:31: a MIME part needs exactly one of content, file, parts, message/]);
  t.match((await load(t, 'body: { file: missing.bin }')).issues, [/x\.yaml:6:23: attachment not found: missing.bin/]);
  t.match((await load(t, 'parts: [{ content: a }]\nmultipart: sideways')).issues, [/x\.yaml:7:\d+: .*multipart.*(mixed|allowed)/]);
  t.match((await load(t, 'partial: { number: 0, total: 2 }')).issues, [/x\.yaml:6:\d+: .*number/]);
  t.match((await load(t, 'body: { content: a, repeat: "ten" }')).issues, [/x\.yaml:6:\d+: .*repeat/]);
});

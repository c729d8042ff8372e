import t from 'tap';
import { renderJson } from '../../src/report/json.js';
import type { RunResult } from '../../src/results/types.js';
import { matchGolden } from './fixtures/golden.js';
import { sampleRun } from './fixtures/results.js';

/** The same data with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
}

t.test('golden', async (t) => {
  await matchGolden(t, 'results.json', renderJson(sampleRun()));
});

t.test('the RunResult as is, 2-space indent, trailing newline', async (t) => {
  const run = sampleRun();
  const text = renderJson(run);
  t.same(JSON.parse(text), JSON.parse(JSON.stringify(run)), 'same data as the RunResult');
  t.ok(text.endsWith('}\n'), 'ends with a newline');
  t.match(text, /^\{\n {2}"version": 1,\n {2}"tool": \{\n {4}"name": "mailprobe"/, 'declared key order, 2 spaces');
});

t.test('key order does not depend on the order the runner built the objects in', async (t) => {
  const run = sampleRun();
  t.equal(renderJson(reverseKeys(run) as RunResult), renderJson(run));
});

t.test('fields the types do not know are kept, after the known ones, sorted', async (t) => {
  const run = { ...sampleRun([]), zeta: 1, alpha: 2 } as RunResult;
  const keys = Object.keys(JSON.parse(renderJson(run)));
  t.same(keys, ['version', 'tool', 'startedAt', 'durationMs', 'interrupted', 'summary', 'scenarios', 'alpha', 'zeta']);
});

t.test('lone surrogates and control characters stay valid JSON', async (t) => {
  const run = sampleRun();
  const text = renderJson(run);
  t.equal(JSON.parse(text).scenarios[6].failure.actual, run.scenarios[6]!.failure!.actual, 'hostile bytes round-trip exactly');
  t.notMatch(text, /[\x00-\x1f](?<!\n)/, 'no raw control character in the file');
});

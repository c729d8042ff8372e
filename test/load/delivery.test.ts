import t from 'tap';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../../src/sandbox/index.js';
import { loadScenarios } from '../../src/scenario/load.js';
import { mergeLoadResults } from '../../src/load/merge.js';
import { renderLoadConsole } from '../../src/report/load/console.js';
import { renderLoadMarkdown } from '../../src/report/load/markdown.js';
import { renderLoadHtml } from '../../src/report/load/html.js';
import { fixture, loadAgainst } from './helpers.js';

const BUILT_IN = fileURLToPath(new URL('../../scenarios/delivery/idle-push-latency.yaml', import.meta.url));

t.test('IDLE with `during:`: the submit→visible latency of every run, in thresholds, reports and merges', async (t) => {
  const sandbox = await startSandbox();
  t.teardown(() => sandbox.close());
  const loaded = await loadScenarios([BUILT_IN], { env: {} });
  t.same(loaded.issues, []);
  const result = await loadAgainst(sandbox, loaded.scenarios, { connections: 1, iterations: 4, thresholds: ['delivery p99<10s', 'delivery p50<0.001ms'] });
  t.equal(result.totals.passed, 4, JSON.stringify(result.errors.samples));
  t.equal(result.delivery.count, 4, 'one delivery latency per run');
  t.ok(result.delivery.maxMs < 10_000);
  const idle = result.scenarios[0]!.steps.find((s) => s.name === 'in:IDLE')!;
  t.ok(idle.latency.p50Ms >= result.delivery.p50Ms, 'the IDLE step lasts longer than its delivery part');
  t.same(result.thresholds.map((th) => th.ok), [true, false]);
  t.match(result.thresholds[0]!.message, /^delivery p99<10s: p99 of delivery \(submit→visible\) was [\d.]+ms/);

  for (const [name, text] of [
    ['console', renderLoadConsole(result, { color: false })],
    ['markdown', renderLoadMarkdown(result)],
    ['html', renderLoadHtml(result)],
  ] as const) {
    t.match(text, /delivery \(submit→visible\)/, `${name} shows the delivery latency`);
  }

  const merged = mergeLoadResults([result, result], []);
  t.equal(merged.delivery.count, 8, 'merged from the histograms');
  const { delivery: _dropped, ...older } = result;
  t.equal(mergeLoadResults([older as typeof result, result], []).delivery.count, 4, 'a result written before delivery existed merges too');
});

t.test('a failing `during:` step is the run failure; the IDLE it was inside is skipped, nothing is timed', async (t) => {
  const sandbox = await startSandbox();
  t.teardown(() => sandbox.close());
  const result = await loadAgainst(sandbox, await fixture('idle-during-refused.yaml'), { connections: 1, iterations: 2 });
  t.equal(result.totals.failed, 2);
  t.same(result.errors.byCause, { MP_ASSERT_STATUS: 2 });
  t.same(result.errors.samples.map((s) => s.step), ['out:RCPT TO']);
  const steps = result.scenarios[0]!.steps;
  t.equal(steps.find((s) => s.name === 'in:IDLE')!.failures, 0, 'the IDLE did not fail of its own');
  t.equal(result.delivery.count, 0);
});

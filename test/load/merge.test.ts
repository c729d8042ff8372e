import t from 'tap';
import { startSandbox } from '../../src/sandbox/index.js';
import { asLoadResult, mergeLoadResults } from '../../src/load/merge.js';
import { createHistogram, latencyStats, mergeEncoded, recordMs } from '../../src/load/histogram.js';
import { renderLoadJson } from '../../src/report/load/json.js';
import { fixture, loadAgainst } from './helpers.js';

const SUBJECT = /Subject: vu (\d+) iteration (\d+) seq (\d+)/;

t.test('two shards merged give the totals of the whole work, percentiles from merged histograms', async (t) => {
  const sandbox = await startSandbox();
  t.teardown(() => sandbox.close());
  const scenarios = await fixture('deliver.yaml');
  const input = { connections: 4, iterations: 21, thresholds: ['errors<1%', 'step:DATA p99<10s'] };
  const shards = await Promise.all([1, 2].map((i) => loadAgainst(sandbox, scenarios, { ...input, shard: `${i}/2` })));
  t.same(shards.map((s) => s.totals.runs), [11, 10], 'iterations split without loss');
  // Through JSON, as `mailprobe merge` reads them.
  const parts = shards.map((s, i) => asLoadResult(JSON.parse(renderLoadJson(s)), `shard${i}.json`));
  const merged = mergeLoadResults(parts);
  t.equal(merged.totals.runs, 21);
  t.equal(merged.totals.passed, 21);
  t.equal(merged.totals.messages, 21);
  t.equal(merged.totals.bytesSent, shards[0]!.totals.bytesSent + shards[1]!.totals.bytesSent);
  t.equal(merged.latency.count, 21);
  t.equal(merged.scenarios[0]!.steps.find((s) => s.name === 'DATA')!.latency.count, 21);
  t.same(merged.shards, [{ index: 1, count: 2 }, { index: 2, count: 2 }]);
  t.equal(merged.settings.shard, undefined);
  t.equal(merged.series.reduce((n, s) => n + s.runs, 0), 21, 'series merged second by second');
  t.same(merged.thresholds.map((th) => th.ok), [true, true], 'thresholds evaluated on the merged figures');
  const both = mergeEncoded(shards.map((s) => s.latency.histogram));
  t.equal(merged.latency.p99Ms, latencyStats(both).p99Ms);
  t.equal(merged.latency.maxMs, Math.max(shards[0]!.latency.maxMs, shards[1]!.latency.maxMs));
  t.equal(merged.latency.minMs, Math.min(shards[0]!.latency.minMs, shards[1]!.latency.minMs));

  const subjects = sandbox.store.mailbox('bob', 'INBOX')!.messages.map((m) => SUBJECT.exec(m.bytes.toString())!.slice(1).map(Number));
  t.same([...new Set(subjects.map(([vu]) => vu))].sort(), [1, 2, 3, 4], 'shard 1 ran users 1 and 3, shard 2 users 2 and 4');
  t.equal(new Set(subjects.map(([, , seq]) => seq)).size, 21, 'seq stays unique across shards');
});

t.test('merged percentiles are those of all samples, not averages of percentiles', async (t) => {
  const fast = createHistogram();
  const slow = createHistogram();
  const all = createHistogram();
  for (let i = 0; i < 990; i++) {
    recordMs(fast, 1 + (i % 10) / 10);
    recordMs(all, 1 + (i % 10) / 10);
  }
  for (let i = 0; i < 10; i++) {
    recordMs(slow, 500 + i);
    recordMs(all, 500 + i);
  }
  const merged = latencyStats(mergeEncoded([latencyStats(fast).histogram, latencyStats(slow).histogram]));
  const expected = latencyStats(all);
  t.equal(merged.count, 1000);
  for (const key of ['p50Ms', 'p90Ms', 'p99Ms', 'p999Ms', 'maxMs', 'minMs', 'meanMs'] as const) t.equal(merged[key], expected[key], key);
  t.ok(merged.p999Ms >= 500, 'the slow tail survives the merge');
});

t.test('merge refuses what is not a load result of this version', async (t) => {
  t.throws(() => asLoadResult({ version: 1, scenarios: [] }, 'r.json'), { message: /r\.json is not a mailprobe load result/ });
  t.throws(() => asLoadResult({ kind: 'mailprobe-load', version: 99 }, 'r.json'), { message: /version 99/ });
  t.throws(() => mergeLoadResults([]), { message: /nothing to merge/ });
});

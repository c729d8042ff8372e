import t from 'tap';
import { createHistogram, encodeHistogram, percentileMs, recordMs } from '../../src/load/histogram.js';
import { LoadMetrics } from '../../src/load/metrics.js';
import { planSteps } from '../../src/load/step-names.js';
import type { SecondSample } from '../../src/load/types.js';
import { RunWire } from '../../src/load/wire-timing.js';
import type { ScenarioResult } from '../../src/results/types.js';
import { fixture } from './helpers.js';

const [scenario] = await fixture('deliver.yaml');
const START_NS = 1_000_000_000_000n;

/** A passed run with no steps, its latency given, ending `atMs` after the measured window opened. */
function run(latencyMs: number, atMs: number) {
  const result = { outcome: 'passed', steps: [] } as unknown as ScenarioResult;
  return { scenarioIndex: 0, result, wire: new RunWire(), latencyMs, endNs: START_NS + BigInt(Math.round(atMs * 1e6)) };
}

/** Latencies by second: the first second's, none in the second, then the third's. */
const SECONDS = [Array.from({ length: 300 }, (_, i) => 0.5 + i * 0.01), [], [12.5, 3.25, 7, 990.123]];

function seriesOf(maxPendingValues?: number): SecondSample[] {
  const metrics = new LoadMetrics([scenario!], [planSteps(scenario!)], START_NS, maxPendingValues);
  SECONDS.forEach((latencies, second) => latencies.forEach((ms, i) => metrics.record(run(ms, second * 1000 + i))));
  return metrics.finish().series;
}

t.test('each second is summarised from its own runs, the empty one included', async (t) => {
  const series = seriesOf();
  t.equal(series.length, SECONDS.length);
  SECONDS.forEach((latencies, second) => {
    const expected = createHistogram();
    for (const ms of latencies) recordMs(expected, ms);
    const sample = series[second]!;
    t.equal(sample.runs, latencies.length, `second ${second}: runs`);
    t.equal(sample.p50Ms, percentileMs(expected, 50), `second ${second}: p50`);
    t.equal(sample.p99Ms, percentileMs(expected, 99), `second ${second}: p99`);
    t.equal(sample.histogram, encodeHistogram(expected), `second ${second}: the encoded histogram`);
  });
  t.equal(series[2]!.p99Ms, 990.207, 'a value near 1 s reads as the top of its bucket');
});

t.test('past the bound on kept latencies, seconds summarised as they close read the same', async (t) => {
  t.same(seriesOf(1), seriesOf());
  t.same(seriesOf(0), seriesOf());
});

import t from 'tap';
import { evaluateThresholds, parseThreshold } from '../../src/load/thresholds.js';
import { createHistogram, latencyStats, recordMs } from '../../src/load/histogram.js';
import type { LatencyStats, LoadResult } from '../../src/load/types.js';

function stats(values: number[]): LatencyStats {
  const h = createHistogram();
  for (const v of values) recordMs(h, v);
  return latencyStats(h);
}

const ms = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** 100 runs of 1..100 ms in 10 s, 2 failed; step DATA in two scenarios. */
function result(): LoadResult {
  const none = stats([]);
  return {
    version: 1,
    kind: 'mailprobe-load',
    tool: { name: 'mailprobe', version: 't' },
    startedAt: '2026-01-01T00:00:00.000Z',
    settings: { mode: 'closed', connections: 1, maxInFlight: 1, rampUpMs: 0, warmupMs: 0, thresholds: [] },
    shards: [],
    elapsedMs: 10_000,
    interrupted: false,
    totals: { runs: 100, passed: 98, failed: 1, errors: 1, messages: 50, bytesSent: 0, bytesReceived: 0, dropped: 0, warmupRuns: 0 },
    throughput: { runsPerSec: 10, messagesPerSec: 5, bytesPerSec: 0 },
    latency: stats(ms(100)),
    connect: stats([0.5, 1, 2]),
    tls: none,
    delivery: stats([120, 250, 900]),
    scenarios: [
      { name: 'a', file: 'a.yaml', runs: 60, passed: 60, failed: 0, errors: 0, messages: 30, latency: stats(ms(60)), steps: [{ name: 'DATA', latency: stats([10, 20, 30]), failures: 0 }] },
      { name: 'b', file: 'b.yaml', runs: 40, passed: 38, failed: 1, errors: 1, messages: 20, latency: stats(ms(40)), steps: [{ name: 'DATA', latency: stats([40]), failures: 2 }] },
    ],
    errors: { byCause: {}, byReplyCode: {}, samples: [] },
    series: [],
    thresholds: [],
  };
}

function check(expressions: string[]): boolean[] {
  return evaluateThresholds(expressions.map(parseThreshold), result()).map((r) => r.ok);
}

// HDR histograms keep three significant digits: a value reads back up to 0.1 % above what was recorded,
// so the limits below sit just off the recorded values.
t.test('latency thresholds on runs, steps (merged over scenarios), scenarios, connect', async (t) => {
  t.same(check(['p99<250ms', 'p99<98.9ms', 'p50<=50.1ms', 'p50<49.9ms', 'max<0.1s', 'mean>50ms']), [true, false, true, false, false, true]);
  t.same(check(['step:DATA p99<40.1ms', 'step:DATA p99<39.9ms', 'step:DATA p50<=20.1ms']), [true, false, true], 'step DATA holds 10,20,30 and 40');
  t.same(check(['scenario:b p99<40.1ms', 'scenario:b max<39.9ms', 'connect p99<2.1ms', 'tls p99<1s']), [true, false, true, false]);
});

t.test('delivery (submit→visible) thresholds', async (t) => {
  t.same(check(['delivery p99<1s', 'delivery p99<0.8s', 'delivery p50<=250.3ms', 'delivery max>=900ms']), [true, false, true, true]);
  const [r] = evaluateThresholds([parseThreshold('delivery p99<500ms')], result());
  t.match(r!.message, /^delivery p99<500ms: p99 of delivery \(submit→visible\) was 90\d(\.\d+)?ms \(limit < 500ms\) — broken$/);
  const empty = { ...result(), delivery: stats([]) };
  const [none] = evaluateThresholds([parseThreshold('delivery p99<1s')], empty);
  t.equal(none!.ok, false, 'no delivery measured: the threshold does not pass');
  t.throws(() => parseThreshold('delivery errors<1%'), { code: 'MP_ERR_CONFIG' });
});

t.test('error, rate and message thresholds', async (t) => {
  t.same(check(['errors<2%', 'errors<=2%', 'errors<0.1%', 'errors<=2', 'errors<2', 'scenario:a errors<0.1%', 'scenario:b errors<5%']), [false, true, false, true, false, true, false]);
  t.same(check(['rate>9/s', 'rate>10/s', 'rate>=10/s', 'messages>=5/s', 'scenario:a rate>=6/s']), [true, false, true, true, true]);
});

t.test('each result names the expression, what was measured and the limit', async (t) => {
  const [r] = evaluateThresholds([parseThreshold('step:DATA p95<35ms')], result());
  t.equal(r!.ok, false);
  t.ok(Math.abs(r!.actual! - 40) < 0.05, `${r!.actual} ≈ 40`);
  t.match(r!.message, /^step:DATA p95<35ms: p95 of step DATA was 40(\.\d+)?ms \(limit < 35ms\) — broken$/);
  const [missing] = evaluateThresholds([parseThreshold('scenario:zz p99<1ms')], result());
  t.equal(missing!.ok, false, 'a threshold that measures nothing does not pass');
  t.match(missing!.message, /no scenario named "zz"/);
});

t.test('step names may hold spaces; units default to ms and accept s', async (t) => {
  const th = parseThreshold('step:MAIL FROM p99.9 < 2s');
  t.same(th.subject, { kind: 'step', name: 'MAIL FROM' });
  t.equal(th.limit, 2000);
  t.same(th.metric, { kind: 'latency', statistic: { kind: 'percentile', percentile: 99.9 } });
});

t.test('malformed thresholds are refused with the form to use', async (t) => {
  for (const bad of ['p99', 'p99<', 'p99 < fast', 'p101<1ms', 'errors<5ms', 'rate>5ms', 'p99<5%', 'step:DATA errors<1%', 'connect rate>1/s', 'p99=5ms']) {
    t.throws(() => parseThreshold(bad), { code: 'MP_ERR_CONFIG', message: /--threshold/ }, bad);
  }
});

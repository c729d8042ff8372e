/**
 * Merges load results (shards of one run, or runs to be seen together): counts add up, histograms are
 * added (so merged percentiles are those of all the samples, never averages of percentiles), per-second
 * series add up second by second, and thresholds are evaluated again on the merged figures. Shards run at
 * the same time, so the merged window is the longest of theirs.
 * Imports util/ and load/ modules.
 */
import { ErrorCode, MailprobeError } from '../util/errors.js';
import { latencyStats, mergeEncoded, percentileMs, encodeHistogram } from './histogram.js';
import { evaluateThresholds, parseThresholds } from './thresholds.js';
import {
  LOAD_RESULT_KIND,
  LOAD_RESULT_VERSION,
  type ErrorSample,
  type LatencyStats,
  type LoadResult,
  type LoadTotals,
  type ScenarioMetrics,
  type SecondSample,
} from './types.js';

function mergeStats(parts: readonly LatencyStats[]): LatencyStats {
  return latencyStats(mergeEncoded(parts.map((p) => p.histogram)));
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | number): Map<string | number, T[]> {
  const groups = new Map<string | number, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const sum = <T>(items: readonly T[], of: (item: T) => number): number => items.reduce((total, item) => total + of(item), 0);

function mergeScenarios(parts: readonly LoadResult[]): ScenarioMetrics[] {
  const groups = groupBy(parts.flatMap((p) => p.scenarios), (s) => s.name);
  return [...groups.values()].map((group) => {
    const steps = groupBy(group.flatMap((s) => s.steps), (s) => s.name);
    return {
      name: group[0]!.name,
      file: group[0]!.file,
      runs: sum(group, (s) => s.runs),
      passed: sum(group, (s) => s.passed),
      failed: sum(group, (s) => s.failed),
      errors: sum(group, (s) => s.errors),
      messages: sum(group, (s) => s.messages),
      latency: mergeStats(group.map((s) => s.latency)),
      steps: [...steps.values()].map((stepGroup) => ({
        name: stepGroup[0]!.name,
        latency: mergeStats(stepGroup.map((s) => s.latency)),
        failures: sum(stepGroup, (s) => s.failures),
      })),
    };
  });
}

function mergeSeries(parts: readonly LoadResult[]): SecondSample[] {
  const groups = groupBy(parts.flatMap((p) => p.series), (s) => s.second);
  const length = Math.max(0, ...parts.map((p) => p.series.length));
  const series: SecondSample[] = [];
  for (let second = 0; second < length; second++) {
    const group = groups.get(second) ?? [];
    const histogram = mergeEncoded(group.map((s) => s.histogram));
    series.push({
      second,
      runs: sum(group, (s) => s.runs),
      errors: sum(group, (s) => s.errors),
      messages: sum(group, (s) => s.messages),
      bytesSent: sum(group, (s) => s.bytesSent),
      bytesReceived: sum(group, (s) => s.bytesReceived),
      p50Ms: percentileMs(histogram, 50),
      p99Ms: percentileMs(histogram, 99),
      histogram: encodeHistogram(histogram),
    });
  }
  return series;
}

function mergeSamples(parts: readonly LoadResult[]): ErrorSample[] {
  const groups = groupBy(parts.flatMap((p) => p.errors.samples), (s) => `${s.code}\0${s.scenario}\0${s.step ?? ''}`);
  return [...groups.values()].map((group) => ({ ...group[0]!, count: sum(group, (s) => s.count) }));
}

/** Checks that a parsed JSON document is a load result this version can read. */
export function asLoadResult(value: unknown, source: string): LoadResult {
  const doc = value as Partial<LoadResult> | null;
  if (typeof doc !== 'object' || doc === null || doc.kind !== LOAD_RESULT_KIND) {
    throw new MailprobeError(ErrorCode.CONFIG, `${source} is not a mailprobe load result (JSON report of \`mailprobe load\`)`);
  }
  if (doc.version !== LOAD_RESULT_VERSION) {
    throw new MailprobeError(ErrorCode.CONFIG, `${source} is a load result of version ${String(doc.version)}; this mailprobe reads version ${LOAD_RESULT_VERSION}`);
  }
  return doc as LoadResult;
}

/**
 * One result from several. Thresholds: those of the first result's settings plus `extraThresholds`,
 * evaluated on the merged figures.
 */
export function mergeLoadResults(parts: readonly LoadResult[], extraThresholds: readonly string[] = []): LoadResult {
  const first = parts[0];
  if (!first) throw new MailprobeError(ErrorCode.CONFIG, 'nothing to merge');
  const thresholdTexts = [...new Set([...first.settings.thresholds, ...extraThresholds])];
  const thresholds = parseThresholds(thresholdTexts);
  const totalsKeys = Object.keys(first.totals) as (keyof LoadTotals)[];
  const totals = Object.fromEntries(totalsKeys.map((key) => [key, sum(parts, (p) => p.totals[key])])) as unknown as LoadTotals;
  const elapsedMs = Math.max(...parts.map((p) => p.elapsedMs));
  const seconds = elapsedMs / 1000;
  const perSecond = (n: number): number => (seconds > 0 ? Math.round((n / seconds) * 100) / 100 : 0);
  const byCause: Record<string, number> = {};
  const byReplyCode: Record<string, number> = {};
  for (const part of parts) {
    addCounts(byCause, part.errors.byCause);
    addCounts(byReplyCode, part.errors.byReplyCode);
  }
  const { shard: _dropped, ...settings } = first.settings;
  const merged: LoadResult = {
    version: LOAD_RESULT_VERSION,
    kind: LOAD_RESULT_KIND,
    tool: first.tool,
    startedAt: parts.map((p) => p.startedAt).sort()[0]!,
    settings: { ...settings, thresholds: thresholdTexts },
    shards: parts.flatMap((p) => p.shards),
    elapsedMs,
    interrupted: parts.some((p) => p.interrupted),
    totals,
    throughput: {
      runsPerSec: perSecond(totals.runs),
      messagesPerSec: perSecond(totals.messages),
      bytesPerSec: perSecond(totals.bytesSent + totals.bytesReceived),
    },
    latency: mergeStats(parts.map((p) => p.latency)),
    connect: mergeStats(parts.map((p) => p.connect)),
    tls: mergeStats(parts.map((p) => p.tls)),
    // Results written before delivery latency existed have none.
    delivery: mergeStats(parts.flatMap((p) => (p.delivery ? [p.delivery] : []))),
    scenarios: mergeScenarios(parts),
    errors: { byCause, byReplyCode, samples: mergeSamples(parts) },
    series: mergeSeries(parts),
    thresholds: [],
  };
  merged.thresholds = evaluateThresholds(thresholds, merged);
  return merged;
}

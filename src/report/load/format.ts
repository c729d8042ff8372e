/**
 * Shared formatting for the load reports: numbers with units, the latency rows every report shows, and a
 * plain text table. Pure; imports load/types only.
 */
import type { LatencyStats, LoadResult } from '../../load/types.js';

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms >= 100) return `${Math.round(ms)}ms`;
  if (ms >= 10) return `${ms.toFixed(1)}ms`;
  return `${ms.toFixed(2)}ms`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatRate(perSecond: number): string {
  return `${perSecond >= 100 ? formatCount(perSecond) : perSecond.toFixed(1)}/s`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function formatPercent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${+((part / whole) * 100).toFixed(3)}%`;
}

export const LATENCY_COLUMNS = ['p50', 'p90', 'p99', 'p99.9', 'max', 'mean', 'count'] as const;

export function latencyCells(stats: LatencyStats): string[] {
  if (stats.count === 0) return ['–', '–', '–', '–', '–', '–', '0'];
  return [stats.p50Ms, stats.p90Ms, stats.p99Ms, stats.p999Ms, stats.maxMs, stats.meanMs].map(formatMs).concat(formatCount(stats.count));
}

/** The delivery latency's name in every report: from a submission's reply to the IDLE line showing it. */
export const DELIVERY_LABEL = 'delivery (submit→visible)';

/** Every latency row of a result: scenarios, their steps, connect, TLS and delivery (submit→visible). */
export function latencyRows(result: LoadResult): { label: string; stats: LatencyStats }[] {
  const rows: { label: string; stats: LatencyStats }[] = [];
  const several = result.scenarios.length > 1;
  for (const scenario of result.scenarios) {
    rows.push({ label: several ? `scenario: ${scenario.name}` : 'scenario run', stats: scenario.latency });
    for (const step of scenario.steps) if (step.latency.count > 0) rows.push({ label: `  step ${step.name}`, stats: step.latency });
  }
  if (several) rows.push({ label: 'all scenario runs', stats: result.latency });
  if (result.connect.count > 0) rows.push({ label: 'connect', stats: result.connect });
  if (result.tls.count > 0) rows.push({ label: 'TLS handshake', stats: result.tls });
  if (result.delivery?.count) rows.push({ label: DELIVERY_LABEL, stats: result.delivery });
  return rows;
}

export const THROUGHPUT_COLUMNS = ['total', 'per second'];

/** The throughput rows every load report shows: runs, messages and bytes, in all and per second. */
export function throughputRows(result: LoadResult): string[][] {
  const t = result.totals;
  return [
    ['scenario runs', formatCount(t.runs), formatRate(result.throughput.runsPerSec)],
    ['messages', formatCount(t.messages), formatRate(result.throughput.messagesPerSec)],
    ['bytes (sent + received)', formatBytes(t.bytesSent + t.bytesReceived), `${formatBytes(result.throughput.bytesPerSec)}/s`],
  ];
}

/** A boxed table (autocannon-style); the first column is left-aligned, the others right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (left: string, mid: string, right: string): string => `${left}${widths.map((w) => '─'.repeat(w + 2)).join(mid)}${right}`;
  const row = (cells: readonly string[]): string =>
    `│${cells.map((c, i) => ` ${i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)} `).join('│')}│`;
  return [line('┌', '┬', '┐'), row(header), line('├', '┼', '┤'), ...rows.map(row), line('└', '┴', '┘')].join('\n') + '\n';
}

/** "2 of 4 thresholds broken" style verdict line, shared by every report. */
export function thresholdVerdict(result: LoadResult): string {
  const broken = result.thresholds.filter((t) => !t.ok).length;
  if (result.thresholds.length === 0) return 'no thresholds set';
  return broken === 0 ? `all ${result.thresholds.length} thresholds held` : `${broken} of ${result.thresholds.length} thresholds broken`;
}

export function describeSettings(result: LoadResult): string {
  const s = result.settings;
  const load = s.mode === 'open' ? `open loop at ${formatRate(s.rate ?? 0)} (at most ${s.maxInFlight} in flight)` : `${s.connections} connections (closed loop)`;
  const bound = s.iterations !== undefined ? `${formatCount(s.iterations)} iterations` : `${((s.durationMs ?? 0) / 1000).toFixed(1)}s`;
  const extras = [s.rampUpMs > 0 ? `ramp-up ${s.rampUpMs / 1000}s` : '', s.warmupMs > 0 ? `warm-up ${s.warmupMs / 1000}s` : ''].filter(Boolean);
  const shards = result.shards.length > 1 ? `, ${result.shards.length} shards merged` : result.shards.length === 1 ? `, shard ${result.shards[0]!.index}/${result.shards[0]!.count}` : '';
  return `${load}, ${bound}${extras.length ? `, ${extras.join(', ')}` : ''}${shards}`;
}

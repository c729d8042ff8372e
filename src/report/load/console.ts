/**
 * The load run on the terminal, autocannon-style: a latency table (scenarios, steps, connect, TLS), a
 * throughput table, errors by cause and by reply code, and every threshold with its verdict. Also the one
 * live progress line shown on a TTY. Pure functions of the result; imports chalk and load/types.
 */
import { Chalk } from 'chalk';
import type { LoadResult } from '../../load/types.js';
import type { LiveProgress } from '../../load/engine.js';
import {
  LATENCY_COLUMNS,
  THROUGHPUT_COLUMNS,
  describeSettings,
  formatCount,
  formatMs,
  formatPercent,
  formatRate,
  latencyCells,
  latencyRows,
  textTable,
  thresholdVerdict,
  throughputRows,
} from './format.js';

export interface LoadConsoleOptions {
  color: boolean;
}

export function renderLoadConsole(result: LoadResult, options: LoadConsoleOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const t = result.totals;
  const seconds = result.elapsedMs / 1000;
  const out: string[] = [];
  out.push(`${c.bold('mailprobe load')}: ${describeSettings(result)}${result.interrupted ? c.yellow(' — interrupted') : ''}\n\n`);
  out.push(textTable(['Latency', ...LATENCY_COLUMNS], latencyRows(result).map((r) => [r.label, ...latencyCells(r.stats)])));
  out.push(textTable(['Throughput', ...THROUGHPUT_COLUMNS], throughputRows(result)));
  const bad = t.failed + t.errors;
  const summary = `${formatCount(t.runs)} runs in ${seconds.toFixed(1)}s: ${formatCount(t.passed)} passed, ${formatCount(t.failed)} failed, ${formatCount(t.errors)} errors (${formatPercent(bad, t.runs)})`;
  out.push(`\n${bad > 0 ? c.red(summary) : summary}`);
  if (t.dropped > 0) out.push(`, ${c.yellow(`${formatCount(t.dropped)} arrivals dropped`)} (in-flight cap)`);
  if (t.warmupRuns > 0) out.push(`; ${formatCount(t.warmupRuns)} warm-up runs not counted`);
  out.push('\n');
  const causes = Object.entries(result.errors.byCause).sort((a, b) => b[1] - a[1]);
  if (causes.length > 0) {
    out.push(`errors by cause: ${causes.map(([code, n]) => `${code} ${formatCount(n)}`).join(', ')}\n`);
    const codes = Object.entries(result.errors.byReplyCode).sort((a, b) => b[1] - a[1]);
    if (codes.length > 0) out.push(`errors by reply code: ${codes.map(([code, n]) => `${code} ${formatCount(n)}`).join(', ')}\n`);
    for (const s of result.errors.samples.slice(0, 5)) {
      out.push(c.dim(`  ${s.code} ×${formatCount(s.count)} in "${s.scenario}"${s.step ? ` at ${s.step}` : ''}: ${s.message}\n`));
    }
  }
  if (result.thresholds.length > 0) {
    out.push('\n');
    for (const th of result.thresholds) out.push(`${th.ok ? c.green('✓') : c.red('✗')} ${th.message}\n`);
    const verdict = thresholdVerdict(result);
    out.push(result.thresholds.some((th) => !th.ok) ? c.red.bold(`${verdict}\n`) : c.green(`${verdict}\n`));
  }
  return out.join('');
}

/** One line for a TTY, rewritten in place each second. */
export function renderProgressLine(p: LiveProgress): string {
  const phase = p.warmingUp ? 'warming up' : `${Math.max(0, p.elapsedMs / 1000).toFixed(0)}s`;
  return `${phase}  ${formatRate(p.lastSecondRuns)}  in flight ${p.inFlight}  runs ${formatCount(p.runs)}  errors ${formatCount(p.errors)}  p99 ${formatMs(p.p99Ms)}`;
}

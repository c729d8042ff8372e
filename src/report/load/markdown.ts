/**
 * The load run as Markdown for a CI job summary ($GITHUB_STEP_SUMMARY): verdict first (thresholds), then
 * latency, throughput and errors. Pure; imports load/types.
 */
import type { LoadResult } from '../../load/types.js';
import { LATENCY_COLUMNS, THROUGHPUT_COLUMNS, describeSettings, formatCount, formatPercent, latencyCells, latencyRows, thresholdVerdict, throughputRows } from './format.js';

/** Markdown table cells may not hold a bare "|". */
const cell = (text: string): string => text.replace(/\|/g, '\\|').trim();

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const align = header.map((_, i) => (i === 0 ? ':--' : '--:'));
  return [header, align, ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n') + '\n';
}

export function renderLoadMarkdown(result: LoadResult): string {
  const t = result.totals;
  const broken = result.thresholds.filter((th) => !th.ok);
  const out: string[] = [];
  out.push(`## mailprobe load: ${broken.length > 0 ? '❌' : '✅'} ${thresholdVerdict(result)}\n\n`);
  out.push(`${describeSettings(result)}; ${formatCount(t.runs)} runs in ${(result.elapsedMs / 1000).toFixed(1)}s${result.interrupted ? ' (interrupted)' : ''}.\n\n`);
  if (result.thresholds.length > 0) {
    out.push(table(['Threshold', 'Result', 'Measured'], result.thresholds.map((th) => [`\`${th.expression}\``, th.ok ? 'held' : '**broken**', th.message.slice(th.expression.length + 2)])));
    out.push('\n');
  }
  out.push(table(['Latency', ...LATENCY_COLUMNS], latencyRows(result).map((r) => [r.label.trim(), ...latencyCells(r.stats)])));
  out.push('\n');
  out.push(table(['Throughput', ...THROUGHPUT_COLUMNS], throughputRows(result)));
  out.push(`\nPassed ${formatCount(t.passed)}, failed ${formatCount(t.failed)}, errors ${formatCount(t.errors)} (${formatPercent(t.failed + t.errors, t.runs)})`);
  if (t.dropped > 0) out.push(`, dropped arrivals ${formatCount(t.dropped)}`);
  out.push('.\n');
  const causes = Object.entries(result.errors.byCause).sort((a, b) => b[1] - a[1]);
  if (causes.length > 0) {
    out.push('\n');
    out.push(table(['Error cause', 'runs'], causes.map(([code, n]) => [`\`${code}\``, formatCount(n)])));
    const codes = Object.entries(result.errors.byReplyCode).sort((a, b) => b[1] - a[1]);
    if (codes.length > 0) out.push('\n' + table(['Reply code', 'runs'], codes.map(([code, n]) => [code, formatCount(n)])));
  }
  return out.join('');
}

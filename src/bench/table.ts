/**
 * The bench report as a text table: one block per operation, one row per size, one column per
 * implementation with its MB/s and how many times as fast ours is (×); then the performance goals, met or
 * not, per size. Pure: report in, string out. Imports only the report types.
 */
import type { BenchCase, BenchReport, GoalResult, ImplementationResult } from './report-types.js';

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

/** An implementation's MB/s, followed, for one not ours, by how many times as fast the first of ours is. */
function cell(result: ImplementationResult | undefined, ours: ImplementationResult | undefined): string {
  if (!result) return '';
  if (result.status !== 'ok') return result.status === 'incorrect' ? 'WRONG' : 'ERROR';
  const speed = result.mbPerSecond!.toFixed(result.mbPerSecond! < 100 ? 1 : 0);
  const ratio = result.ours ? undefined : ours?.ratios?.[result.name];
  return ratio === undefined ? speed : `${speed} ${ratio.toFixed(2)}×`;
}

function block(rows: BenchCase[]): string[] {
  const first = rows[0]!;
  const names = [...new Set(rows.flatMap((r) => r.implementations.map((i) => i.name)))];
  const table = [
    ['size', ...names],
    ...rows.map((r) => {
      const ours = r.implementations.find((i) => i.ours);
      return [formatSize(r.size), ...names.map((n) => cell(r.implementations.find((i) => i.name === n), ours))];
    }),
  ];
  const widths = names.map((_, c) => Math.max(...table.map((row) => row[c + 1]!.length)));
  const sizeWidth = Math.max(...table.map((row) => row[0]!.length));
  const lines = [`${first.title}`];
  for (const row of table) lines.push(`  ${row[0]!.padEnd(sizeWidth)}  ${row.slice(1).map((c, i) => c.padStart(widths[i]!)).join('  ')}`);
  const notes = new Map<string, string>();
  const problems: string[] = [];
  for (const r of rows) {
    for (const i of r.implementations) {
      if (i.note !== undefined) notes.set(i.name, i.note);
      if (i.problem !== undefined) problems.push(`${i.name} at ${formatSize(r.size)}: ${i.problem}`);
    }
  }
  if (notes.size > 0) lines.push(`  (${[...notes].map(([n, note]) => `${n}: ${note}`).join('; ')})`);
  for (const problem of problems) lines.push(`  not timed — ${problem}`);
  return lines;
}

function verdict(goal: GoalResult): string {
  if (goal.met === null) return 'not measured';
  return `${goal.ratio!.toFixed(2)}× ${goal.met ? 'met' : 'MISSED'}`;
}

/** One line per goal: its verdict at each size. */
function goalLines(cases: readonly BenchCase[]): string[] {
  const bySize = new Map<string, string[]>();
  for (const c of cases) {
    for (const goal of c.goals) bySize.set(goal.description, [...(bySize.get(goal.description) ?? []), `${formatSize(c.size)} ${verdict(goal)}`]);
  }
  return [...bySize].map(([description, verdicts]) => `  ${description}: ${verdicts.join(', ')}`);
}

/** The whole report: a header line, one block per operation, then the goals. */
export function formatBenchTable(report: BenchReport): string {
  const { machine, clock, peers, skippedPeers, cases } = report.encodingCore;
  const load = machine.loadAverage.start.map((l) => l.toFixed(2)).join(' ');
  const lines = [
    `mailprobe bench — Node ${machine.node} on ${machine.cpuModel} × ${machine.cpuCount}, load average ${load}; MB/s of unencoded data, median call (${clock} time); "N×" = mailprobe is N times as fast`,
    skippedPeers.length > 0 ? `peers not installed, skipped: ${skippedPeers.join(', ')}` : `peers: ${peers.join(', ')}`,
  ];
  const byOperation = new Map<string, BenchCase[]>();
  for (const c of cases) byOperation.set(c.operation, [...(byOperation.get(c.operation) ?? []), c]);
  for (const rows of byOperation.values()) lines.push('', ...block(rows));
  const goals = goalLines(cases);
  if (goals.length > 0) lines.push('', 'goals (issue 5, stated at 1 MiB)', ...goals);
  return `${lines.join('\n')}\n`;
}

/**
 * The bench report as a text table: one block per operation, one row per size, one column per
 * implementation with its MB/s and how many times faster we are (×). Pure: report in, string out.
 * Imports only the report types.
 */
import type { BenchReport, BenchmarkResult, ImplementationResult } from './run.js';

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

function cell(result: ImplementationResult | undefined): string {
  if (!result) return '';
  if (result.status !== 'ok') return result.status === 'incorrect' ? 'WRONG' : 'ERROR';
  const speed = result.mbPerSecond!.toFixed(result.mbPerSecond! < 100 ? 1 : 0);
  return result.ratio === undefined ? speed : `${speed} ${result.ratio.toFixed(2)}×`;
}

function block(rows: BenchmarkResult[]): string[] {
  const first = rows[0]!;
  const names = [...new Set(rows.flatMap((r) => r.implementations.map((i) => i.name)))];
  const table = [['size', ...names], ...rows.map((r) => [formatSize(r.size), ...names.map((n) => cell(r.implementations.find((i) => i.name === n)))])];
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

/** The whole report: a header line, then one block per benchmark. */
export function formatBenchTable(report: BenchReport): string {
  const lines = [
    `mailprobe bench — ${report.node} on ${report.cpu}; MB/s of unencoded data, median call (${report.clock} time); "N×" = mailprobe is N times as fast`,
    report.skippedPeers.length > 0 ? `peers not installed, skipped: ${report.skippedPeers.join(', ')}` : `peers: ${report.peers.join(', ')}`,
  ];
  const byId = new Map<string, BenchmarkResult[]>();
  for (const result of report.results) byId.set(result.id, [...(byId.get(result.id) ?? []), result]);
  for (const rows of byId.values()) lines.push('', ...block(rows));
  return `${lines.join('\n')}\n`;
}

/**
 * The file reporters of `mailprobe bench` that need nothing but the BenchReport: `--reporter json[=FILE]`
 * writes it as documented in docs/bench.md. The CLI adds the HTML page and parses `--reporter` with
 * report/reporters. Imports the report types only.
 */
import type { FileReporters } from '../report/reporters.js';
import type { BenchReport } from './report-types.js';

/** The report as JSON: keys in the documented order, 2-space indent, a final newline. */
export function renderBenchJson(report: BenchReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export const BENCH_FILE_REPORTERS: FileReporters<BenchReport> = {
  json: { defaultPath: 'reports/bench.json', render: renderBenchJson },
};

/**
 * The reporters of `mailprobe bench`: `--reporter console | json[=FILE]` (and whatever file reporters the
 * CLI registers), parsed like `run`'s, each file written atomically. The JSON reporter writes the
 * BenchReport as documented in docs/bench.md. Imports report/atomic, util/errors and the report types.
 */
import { resolve } from 'node:path';
import { writeFileAtomic } from '../report/atomic.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';
import type { BenchReport } from './report-types.js';

/** A reporter that writes a file: where by default, and what. */
export interface BenchFileReporter {
  defaultPath: string;
  render(report: BenchReport): string;
}
export type BenchFileReporters = Readonly<Record<string, BenchFileReporter>>;

export interface BenchReporterSpec {
  /** "console" or a key of the file reporters. */
  name: string;
  /** Where a file reporter writes, when given. */
  path?: string;
}

/** The report as JSON: keys in the documented order, 2-space indent, a final newline. */
export function renderBenchJson(report: BenchReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export const BENCH_FILE_REPORTERS: BenchFileReporters = {
  json: { defaultPath: 'reports/bench.json', render: renderBenchJson },
};

/** "json=out/bench.json" | "json" | "console"; MailprobeError(CONFIG) naming the valid reporters otherwise. */
export function parseBenchReporterSpec(text: string, fileReporters: BenchFileReporters): BenchReporterSpec {
  const equals = text.indexOf('=');
  const name = (equals === -1 ? text : text.slice(0, equals)).trim();
  const path = equals === -1 ? undefined : text.slice(equals + 1).trim();
  const fileReporter = fileReporters[name];
  if (name !== 'console' && fileReporter === undefined) {
    throw new MailprobeError(ErrorCode.CONFIG, `unknown reporter "${name}" in "${text}": bench reporters are ${['console', ...Object.keys(fileReporters)].join(', ')}`);
  }
  if (path === undefined) return { name };
  if (fileReporter === undefined) throw new MailprobeError(ErrorCode.CONFIG, `reporter "console" writes no file: use "console", not "${text}"`);
  if (path === '') throw new MailprobeError(ErrorCode.CONFIG, `reporter "${name}" needs a path after "=", e.g. ${name}=${fileReporter.defaultPath}`);
  return { name, path };
}

export interface BenchReportTarget {
  name: string;
  /** Absolute path. */
  path: string;
  reporter: BenchFileReporter;
}

/** The files the reporters among `specs` will write (paths relative to `cwd`); two aimed at one path are refused. */
export function benchReportTargets(specs: readonly BenchReporterSpec[], fileReporters: BenchFileReporters, cwd: string): BenchReportTarget[] {
  const targets: BenchReportTarget[] = [];
  for (const spec of specs) {
    const reporter = fileReporters[spec.name];
    if (reporter === undefined) continue;
    const path = resolve(cwd, spec.path ?? reporter.defaultPath);
    const clash = targets.find((target) => target.path === path);
    if (clash) throw new MailprobeError(ErrorCode.CONFIG, `reporters "${clash.name}" and "${spec.name}" would both write ${path}`);
    targets.push({ name: spec.name, path, reporter });
  }
  return targets;
}

/** Writes each target's rendering of `report`, each file atomically. */
export async function writeBenchReports(targets: readonly BenchReportTarget[], report: BenchReport): Promise<void> {
  for (const target of targets) await writeFileAtomic(target.path, target.reporter.render(report));
}

/**
 * `--reporter` for every command (run, load, merge, audit, bench): "console", "NAME" or "NAME=FILE",
 * checked against the command's own table of file reporters. The files are resolved and checked for
 * clashes when the option is parsed, so a bad reporter is a usage error before anything is sent or
 * measured; each file is written atomically. Imports only report/atomic and util/errors.
 */
import { resolve } from 'node:path';
import { ErrorCode, MailprobeError } from '../util/errors.js';
import { writeFileAtomic } from './atomic.js';

/** A reporter that writes a file: where by default (relative to the working directory), and what. */
export interface FileReporter<Result> {
  defaultPath: string;
  render(result: Result): string;
}
export type FileReporters<Result> = Readonly<Record<string, FileReporter<Result>>>;

export interface ReportFile<Result> {
  /** The reporter's name in the table. */
  name: string;
  /** Absolute path. */
  path: string;
  reporter: FileReporter<Result>;
}

export interface Reporters<Result> {
  /** Whether the console reporter was asked for (it is the default when no --reporter is given). */
  console: boolean;
  /** The files to write, in the order given. */
  files: ReportFile<Result>[];
}

function usage(message: string): MailprobeError {
  return new MailprobeError(ErrorCode.CONFIG, message);
}

/** "junit=reports/junit.xml" | "json" | "console"; only the first "=" splits, so a path may hold one. */
function parseSpec<Result>(text: string, table: FileReporters<Result>, command: string): { name: string; path?: string } {
  const equals = text.indexOf('=');
  const name = (equals === -1 ? text : text.slice(0, equals)).trim();
  const path = equals === -1 ? undefined : text.slice(equals + 1).trim();
  const fileReporter = Object.hasOwn(table, name) ? table[name] : undefined;
  if (name !== 'console' && fileReporter === undefined) {
    throw usage(`unknown reporter "${name}" in "${text}": ${command} reporters are ${['console', ...Object.keys(table)].join(', ')}`);
  }
  if (path === undefined) return { name };
  if (fileReporter === undefined) throw usage(`reporter "console" writes no file: use "console", not "${text}"`);
  if (path === '') throw usage(`reporter "${name}" needs a path after "=", e.g. ${name}=${fileReporter.defaultPath}`);
  return { name, path };
}

/**
 * The reporters `texts` ask for (console when there are none), file paths resolved against `cwd`.
 * Throws MailprobeError(CONFIG) for an unknown name, "console=FILE", "NAME=" and two reporters on one file.
 */
export function parseReporters<Result>(texts: readonly string[], table: FileReporters<Result>, command: string, cwd: string): Reporters<Result> {
  const specs = (texts.length > 0 ? texts : ['console']).map((text) => parseSpec(text, table, command));
  const files: ReportFile<Result>[] = [];
  for (const spec of specs) {
    if (spec.name === 'console') continue;
    const reporter = table[spec.name]!;
    const path = resolve(cwd, spec.path ?? reporter.defaultPath);
    const clash = files.find((file) => file.path === path);
    if (clash) throw usage(`reporters "${clash.name}" and "${spec.name}" would both write ${path}`);
    files.push({ name: spec.name, path, reporter });
  }
  return { console: specs.some((spec) => spec.name === 'console'), files };
}

/** The `--reporter` option in one line of help, from the table: names, syntax and default files. */
export function describeReporters<Result>(table: FileReporters<Result>): string {
  const names = ['console', ...Object.keys(table).map((name) => `${name}[=FILE]`)].join(' | ');
  const files = Object.values(table).map((reporter) => reporter.defaultPath).join(', ');
  return `${names} (files by default: ${files}); repeatable (default: console)`;
}

/** Writes each file's rendering of `result`, each atomically; returns the paths written. */
export async function writeReportFiles<Result>(files: readonly ReportFile<Result>[], result: Result): Promise<string[]> {
  for (const file of files) await writeFileAtomic(file.path, file.reporter.render(result));
  return files.map((file) => file.path);
}

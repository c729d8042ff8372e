/**
 * The reporters' entry point for the CLI: parsing `--reporter` specs ("junit=reports/junit.xml"), rendering
 * a file report by name, and writing every file report atomically. Reporters are pure functions of the
 * RunResult; they never print and never see secrets (the runner redacts before).
 * Imports only results/types, util/* and the report modules.
 */
import { resolve } from 'node:path';
import type { RunResult } from '../results/types.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';
import { writeFileAtomic } from './atomic.js';
import { renderRunHtml } from './html/run.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderTap } from './tap.js';

export type ReporterName = 'console' | 'json' | 'junit' | 'tap' | 'html';
export type FileReporterName = Exclude<ReporterName, 'console'>;
export interface ReporterSpec {
  name: ReporterName;
  /** Where a file reporter writes; DEFAULT_REPORT_PATHS[name] when absent. */
  path?: string;
}

export const REPORTER_NAMES: readonly ReporterName[] = ['console', 'json', 'junit', 'tap', 'html'];

export const DEFAULT_REPORT_PATHS: Record<FileReporterName, string> = {
  json: 'reports/results.json',
  junit: 'reports/junit.xml',
  tap: 'reports/results.tap',
  html: 'reports/results.html',
};

function isReporterName(name: string): name is ReporterName {
  return (REPORTER_NAMES as readonly string[]).includes(name);
}

/** "junit=reports/junit.xml" | "json" | "console"; throws MailprobeError(CONFIG) naming the valid names. */
export function parseReporterSpec(text: string): ReporterSpec {
  const equals = text.indexOf('=');
  const name = (equals === -1 ? text : text.slice(0, equals)).trim();
  const path = equals === -1 ? undefined : text.slice(equals + 1).trim();
  if (!isReporterName(name)) {
    throw new MailprobeError(
      ErrorCode.CONFIG,
      `unknown reporter "${name}" in "${text}": valid reporters are ${REPORTER_NAMES.join(', ')}`,
    );
  }
  if (path === undefined) return { name };
  if (name === 'console') {
    throw new MailprobeError(ErrorCode.CONFIG, `reporter "console" writes no file: use "console", not "${text}"`);
  }
  if (path === '') {
    throw new MailprobeError(ErrorCode.CONFIG, `reporter "${name}" needs a path after "=", e.g. ${name}=${DEFAULT_REPORT_PATHS[name]}`);
  }
  return { name, path };
}

export function renderReport(name: FileReporterName, run: RunResult): string {
  switch (name) {
    case 'json':
      return renderJson(run);
    case 'junit':
      return renderJunit(run);
    case 'tap':
      return renderTap(run);
    case 'html':
      return renderRunHtml(run);
  }
}

/**
 * Writes every file reporter among `specs` (paths relative to `cwd`), each atomically, and returns the
 * absolute paths written. Two reports aimed at one path are refused before anything is written.
 */
export async function writeReports(specs: ReporterSpec[], run: RunResult, cwd: string): Promise<string[]> {
  const targets: { name: FileReporterName; path: string }[] = [];
  for (const spec of specs) {
    if (spec.name === 'console') continue;
    const path = resolve(cwd, spec.path ?? DEFAULT_REPORT_PATHS[spec.name]);
    const clash = targets.find((target) => target.path === path);
    if (clash) {
      throw new MailprobeError(ErrorCode.CONFIG, `reporters "${clash.name}" and "${spec.name}" would both write ${path}`);
    }
    targets.push({ name: spec.name, path });
  }
  for (const target of targets) await writeFileAtomic(target.path, renderReport(target.name, run));
  return targets.map((target) => target.path);
}

/**
 * The load reporters for the CLI: `--reporter console | json[=FILE] | markdown[=FILE] | html[=FILE]`,
 * rendering by name and writing each file atomically. Imports load/types, report/atomic and the load
 * reporters.
 */
import { resolve } from 'node:path';
import type { LoadResult } from '../../load/types.js';
import { ErrorCode, MailprobeError } from '../../util/errors.js';
import { writeFileAtomic } from '../atomic.js';
import { renderLoadHtml } from './html.js';
import { renderLoadJson } from './json.js';
import { renderLoadMarkdown } from './markdown.js';

export type LoadReporterName = 'console' | 'json' | 'markdown' | 'html';
export type LoadFileReporterName = Exclude<LoadReporterName, 'console'>;
export interface LoadReporterSpec {
  name: LoadReporterName;
  path?: string;
}

export const LOAD_REPORTER_NAMES: readonly LoadReporterName[] = ['console', 'json', 'markdown', 'html'];
export const DEFAULT_LOAD_REPORT_PATHS: Record<LoadFileReporterName, string> = {
  json: 'reports/load.json',
  markdown: 'reports/load.md',
  html: 'reports/load.html',
};

function isName(name: string): name is LoadReporterName {
  return (LOAD_REPORTER_NAMES as readonly string[]).includes(name);
}

export function parseLoadReporterSpec(text: string): LoadReporterSpec {
  const equals = text.indexOf('=');
  const name = (equals === -1 ? text : text.slice(0, equals)).trim();
  const path = equals === -1 ? undefined : text.slice(equals + 1).trim();
  if (!isName(name)) {
    throw new MailprobeError(ErrorCode.CONFIG, `unknown reporter "${name}" in "${text}": load reporters are ${LOAD_REPORTER_NAMES.join(', ')}`);
  }
  if (path === undefined) return { name };
  if (name === 'console') throw new MailprobeError(ErrorCode.CONFIG, `reporter "console" writes no file: use "console", not "${text}"`);
  if (path === '') throw new MailprobeError(ErrorCode.CONFIG, `reporter "${name}" needs a path after "=", e.g. ${name}=${DEFAULT_LOAD_REPORT_PATHS[name]}`);
  return { name, path };
}

export function renderLoadReport(name: LoadFileReporterName, result: LoadResult): string {
  switch (name) {
    case 'json':
      return renderLoadJson(result);
    case 'markdown':
      return renderLoadMarkdown(result);
    case 'html':
      return renderLoadHtml(result);
  }
}

/** Writes every file reporter (paths relative to `cwd`); returns the absolute paths written. */
export async function writeLoadReports(specs: readonly LoadReporterSpec[], result: LoadResult, cwd: string): Promise<string[]> {
  const targets: { name: LoadFileReporterName; path: string }[] = [];
  for (const spec of specs) {
    if (spec.name === 'console') continue;
    const path = resolve(cwd, spec.path ?? DEFAULT_LOAD_REPORT_PATHS[spec.name]);
    const clash = targets.find((target) => target.path === path);
    if (clash) throw new MailprobeError(ErrorCode.CONFIG, `reporters "${clash.name}" and "${spec.name}" would both write ${path}`);
    targets.push({ name: spec.name, path });
  }
  for (const target of targets) await writeFileAtomic(target.path, renderLoadReport(target.name, result));
  return targets.map((target) => target.path);
}

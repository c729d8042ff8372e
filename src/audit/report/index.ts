/**
 * The audit reporters' entry point for the CLI: `--reporter console | json[=FILE] | junit[=FILE] |
 * markdown[=FILE] | html[=FILE]`, rendering by name and writing every file report atomically (report/atomic).
 * Imports audit/report/*, report/atomic, report/html/audit and util/errors.
 */
import { resolve } from 'node:path';
import { writeFileAtomic } from '../../report/atomic.js';
import { renderAuditHtml } from '../../report/html/audit.js';
import { ErrorCode, MailprobeError } from '../../util/errors.js';
import type { AuditResult } from '../types.js';
import { renderAuditJson } from './json.js';
import { renderAuditJunit } from './junit.js';
import { renderAuditMarkdown } from './markdown.js';

export type AuditReporterName = 'console' | 'json' | 'junit' | 'markdown' | 'html';
export type AuditFileReporterName = Exclude<AuditReporterName, 'console'>;
export interface AuditReporterSpec {
  name: AuditReporterName;
  path?: string;
}

export const AUDIT_REPORTER_NAMES: readonly AuditReporterName[] = ['console', 'json', 'junit', 'markdown', 'html'];

export const DEFAULT_AUDIT_REPORT_PATHS: Record<AuditFileReporterName, string> = {
  json: 'reports/audit.json',
  junit: 'reports/audit-junit.xml',
  markdown: 'reports/audit.md',
  html: 'reports/audit.html',
};

function isReporterName(name: string): name is AuditReporterName {
  return (AUDIT_REPORTER_NAMES as readonly string[]).includes(name);
}

/** "junit=reports/audit.xml" | "markdown" | "console"; MailprobeError(CONFIG) otherwise. */
export function parseAuditReporterSpec(text: string): AuditReporterSpec {
  const equals = text.indexOf('=');
  const name = (equals === -1 ? text : text.slice(0, equals)).trim();
  const path = equals === -1 ? undefined : text.slice(equals + 1).trim();
  if (!isReporterName(name)) {
    throw new MailprobeError(ErrorCode.CONFIG, `unknown reporter "${name}" in "${text}": audit reporters are ${AUDIT_REPORTER_NAMES.join(', ')}`);
  }
  if (path === undefined) return { name };
  if (name === 'console') throw new MailprobeError(ErrorCode.CONFIG, `reporter "console" writes no file: use "console", not "${text}"`);
  if (path === '') throw new MailprobeError(ErrorCode.CONFIG, `reporter "${name}" needs a path after "=", e.g. ${name}=${DEFAULT_AUDIT_REPORT_PATHS[name]}`);
  return { name, path };
}

export function renderAuditReport(name: AuditFileReporterName, result: AuditResult): string {
  switch (name) {
    case 'json':
      return renderAuditJson(result);
    case 'junit':
      return renderAuditJunit(result);
    case 'markdown':
      return renderAuditMarkdown(result);
    case 'html':
      return renderAuditHtml(result);
  }
}

/** The absolute paths the file reporters among `specs` will write; two aimed at one path are refused. */
export function auditReportPaths(specs: readonly AuditReporterSpec[], cwd: string): Array<{ name: AuditFileReporterName; path: string }> {
  const targets: Array<{ name: AuditFileReporterName; path: string }> = [];
  for (const spec of specs) {
    if (spec.name === 'console') continue;
    const path = resolve(cwd, spec.path ?? DEFAULT_AUDIT_REPORT_PATHS[spec.name]);
    const clash = targets.find((target) => target.path === path);
    if (clash) throw new MailprobeError(ErrorCode.CONFIG, `reporters "${clash.name}" and "${spec.name}" would both write ${path}`);
    targets.push({ name: spec.name, path });
  }
  return targets;
}

/** Writes every file report atomically; returns the paths written. */
export async function writeAuditReports(specs: readonly AuditReporterSpec[], result: AuditResult, cwd: string): Promise<string[]> {
  const targets = auditReportPaths(specs, cwd);
  for (const target of targets) await writeFileAtomic(target.path, renderAuditReport(target.name, result));
  return targets.map((target) => target.path);
}

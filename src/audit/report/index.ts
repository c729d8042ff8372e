/**
 * The file reporters of `mailprobe audit` (`--reporter json | junit | markdown | html[=FILE]`, parsed by
 * report/reporters). Imports audit/report/*, report/html/audit and report/reporters' types.
 */
import type { FileReporters } from '../../report/reporters.js';
import { renderAuditHtml } from '../../report/html/audit.js';
import type { AuditResult } from '../types.js';
import { renderAuditJson } from './json.js';
import { renderAuditJunit } from './junit.js';
import { renderAuditMarkdown } from './markdown.js';

export const AUDIT_REPORTERS: FileReporters<AuditResult> = {
  json: { defaultPath: 'reports/audit.json', render: renderAuditJson },
  junit: { defaultPath: 'reports/audit-junit.xml', render: renderAuditJunit },
  markdown: { defaultPath: 'reports/audit.md', render: renderAuditMarkdown },
  html: { defaultPath: 'reports/audit.html', render: renderAuditHtml },
};

/**
 * The audit's JSON report: the AuditResult as it is (versioned, documented in docs/audit.md), with the
 * check catalogue alongside so that a reader knows every id's rule without the tool. Pure; imports
 * audit/types and audit/catalogue.
 */
import { CHECKS } from '../catalogue.js';
import type { AuditResult } from '../types.js';

export function renderAuditJson(result: AuditResult): string {
  return `${JSON.stringify({ ...result, checks: CHECKS }, null, 2)}\n`;
}

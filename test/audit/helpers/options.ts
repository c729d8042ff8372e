/**
 * Audit options for tests: short timeouts, one target, every check unless narrowed; and finding lookup.
 */
import { selectChecks } from '../../../src/audit/catalogue.js';
import type { AuditOptions } from '../../../src/audit/run.js';
import type { AuditResult, Finding } from '../../../src/audit/types.js';

export function auditOptions(targets: string[], overrides: Partial<AuditOptions> & { only?: string[] } = {}): AuditOptions {
  const { only, ...rest } = overrides;
  return {
    targets,
    port: 25,
    checks: selectChecks(only ?? [], []),
    timeoutMs: 3000,
    concurrency: 2,
    perHostConnections: 2,
    rateMs: 0,
    deadlineMs: 60_000,
    ehloName: 'audit.test.invalid',
    intrusive: false,
    httpsPort: 443,
    version: '0.0.0-test',
    ...rest,
  };
}

/** Every finding of the result, keyed "service/id" ("dns/dns.mx" for a domain's own). */
export function findingsOf(result: AuditResult): Map<string, Finding> {
  const map = new Map<string, Finding>();
  for (const subject of result.subjects) {
    for (const finding of subject.findings) map.set(`dns/${finding.id}`, finding);
    for (const service of subject.services) for (const finding of service.findings) map.set(`${service.name}/${finding.id}`, finding);
  }
  return map;
}

/** "id=level" for each finding of one service (or the domain's "dns"), for compact assertions. */
export function levels(result: AuditResult, service = 'smtp'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, finding] of findingsOf(result)) if (key.startsWith(`${service}/`)) out[finding.id] = finding.level;
  return out;
}

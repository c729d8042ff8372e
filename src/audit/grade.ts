/**
 * Grades per area from its findings: F when any failed, B when any warned, A when something was checked
 * and nothing failed or warned, "-" when everything was skipped. Also the worst-first order reporters
 * use. Pure; imports only audit/types.
 */
import type { Finding, Grade, Level } from './types.js';

/** Worst first: what a reader must see before anything else. */
const SEVERITY: Record<Level, number> = { fail: 0, warn: 1, info: 2, pass: 3, skipped: 4 };

export function gradeOf(findings: readonly Finding[]): Grade {
  if (findings.some((finding) => finding.level === 'fail')) return 'F';
  if (findings.some((finding) => finding.level === 'warn')) return 'B';
  if (findings.some((finding) => finding.level === 'pass' || finding.level === 'info')) return 'A';
  return '-';
}

/** Findings ordered worst first; the catalogue order is kept within a level (the sort is stable). */
export function worstFirst(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY[a.level] - SEVERITY[b.level]);
}

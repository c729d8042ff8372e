/**
 * Text helpers shared by the audit reporters: evidence as prefixed lines, the findings of a subject in
 * worst-first order, level words and subject titles. Pure; imports audit/types, audit/grade, report/text.
 */
import type { TranscriptEntry } from '../../results/types.js';
import { oneLine, printableLines } from '../../report/text.js';
import { worstFirst } from '../grade.js';
import type { AuditResult, Finding, Level, ServiceAudit, SubjectAudit } from '../types.js';

export const LEVEL_WORD: Record<Level, string> = { fail: 'FAIL', warn: 'WARN', pass: 'PASS', info: 'INFO', skipped: 'SKIP' };

/** Evidence lines a report shows per finding, at most. */
export const EVIDENCE_LINES = 20;

const PREFIX: Record<TranscriptEntry['dir'], string> = { c: 'C:', s: 'S:', i: '*' };

/** Transcript entries as "C: …" / "S: …" / "* …" lines (session-prefixed for DNS and HTTPS), cut to `max`. */
export function evidenceLines(entries: readonly TranscriptEntry[], max = EVIDENCE_LINES): string[] {
  const lines: string[] = [];
  for (const entry of entries) {
    const session = entry.session === 'dns' || entry.session === 'https' ? `${entry.session} ` : '';
    for (const line of printableLines(entry.text)) lines.push(`${session}${PREFIX[entry.dir]}${line === '' ? '' : ` ${line}`}`);
  }
  if (lines.length <= max) return lines;
  // The connection's start and the exchange's end: what a check proves usually comes last.
  const head = 3;
  const tail = max - head - 1;
  return [...lines.slice(0, head), `… ${lines.length - head - tail} lines`, ...lines.slice(lines.length - tail)];
}

/** "mx.example.test", or "mx.example.test ::1" for one address of an MX. */
export function hostLabel(subject: SubjectAudit): string {
  return subject.address === undefined ? oneLine(subject.name) : `${oneLine(subject.name)} ${oneLine(subject.address)}`;
}

/** "mx.example.test 127.0.0.1 (MX of example.test)", "example.test (domain)". */
export function subjectTitle(subject: SubjectAudit): string {
  if (subject.kind === 'domain') return `${oneLine(subject.name)} (domain)`;
  return subject.via ? `${hostLabel(subject)} (MX of ${oneLine(subject.via)})` : hostLabel(subject);
}

/** Each group of findings of a subject: its own (DNS) then one per service, each worst first. */
export function findingGroups(subject: SubjectAudit): Array<{ label: string; service?: ServiceAudit; findings: Finding[] }> {
  const groups: Array<{ label: string; service?: ServiceAudit; findings: Finding[] }> = [];
  if (subject.findings.length > 0) groups.push({ label: 'dns', findings: worstFirst(subject.findings) });
  for (const service of subject.services) groups.push({ label: `${service.name} ${oneLine(service.url)}`, service, findings: worstFirst(service.findings) });
  return groups;
}

export function summaryLine(result: AuditResult): string {
  const { fail, warn, pass, info, skipped } = result.summary;
  return `${fail} failed, ${warn} warnings, ${pass} passed, ${info} info, ${skipped} skipped`;
}

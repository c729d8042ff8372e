/**
 * The audit's JUnit XML report: one <testsuite> per domain and per service of a host, one <testcase> per
 * check, so a CI job gates on the audit. fail → <failure>; skipped → <skipped>; pass, info and warn pass,
 * with the level, summary, details and evidence in <system-out> (a warning is not a failed test). Counts
 * are computed from the cases written. Pure; imports audit/types, audit/report/text, report/xml.
 */
import { escapeXmlText, xmlAttributes } from '../../report/xml.js';
import { oneLine } from '../../report/text.js';
import type { AuditResult, Finding } from '../types.js';
import { LEVEL_WORD, evidenceLines, hostLabel } from './text.js';

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function body(finding: Finding): string {
  const lines = [`${LEVEL_WORD[finding.level]} ${finding.id}: ${oneLine(finding.summary)}`, `rule: ${oneLine(finding.rule)}`];
  if (finding.problem) lines.push(`problem: ${finding.problem}`);
  lines.push(...(finding.details ?? []));
  const evidence = evidenceLines(finding.evidence);
  if (evidence.length > 0) lines.push('evidence:', ...evidence.map((line) => `  ${line}`));
  return lines.join('\n');
}

function testcase(finding: Finding, className: string): string {
  const open = `    <testcase${xmlAttributes({ classname: className, name: `${finding.id}: ${finding.title}`, time: seconds(finding.durationMs) })}>`;
  switch (finding.level) {
    case 'fail':
      return `${open}\n      <failure${xmlAttributes({ message: oneLine(finding.summary), type: finding.id })}>${escapeXmlText(body(finding))}</failure>\n    </testcase>\n`;
    case 'skipped':
      return `${open}\n      <skipped${xmlAttributes({ message: oneLine(finding.summary) })}/>\n    </testcase>\n`;
    default:
      return `${open}\n      <system-out>${escapeXmlText(body(finding))}</system-out>\n    </testcase>\n`;
  }
}

interface Suite {
  name: string;
  className: string;
  findings: Finding[];
}

function suitesOf(result: AuditResult): Suite[] {
  const suites: Suite[] = [];
  for (const subject of result.subjects) {
    // Jenkins reads classname as package.class: the host's dots become packages, which groups by domain;
    // the address of an MX (dots and colons made underscores) keeps each address its own class.
    const address = subject.address === undefined ? '' : `@${subject.address.replace(/[.:]/g, '_')}`;
    if (subject.findings.length > 0) suites.push({ name: `${subject.name} dns`, className: `audit.${subject.name}.dns`, findings: subject.findings });
    for (const service of subject.services) {
      suites.push({ name: `${hostLabel(subject)} ${service.url}`, className: `audit.${subject.name}.${service.name}${address}`, findings: service.findings });
    }
  }
  return suites;
}

function counts(findings: Finding[]): { tests: number; failures: number; errors: number; skipped: number; time: string } {
  return {
    tests: findings.length,
    failures: findings.filter((f) => f.level === 'fail').length,
    errors: 0,
    skipped: findings.filter((f) => f.level === 'skipped').length,
    time: seconds(findings.reduce((sum, f) => sum + f.durationMs, 0)),
  };
}

export function renderAuditJunit(result: AuditResult): string {
  const suites = suitesOf(result);
  const all = suites.flatMap((suite) => suite.findings);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>\n', `<testsuites${xmlAttributes({ name: 'mailprobe audit', ...counts(all), time: seconds(result.durationMs) })}>\n`];
  for (const suite of suites) {
    out.push(`  <testsuite${xmlAttributes({ name: suite.name, ...counts(suite.findings), timestamp: result.startedAt })}>\n`);
    for (const finding of suite.findings) out.push(testcase(finding, suite.className));
    out.push('  </testsuite>\n');
  }
  out.push('</testsuites>\n');
  return out.join('');
}

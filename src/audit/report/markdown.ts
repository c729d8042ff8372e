/**
 * The audit's Markdown report (for a PR comment or a wiki page): the summary, then per subject a grade
 * table and a findings table worst first, then the evidence of every failure and warning in fenced blocks.
 * Pure; imports audit/types, audit/report/text, report/text.
 */
import { oneLine } from '../../report/text.js';
import type { AuditResult, Finding } from '../types.js';
import { LEVEL_WORD, evidenceLines, findingGroups, subjectTitle, summaryLine } from './text.js';

/** Table cell text: one line, pipes and backslashes escaped, HTML-significant characters as entities. */
function cell(text: string): string {
  return oneLine(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A fence longer than any backtick run in the text, so evidence cannot close it. */
function fence(lines: string[]): string {
  const longest = Math.max(2, ...lines.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))));
  const marker = '`'.repeat(longest + 1);
  return [`${marker}text`, ...lines, marker].join('\n');
}

function evidenceSection(finding: Finding, where: string): string[] {
  const lines = [...(finding.details ?? []), ...evidenceLines(finding.evidence)];
  const out = [`#### ${LEVEL_WORD[finding.level]} \`${finding.id}\` — ${cell(where)}`, '', `${cell(finding.summary)} (${cell(finding.rule)})`, ''];
  if (lines.length > 0) out.push(fence(lines), '');
  return out;
}

export function renderAuditMarkdown(result: AuditResult): string {
  const out = ['# mailprobe audit', '', `${result.summary.fail > 0 ? '**Failed**' : '**Passed**'}: ${summaryLine(result)}.`, ''];
  const evidence: string[] = [];
  for (const subject of result.subjects) {
    out.push(`## ${cell(subjectTitle(subject))}`, '');
    const grades = Object.entries(subject.grades);
    if (grades.length > 0) {
      out.push(`| ${grades.map(([area]) => area).join(' | ')} |`, `|${grades.map(() => ' --- |').join('')}`, `| ${grades.map(([, grade]) => grade).join(' | ')} |`, '');
    }
    for (const group of findingGroups(subject)) {
      out.push(`### ${cell(group.label)}`, '', '| level | check | finding | rule |', '| --- | --- | --- | --- |');
      for (const finding of group.findings) {
        out.push(`| ${LEVEL_WORD[finding.level]} | \`${finding.id}\` | ${cell(finding.summary)} | ${cell(finding.rule)} |`);
        if (finding.level === 'fail' || finding.level === 'warn') evidence.push(...evidenceSection(finding, `${subject.name} ${group.label}`));
      }
      out.push('');
    }
  }
  if (evidence.length > 0) out.push('## Evidence', '', ...evidence);
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

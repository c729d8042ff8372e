/**
 * The `mailprobe audit` result as one self-contained HTML page: the verdict and counts, a grade per subject
 * and area, every failure and warning worst first with its evidence, then each subject's findings by
 * service. Evidence is what an audited server sent, so it is attacker-controlled: `html` escapes it like
 * everything else. No script. Pure; imports audit/types, audit/report/text, util/duration and the html shell.
 */
import { LEVEL_WORD, evidenceLines, findingGroups, subjectTitle, summaryLine } from '../../audit/report/text.js';
import { AREAS, type AuditResult, type Finding, type Grade, type Level } from '../../audit/types.js';
import { formatDuration } from '../../util/duration.js';
import { html, htmlTable, renderPage, type Html } from './page.js';

const LEVEL_CLASS: Record<Level, string> = { fail: 'fail', warn: 'warn', pass: 'pass', info: 'info', skipped: 'skip' };
const GRADE_CLASS: Record<Grade, string> = { A: 'pass', B: 'warn', F: 'fail', '-': 'skip' };

const STYLE = `.verdict{padding:.5rem .75rem;border-radius:4px;background:#f0fdf4}.verdict.failed{background:#fef2f2}
.grades td,.grades th{text-align:center}.grades td:first-child,.grades th:first-child{text-align:left}
article.finding{border-left:4px solid #b91c1c;padding:.1rem 0 .25rem .75rem;margin:1rem 0}article.finding.warn{border-color:#b45309}
.findings td,.findings th{text-align:left}.findings td:last-child{white-space:nowrap}.findings details{margin:.25rem 0}`;

function levelBadge(level: Level): Html {
  return html`<span class="badge ${LEVEL_CLASS[level]}">${LEVEL_WORD[level]}</span>`;
}

/** The finding's further lines (a table of extensions, each probe's answer) and the transcript proving it. */
function evidenceBlock(finding: Finding): Html | '' {
  const lines = [...(finding.details ?? []), ...evidenceLines(finding.evidence)];
  return lines.length === 0 ? '' : html`<pre class="evidence">${lines.join('\n')}</pre>`;
}

function gradeTable(result: AuditResult): Html {
  const areas = AREAS.filter((area) => result.subjects.some((s) => s.grades[area] !== undefined));
  const rows = result.subjects.map((subject) => [
    subjectTitle(subject),
    ...areas.map((area) => {
      const grade = subject.grades[area] ?? '-';
      return html`<span class="badge ${GRADE_CLASS[grade]}">${grade}</span>`;
    }),
  ]);
  return htmlTable(['', ...areas], rows, 'grades');
}

/** Every failure and warning of the audit, failures first, each with where it was found and its evidence. */
function worstFindings(result: AuditResult): Html {
  const found: { where: string; finding: Finding }[] = [];
  for (const subject of result.subjects) {
    for (const group of findingGroups(subject)) {
      for (const finding of group.findings) {
        if (finding.level === 'fail' || finding.level === 'warn') found.push({ where: `${subjectTitle(subject)} · ${group.label}`, finding });
      }
    }
  }
  if (found.length === 0) return html`<p>No check failed or warned.</p>`;
  const worst = [...found.filter((f) => f.finding.level === 'fail'), ...found.filter((f) => f.finding.level === 'warn')];
  return html`${worst.map(
    ({ where, finding }) => html`<article class="finding ${finding.level}"><h3>${levelBadge(finding.level)} <code>${finding.id}</code> ${finding.title}</h3>
<p class="muted">${where} · ${finding.rule}</p><p>${finding.summary}</p>${evidenceBlock(finding)}</article>`,
  )}`;
}

/** A finding as a table row; its details and evidence fold under its summary. */
function findingRow(finding: Finding): Html[] {
  const evidence = evidenceBlock(finding);
  const summary = evidence === '' ? html`${finding.summary}` : html`<details><summary>${finding.summary}</summary>${evidence}</details>`;
  return [levelBadge(finding.level), html`<code>${finding.id}</code>`, summary, html`${finding.rule}`];
}

function subjects(result: AuditResult): Html {
  return html`${result.subjects.map(
    (subject) => html`<h3>${subjectTitle(subject)}</h3>${findingGroups(subject).map(
      (group) => html`<h4>${group.label}</h4>${htmlTable(['level', 'check', 'finding', 'rule'], group.findings.map(findingRow), 'findings')}`,
    )}`,
  )}`;
}

export function renderAuditHtml(result: AuditResult): string {
  const failed = result.summary.fail > 0;
  const body = html`<h1>mailprobe audit report</h1>
<section id="audit-summary"><p class="verdict${failed ? ' failed' : ''}" id="verdict"><strong>${failed ? 'Failed' : 'Passed'}</strong>: ${summaryLine(result)}.</p>
<p>Audited ${result.targets.map((target, i) => html`${i > 0 ? ', ' : ''}<code>${target}</code>`)}; started ${result.startedAt}, took ${formatDuration(result.durationMs)}; ${result.tool.name} ${result.tool.version}.${
    result.deadlineReached ? html` <strong>The deadline stopped the audit: checks left were skipped.</strong>` : ''
  }</p></section>
<section id="audit-grades"><h2>Grades</h2><p class="muted">A: every check passed; B: a warning; F: a failure; -: nothing checked.</p>${gradeTable(result)}</section>
<section id="audit-worst"><h2>Failures and warnings</h2>${worstFindings(result)}</section>
<section id="audit-subjects"><h2>Every finding</h2>${subjects(result)}</section>`;
  return renderPage({ title: 'mailprobe audit report', style: STYLE, body });
}

/**
 * The audit's console report: per subject a grade per area, then its findings worst first, with the rule,
 * details and evidence of every failure and warning (of everything with `verbose`). Returns a string; the
 * CLI prints it. Colour through its own chalk instance. Pure; imports audit/report/text, report/text, chalk.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { formatDuration } from '../../util/duration.js';
import { oneLine, printableLines } from '../../report/text.js';
import type { AuditResult, Finding, Grade, Level, SubjectAudit } from '../types.js';
import { LEVEL_WORD, evidenceLines, findingGroups, subjectTitle, summaryLine } from './text.js';

export interface AuditConsoleOptions {
  color: boolean;
  /** Evidence and details for every finding, not only failures and warnings. */
  verbose?: boolean;
}

const SYMBOL: Record<Level, string> = { fail: '✘', warn: '!', pass: '✔', info: 'i', skipped: '○' };

function paint(chalk: ChalkInstance, level: Level, text: string): string {
  switch (level) {
    case 'fail':
      return chalk.red(text);
    case 'warn':
      return chalk.yellow(text);
    case 'pass':
      return chalk.green(text);
    case 'info':
      return chalk.cyan(text);
    case 'skipped':
      return chalk.dim(text);
  }
}

function paintGrade(chalk: ChalkInstance, grade: Grade): string {
  if (grade === 'F') return chalk.red(grade);
  if (grade === 'B') return chalk.yellow(grade);
  if (grade === 'A') return chalk.green(grade);
  return chalk.dim(grade);
}

function findingLines(chalk: ChalkInstance, finding: Finding, idWidth: number, verbose: boolean): string[] {
  const head = `    ${paint(chalk, finding.level, `${SYMBOL[finding.level]} ${LEVEL_WORD[finding.level]}`)} ${finding.id.padEnd(idWidth)}  ${oneLine(finding.summary)}`;
  const lines = [head];
  const detailed = verbose || finding.level === 'fail' || finding.level === 'warn';
  const pad = '           ';
  if (detailed || finding.level === 'info') for (const detail of finding.details ?? []) lines.push(...printableLines(detail).map((line) => `${pad}${line}`));
  if (detailed) {
    lines.push(chalk.dim(`${pad}rule: ${oneLine(finding.rule)}`));
    const evidence = evidenceLines(finding.evidence);
    if (evidence.length > 0) {
      lines.push(chalk.dim(`${pad}evidence:`));
      lines.push(...evidence.map((line) => chalk.dim(`${pad}  ${line}`)));
    }
  }
  return lines;
}

function renderSubject(subject: SubjectAudit, options: AuditConsoleOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const grades = Object.entries(subject.grades)
    .map(([area, grade]) => `${area} ${paintGrade(chalk, grade)}`)
    .join('  ');
  const lines = [chalk.bold(subjectTitle(subject)), `  grades: ${grades || 'nothing checked'}`];
  for (const group of findingGroups(subject)) {
    lines.push(`  ${group.label}`);
    const idWidth = Math.max(...group.findings.map((finding) => finding.id.length));
    for (const finding of group.findings) lines.push(...findingLines(chalk, finding, idWidth, options.verbose === true));
  }
  return `${lines.join('\n')}\n`;
}

export function renderAuditConsole(result: AuditResult, options: AuditConsoleOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const parts = result.subjects.map((subject) => renderSubject(subject, options));
  const deadline = result.deadlineReached ? ' (stopped at the global deadline)' : '';
  const verdict = result.summary.fail > 0 ? chalk.red('audit failed') : chalk.green('audit passed');
  parts.push(`${verdict}: ${summaryLine(result)} in ${formatDuration(result.durationMs)}${deadline}\n`);
  return parts.join('\n');
}

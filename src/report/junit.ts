/**
 * The JUnit XML reporter, in the shape GitHub (test-reporter actions), GitLab and Jenkins read: one
 * <testsuite> per scenario file, one <testcase> per scenario result; a failed expectation is a <failure>,
 * a run that could not check (timeout, drop …) an <error>, an interrupted scenario an <error
 * type="interrupted">, a skipped one <skipped/>. Counts on every suite and on the root are computed from
 * the testcases written, so they always agree with them. Everything is escaped (see xml.ts).
 * Pure; imports only results/types, report/text and report/xml.
 */
import type { RunResult, ScenarioResult } from '../results/types.js';
import {
  FILE_REPORT_TRANSCRIPT_TAIL,
  failingStep,
  formatSpan,
  labelledLines,
  oneLine,
  scenarioTitle,
  transcriptHeading,
  transcriptTail,
} from './text.js';
import { escapeXmlText, xmlAttributes } from './xml.js';

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function countsOf(scenarios: ScenarioResult[]): Counts {
  return {
    tests: scenarios.length,
    failures: scenarios.filter((s) => s.outcome === 'failed').length,
    errors: scenarios.filter((s) => s.outcome === 'error' || s.outcome === 'interrupted').length,
    skipped: scenarios.filter((s) => s.outcome === 'skipped').length,
  };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Jenkins splits classname at dots into package and class: "scenarios/smtp/auth.yaml" → "scenarios.smtp.auth". */
function classNameOf(file: string): string {
  return file
    .replace(/\.[^./\\]*$/, '')
    .split(/[/\\]+/)
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..')
    .join('.');
}

/** The failure element's body: the failing step and where it is, the message, expected and actual. */
function failureBody(s: ScenarioResult): string {
  const failure = s.failure;
  const lines: string[] = [];
  const step = failingStep(s);
  const span = failure?.span ?? step?.span;
  if (step) lines.push(`step ${step.index + 1}: ${oneLine(step.label)}`);
  if (span) lines.push(`at ${formatSpan(span)}`);
  if (failure) {
    lines.push(...labelledLines(`${failure.code}:`, failure.message));
    if (failure.expected !== undefined) lines.push(...labelledLines('expected:', failure.expected));
    if (failure.actual !== undefined) lines.push(...labelledLines('actual:  ', failure.actual));
  }
  return lines.join('\n');
}

/** The element that says why a testcase did not pass, or '' when it passed. */
function outcomeElement(s: ScenarioResult): string {
  const failure = s.failure;
  const message = failure ? `${failure.code}: ${oneLine(failure.message)}` : undefined;
  switch (s.outcome) {
    case 'passed':
      return '';
    case 'skipped':
      return `      <skipped${xmlAttributes({ message: failure && oneLine(failure.message) })}/>\n`;
    case 'failed':
      return `      <failure${xmlAttributes({ message, type: failure?.code ?? 'failure' })}>${escapeXmlText(failureBody(s))}</failure>\n`;
    case 'error':
      return `      <error${xmlAttributes({ message, type: failure?.code ?? 'error' })}>${escapeXmlText(failureBody(s))}</error>\n`;
    case 'interrupted':
      return `      <error${xmlAttributes({ message: message ?? 'interrupted before it finished', type: 'interrupted' })}>${escapeXmlText(failureBody(s))}</error>\n`;
  }
}

function systemOut(s: ScenarioResult): string {
  if (s.outcome === 'passed' || s.outcome === 'skipped' || s.transcript.length === 0) return '';
  const tail = transcriptTail(s, FILE_REPORT_TRANSCRIPT_TAIL);
  const text = [transcriptHeading(tail), ...tail.lines].join('\n');
  return `      <system-out>${escapeXmlText(text)}</system-out>\n`;
}

function testcase(s: ScenarioResult): string {
  const attributes = xmlAttributes({
    classname: classNameOf(s.file),
    name: scenarioTitle(s),
    time: seconds(s.durationMs),
    file: s.file,
    line: s.span.line,
  });
  const body = outcomeElement(s) + systemOut(s);
  return body === '' ? `    <testcase${attributes}/>\n` : `    <testcase${attributes}>\n${body}    </testcase>\n`;
}

/** Scenario results grouped by file, files in the order they first appear. */
function byFile(scenarios: ScenarioResult[]): Map<string, ScenarioResult[]> {
  const groups = new Map<string, ScenarioResult[]>();
  for (const s of scenarios) {
    const group = groups.get(s.file);
    if (group) group.push(s);
    else groups.set(s.file, [s]);
  }
  return groups;
}

function testsuite(file: string, scenarios: ScenarioResult[]): string {
  const attributes = xmlAttributes({
    name: file,
    ...countsOf(scenarios),
    // Scenarios of one file may run concurrently; the suite's time is the sum of its testcases'.
    time: seconds(scenarios.reduce((total, s) => total + s.durationMs, 0)),
    timestamp: scenarios[0]?.startedAt,
    file,
  });
  return `  <testsuite${attributes}>\n${scenarios.map(testcase).join('')}  </testsuite>\n`;
}

export function renderJunit(run: RunResult): string {
  const suites = [...byFile(run.scenarios)].map(([file, scenarios]) => testsuite(file, scenarios));
  const attributes = xmlAttributes({
    name: 'mailprobe',
    ...countsOf(run.scenarios),
    time: seconds(run.durationMs),
    timestamp: run.startedAt,
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attributes}>\n${suites.join('')}</testsuites>\n`;
}

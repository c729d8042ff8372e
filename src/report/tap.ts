/**
 * The TAP version 14 reporter: a plan, one test point per scenario result, and for a result that did not
 * pass a YAML diagnostic block (message, code, step, at, expected, actual, transcript tail). Skipped results
 * are `ok … # SKIP reason`; interrupted ones are `not ok` with the reason in the block.
 * Pure; imports only results/types and report/text.
 */
import type { RunResult, ScenarioResult } from '../results/types.js';
import {
  FILE_REPORT_TRANSCRIPT_TAIL,
  failingStep,
  formatSpan,
  oneLine,
  printable,
  scenarioTitle,
  transcriptTail,
} from './text.js';

const YAML_INDENT = '  ';

/** TAP 14 "Escaping": `\` as `\\` and `#` as `\#` in descriptions and directive reasons. */
function escapeTap(text: string): string {
  return oneLine(text).replace(/\\/g, '\\\\').replace(/#/g, '\\#');
}

/**
 * A YAML scalar for `text`: a literal block (`|-`) for several lines, which reads best; otherwise a
 * double-quoted scalar written by JSON.stringify (JSON strings are YAML 1.2 double-quoted scalars).
 * `printable` has already removed every character YAML would refuse.
 */
function yamlScalar(text: string, indent: string): string {
  const safe = printable(text).replace(/\n+$/, '');
  // The first non-empty line sets a block's indentation: if it starts with a space, quote instead.
  if (safe.includes('\n') && !/^\n*[ \t]/.test(safe)) {
    return `|-\n${safe
      .split('\n')
      .map((line) => (line === '' ? '' : `${indent}${YAML_INDENT}${line}`))
      .join('\n')}`;
  }
  return JSON.stringify(safe);
}

type YamlValue = string | number | string[];

function yamlBlock(fields: Record<string, YamlValue | undefined>): string {
  const lines = [`${YAML_INDENT}---`];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (typeof value === 'number') lines.push(`${YAML_INDENT}${key}: ${value}`);
    else if (typeof value === 'string') lines.push(`${YAML_INDENT}${key}: ${yamlScalar(value, YAML_INDENT)}`);
    else {
      lines.push(`${YAML_INDENT}${key}:`);
      for (const item of value) lines.push(`${YAML_INDENT}${YAML_INDENT}- ${JSON.stringify(printable(item))}`);
    }
  }
  lines.push(`${YAML_INDENT}...`);
  return lines.join('\n');
}

const INTERRUPTED_REASON = 'interrupted before it finished';

/** The diagnostic block of a result that did not pass. */
function diagnostics(s: ScenarioResult): string {
  const failure = s.failure;
  const step = failingStep(s);
  const span = failure?.span ?? step?.span;
  const tail = transcriptTail(s, FILE_REPORT_TRANSCRIPT_TAIL);
  return yamlBlock({
    outcome: s.outcome,
    message: failure?.message ?? (s.outcome === 'interrupted' ? INTERRUPTED_REASON : s.outcome),
    code: failure?.code,
    // Numbered from 1 like the console; the JSON report keeps the 0-based index.
    step: step && step.index + 1,
    label: step?.label,
    at: span && formatSpan(span),
    expected: failure?.expected,
    actual: failure?.actual,
    duration_ms: Math.round(s.durationMs),
    transcript: tail.total > 0 ? tail.lines : undefined,
  });
}

function testPoint(s: ScenarioResult, number: number): string {
  const description = `${number} - ${escapeTap(scenarioTitle(s))}`;
  switch (s.outcome) {
    case 'passed':
      return `ok ${description}`;
    case 'skipped':
      return `ok ${description} # SKIP${s.failure ? ` ${escapeTap(s.failure.message)}` : ''}`;
    case 'failed':
    case 'error':
    case 'interrupted':
      return `not ok ${description}\n${diagnostics(s)}`;
  }
}

export function renderTap(run: RunResult): string {
  const lines = ['TAP version 14', `1..${run.scenarios.length}`];
  run.scenarios.forEach((s, i) => lines.push(testPoint(s, i + 1)));
  if (run.interrupted) lines.push('# run interrupted (SIGINT): unfinished scenarios are marked interrupted');
  return `${lines.join('\n')}\n`;
}

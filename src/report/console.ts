/**
 * The console reporter: one line per scenario as it finishes, the detail of a failure (step, expected vs
 * got, cause, transcript tail) and the run's summary. Returns strings; the CLI prints them.
 * Colour through a chalk instance of its own (never the global one), so `color: false` gives plain text.
 * Imports only results/types, report/text, util/* and chalk.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Outcome, RunResult, ScenarioResult } from '../results/types.js';
import { formatDuration } from '../util/duration.js';
import {
  failingStep,
  formatFileLine,
  formatSpan,
  labelledLines,
  oneLine,
  scenarioTitle,
  transcriptHeading,
  transcriptTail,
} from './text.js';

export interface ConsoleOptions {
  color: boolean;
  /** Every step with its outcome, and the whole transcript instead of its tail. */
  verbose?: boolean;
  /** Transcript entries shown under a failure; default DEFAULT_TRANSCRIPT_TAIL. */
  transcriptTail?: number;
}

export const DEFAULT_TRANSCRIPT_TAIL = 12;

const WORD: Record<Outcome, string> = {
  passed: 'PASS',
  failed: 'FAIL',
  error: 'ERROR',
  skipped: 'SKIP',
  interrupted: 'INTR',
};
const SYMBOL: Record<Outcome, string> = { passed: '✔', failed: '✘', error: '✘', skipped: '○', interrupted: '■' };
const WORD_WIDTH = Math.max(...Object.values(WORD).map((word) => word.length));
const INDENT = '  ';

function paint(opts: ConsoleOptions): ChalkInstance {
  return new Chalk({ level: opts.color ? 1 : 0 });
}

function outcomeColor(c: ChalkInstance, outcome: Outcome): ChalkInstance {
  switch (outcome) {
    case 'passed':
      return c.green;
    case 'failed':
    case 'error':
      return c.red;
    case 'skipped':
    case 'interrupted':
      return c.yellow;
  }
}

/** "PASS " in plain text, a coloured "✔ PASS " with colour: the symbol alone is not enough in a log. */
function outcomeLabel(c: ChalkInstance, outcome: Outcome, color: boolean): string {
  const word = WORD[outcome].padEnd(WORD_WIDTH);
  return outcomeColor(c, outcome)(color ? `${SYMBOL[outcome]} ${word}` : word);
}

/** One line (no newline) per scenario result, printed as each finishes: outcome, name, repetition, duration, file:line. */
export function renderScenarioLine(s: ScenarioResult, opts: ConsoleOptions): string {
  const c = paint(opts);
  const where = formatFileLine(s.span);
  return `${outcomeLabel(c, s.outcome, opts.color)} ${scenarioTitle(s)}  ${c.dim(formatDuration(s.durationMs))}  ${c.dim(where)}`;
}

/**
 * What went wrong in a scenario that did not pass, as indented lines to print under its scenario line:
 * the failing step and where it is, the failure's code and message (named as an error when the run could
 * not check), expected vs got, and the transcript tail. Ends with a newline; empty for a passed scenario
 * and for a skipped one without a reason.
 */
export function renderFailureDetail(s: ScenarioResult, opts: ConsoleOptions): string {
  if (s.outcome === 'passed' || (s.outcome === 'skipped' && !s.failure)) return '';
  const c = paint(opts);
  const lines: string[] = [];
  const failure = s.failure;
  const step = failingStep(s);
  if (step) {
    const span = failure?.span ?? step.span;
    // Steps are numbered from 1 for people; the JSON report keeps the 0-based index.
    lines.push(`${INDENT}step ${step.index + 1} ${c.cyan(oneLine(step.label))}  at ${formatSpan(span)}`);
  } else if (failure?.span) {
    lines.push(`${INDENT}at ${formatSpan(failure.span)}`);
  }
  if (failure && s.outcome === 'skipped') {
    lines.push(`${INDENT}skipped: ${oneLine(failure.message)}`);
  } else if (failure) {
    const cause = `${failure.kind === 'error' ? 'error ' : ''}${failure.code}: ${oneLine(failure.message)}`;
    lines.push(`${INDENT}${outcomeColor(c, s.outcome)(cause)}`);
    if (failure.expected !== undefined) lines.push(...labelledLines('expected:', failure.expected, INDENT).map((l) => c.green(l)));
    if (failure.actual !== undefined) lines.push(...labelledLines('got:     ', failure.actual, INDENT).map((l) => c.red(l)));
  }
  if (opts.verbose) {
    lines.push(`${INDENT}steps:`);
    for (const st of s.steps) {
      const label = `${outcomeLabel(c, st.outcome, opts.color)} ${st.index + 1} ${oneLine(st.label)}`;
      lines.push(`${INDENT}${INDENT}${label}  ${c.dim(formatDuration(st.durationMs))}`);
    }
  }
  const tail = transcriptTail(s, opts.verbose ? undefined : (opts.transcriptTail ?? DEFAULT_TRANSCRIPT_TAIL));
  if (tail.total > 0) {
    lines.push(`${INDENT}${c.dim(transcriptHeading(tail))}`);
    lines.push(...tail.lines.map((line) => `${INDENT}${INDENT}${c.dim(line)}`));
  }
  return lines.map((line) => `${line}\n`).join('');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Counts by outcome, the run's duration, and the scenarios that failed, erred or were interrupted. Ends with a newline. */
export function renderSummary(run: RunResult, opts: ConsoleOptions): string {
  const c = paint(opts);
  const sum = run.summary;
  const tint = (n: number, color: ChalkInstance, text: string): string => (n > 0 ? color(text) : text);
  const counts = [
    tint(sum.passed, c.green, `${sum.passed} passed`),
    tint(sum.failed, c.red, `${sum.failed} failed`),
    tint(sum.errors, c.red, count(sum.errors, 'error')),
    tint(sum.skipped, c.yellow, `${sum.skipped} skipped`),
    tint(sum.interrupted, c.yellow, `${sum.interrupted} interrupted`),
  ];
  const lines = [`${count(sum.total, 'scenario')}: ${counts.join(', ')} ${c.dim(`(${formatDuration(run.durationMs)})`)}`];
  if (run.interrupted) lines.push(c.yellow('run interrupted (SIGINT): unfinished scenarios are marked interrupted'));
  const notPassed = run.scenarios.filter((s) => s.outcome === 'failed' || s.outcome === 'error' || s.outcome === 'interrupted');
  if (notPassed.length > 0) {
    lines.push(c.bold('not passed:'));
    for (const s of notPassed) {
      const code = s.failure ? `  ${s.failure.code}` : '';
      lines.push(`${INDENT}${outcomeLabel(c, s.outcome, opts.color)} ${scenarioTitle(s)}  ${c.dim(formatFileLine(s.span))}${code}`);
    }
  }
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * Text helpers shared by the human-readable reporters (console, junit, tap): making server-supplied text
 * safe to show, naming a scenario result, finding its failing step, and cutting the transcript tail.
 * Pure; imports only results/types and scenario/types.
 */
import type { ScenarioResult, StepResult, TranscriptEntry } from '../results/types.js';
import type { SourceSpan } from '../scenario/types.js';

/** Transcript entries a file report (junit, tap) shows for a scenario that did not pass. */
export const FILE_REPORT_TRANSCRIPT_TAIL = 40;

/**
 * CRLF as LF; C0 controls other than TAB and LF (a lone CR included) and DEL as `\xNN`; C1 controls as
 * `\u00NN`; lone surrogates and the non-characters U+FFFE/U+FFFF as U+FFFD. The wire layer already
 * escapes control bytes, but a reporter does not rely on that: a hostile reply must not drive a terminal
 * (ESC, CSI U+009B) nor make a report invalid.
 */
const UNSAFE =
  /\r\n|[\x00-\x08\x0b-\x1f\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g;

export function printable(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    if (ch === '\r\n') return '\n';
    const code = ch.charCodeAt(0);
    // \xNN as the wire layer writes bytes; C1 characters as \u00NN, since \xNN there means an invalid byte.
    if (code <= 0x7f) return `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    if (code <= 0x9f) return `\\u00${code.toString(16).toUpperCase()}`;
    return '\ufffd';
  });
}

/** `printable` text as lines, without the line terminator(s) that ended it. */
export function printableLines(text: string): string[] {
  return printable(text).replace(/\n+$/, '').split('\n');
}

/** `label value` as safe lines, the value's further lines aligned under its first. */
export function labelledLines(label: string, text: string, indent = ''): string[] {
  const [first = '', ...rest] = printableLines(text);
  const pad = ' '.repeat(label.length + 1);
  return [`${indent}${label} ${first}`, ...rest.map((line) => `${indent}${pad}${line}`)];
}

/** One line of safe text: line breaks become spaces (names, messages in one-line slots). */
export function oneLine(text: string): string {
  return printable(text).replace(/\n/g, ' ');
}

/** "file:line:column", as editors and CI annotations read it. */
export function formatSpan(span: SourceSpan): string {
  return `${oneLine(span.file)}:${span.line}:${span.column}`;
}

/** "file:line", where a scenario starts. */
export function formatFileLine(span: SourceSpan): string {
  return `${oneLine(span.file)}:${span.line}`;
}

/** The scenario's name, with its repetition when --repeat made more than one. */
export function scenarioTitle(s: ScenarioResult): string {
  const name = oneLine(s.name);
  return s.repetition > 1 ? `${name} (repetition ${s.repetition})` : name;
}

/** The step the scenario's failure points at, if it points at one. */
export function failingStep(s: ScenarioResult): StepResult | undefined {
  const index = s.failure?.step;
  return index === undefined ? undefined : s.steps.find((step) => step.index === index);
}

const DIRECTION_PREFIX: Record<TranscriptEntry['dir'], string> = { c: 'C:', s: 'S:', i: '*' };

export interface TranscriptTail {
  /** One string per line, prefixed `C:` / `S:` / `*` (and the session name when there are several). */
  lines: string[];
  /** Entries shown, and entries the result holds. */
  shown: number;
  total: number;
  /** The runner cut the transcript at its limit before the report saw it. */
  truncated: boolean;
}

/** The last `count` transcript entries (all of them when count is undefined), as prefixed lines. */
export function transcriptTail(s: ScenarioResult, count?: number): TranscriptTail {
  const entries = count === undefined ? s.transcript : s.transcript.slice(Math.max(0, s.transcript.length - count));
  const sessions = new Set([...Object.keys(s.targets), ...s.transcript.map((e) => e.session)]);
  const width = sessions.size > 1 ? Math.max(...[...sessions].map((name) => oneLine(name).length)) : 0;
  const lines: string[] = [];
  for (const entry of entries) {
    const session = width > 0 ? `${oneLine(entry.session).padEnd(width)} ` : '';
    const prefix = `${session}${DIRECTION_PREFIX[entry.dir]}`;
    for (const line of printableLines(entry.text)) lines.push(line === '' ? prefix : `${prefix} ${line}`);
  }
  return { lines, shown: entries.length, total: s.transcript.length, truncated: s.transcriptTruncated };
}

/** "transcript (last 12 of 40 entries, cut at the transcript limit):" */
export function transcriptHeading(tail: TranscriptTail): string {
  const entries = tail.total === 1 ? 'entry' : 'entries';
  const extent = tail.shown < tail.total ? `last ${tail.shown} of ${tail.total} ${entries}` : `${tail.total} ${entries}`;
  return `transcript (${extent}${tail.truncated ? ', cut at the transcript limit' : ''}):`;
}

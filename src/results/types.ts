/**
 * The one result model every reporter reads: plain, JSON-serialisable, versioned data. Nothing here knows
 * a protocol's syntax; secrets have been redacted before anything is stored here.
 * Bump RESULT_VERSION on any incompatible change (the JSON report documents it).
 */
import type { SourceSpan, Protocol } from '../scenario/types.js';

export const RESULT_VERSION = 1;

/** passed; failed: an expectation did not hold; error: the run could not check it (timeout, drop …). */
export type Outcome = 'passed' | 'failed' | 'error' | 'skipped' | 'interrupted';

export interface Failure {
  /** 'assertion' → JUnit <failure>; 'error' → JUnit <error>. */
  kind: 'assertion' | 'error';
  /** MP_ERR_* for errors; MP_ASSERT_* for assertions. */
  code: string;
  message: string;
  expected?: string;
  actual?: string;
  /** Where in the scenario file the failing step is. */
  span?: SourceSpan;
  /** Index of the failing step. */
  step?: number;
}

export const AssertCode = {
  STATUS: 'MP_ASSERT_STATUS',
  MATCH: 'MP_ASSERT_MATCH',
  NOT_MATCH: 'MP_ASSERT_NOT_MATCH',
  UNTAGGED: 'MP_ASSERT_UNTAGGED',
  CAPTURE: 'MP_ASSERT_CAPTURE',
  WITHIN: 'MP_ASSERT_WITHIN',
  CLOSE: 'MP_ASSERT_CLOSE',
  ROUNDTRIP: 'MP_ASSERT_ROUNDTRIP',
  /** An `audit:` step's finding is not at the pinned level (or does not match). */
  AUDIT: 'MP_ASSERT_AUDIT',
} as const;

export interface ReplySummary {
  /** Status as the protocol names it: "250", "+OK", "OK". */
  status: string;
  /** The reply's text, all lines, as received (redacted). */
  text: string;
}

export interface StepResult {
  index: number;
  /** Short human label: "send: EHLO probe.example", "auth: PLAIN alice" (never a password). */
  label: string;
  kind: string;
  session: string;
  span: SourceSpan;
  outcome: Outcome;
  /** Milliseconds from the scenario's start (hrtime based). */
  startMs: number;
  durationMs: number;
  reply?: ReplySummary;
  failure?: Failure;
  /** `retry:` steps: how many times the command was sent. */
  attempts?: number;
  /** A step skipped because its `when:` did not hold: why (`when: "550" does not match /^2/`). */
  reason?: string;
}

export interface TranscriptEntry {
  session: string;
  /** c: client → server, s: server → client, i: an event (connected, TLS upgraded, closed). */
  dir: 'c' | 's' | 'i';
  /** Milliseconds from the scenario's start. */
  atMs: number;
  /** Printable text: control bytes other than CR LF TAB escaped as \xNN, secrets as ***. */
  text: string;
}

export interface ScenarioResult {
  name: string;
  /** 1-based repetition, with --repeat. */
  repetition: number;
  file: string;
  span: SourceSpan;
  tags: string[];
  protocol: Protocol;
  /** Session name → target URL as used (no credentials). */
  targets: Record<string, string>;
  outcome: Outcome;
  /** ISO 8601 start time. */
  startedAt: string;
  durationMs: number;
  steps: StepResult[];
  /** The first failure (also on its step), for one-line summaries. */
  failure?: Failure;
  transcript: TranscriptEntry[];
  /** True when the transcript was cut at the transcript limit. */
  transcriptTruncated: boolean;
}

export interface RunSummary {
  total: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  interrupted: number;
}

export interface RunResult {
  version: typeof RESULT_VERSION;
  tool: { name: 'mailprobe'; version: string };
  startedAt: string;
  durationMs: number;
  /** True when the run was stopped by SIGINT. */
  interrupted: boolean;
  summary: RunSummary;
  scenarios: ScenarioResult[];
}

/**
 * Typed scenarios as the loader produces them from YAML (see ../shared SCENARIO-FORMAT.md, the public
 * contract). Strings keep their `${…}` placeholders: the runner interpolates at run time, because captures
 * only exist then. The loader has already checked that every placeholder names something that will exist.
 * Every step carries the span of its YAML node so that a failure can point at file:line:column.
 */

export type Protocol = 'smtp' | 'pop3' | 'imap' | 'http';
export const PROTOCOLS: readonly Protocol[] = ['smtp', 'pop3', 'imap', 'http'];

/** 1-based line and column, as editors show them. */
export interface SourceSpan {
  file: string;
  line: number;
  column: number;
}

/** The default session's name: the session a step uses when it names none. */
export const DEFAULT_SESSION = 'default';

export interface SessionSpec {
  protocol: Protocol;
  /** Target name or URL (may hold `${…}`); undefined: resolved from --target / named targets. */
  target?: string;
}

/** A regex written as `/source/flags` (or a bare string, taken as source with no flags). */
export interface Pattern {
  source: string;
  flags: string;
  span: SourceSpan;
}

/** What a reply must look like. Status strings are kept as written: "250", "2xx", "+OK", "OK". */
export interface Expectation {
  status?: string[];
  match: Pattern[];
  notMatch: Pattern[];
  /** IMAP: each must match at least one untagged line. */
  untagged: Pattern[];
  /** name → pattern (first group or named groups), or 'body' for the reply's body bytes. */
  capture: Record<string, Pattern | 'body'>;
  /** HTTP: name → a response header to keep. */
  captureHeaders?: Record<string, HeaderCapture>;
  /** Latency budget: the step fails if its reply came later. */
  withinMs?: number;
}

/** HTTP: a response header's value (the first group of `pattern`, when given, else the whole value). */
export interface HeaderCapture {
  /** Header name as written; matched case-insensitively (RFC 9110 §5.1). */
  header: string;
  pattern?: Pattern;
}

/** `when:` — the step runs only when `value`, interpolated, matches every `match` and no `not_match`. */
export interface Condition {
  value: string;
  match: Pattern[];
  notMatch: Pattern[];
}

/** `retry:` — while the step's expectation fails, send the command again every `everyMs` for `forMs`. */
export interface Retry {
  forMs: number;
  everyMs: number;
}

interface StepCommon {
  /** 0-based position in the scenario's steps. */
  index: number;
  span: SourceSpan;
  /** Runs only when this holds; otherwise the step is skipped (not a failure). */
  when?: Condition;
  /** Session name; DEFAULT_SESSION unless the step says `session:`. */
  session: string;
  /** Undefined when the step gives no expectation (the protocol's default applies, if any). */
  expect?: Expectation;
  /** This step's reply timeout, overriding the scenario's. */
  timeoutMs?: number;
}

export interface SendStep extends StepCommon {
  kind: 'send';
  text: string;
  /** POP3: force reading (or not) a multi-line reply. */
  multiline?: boolean;
  retry?: Retry;
}
/** Exact bytes; `\r \n \t \\ \xNN` escapes already resolved by the loader only where written. */
export interface RawStep extends StepCommon {
  kind: 'raw';
  text: string;
}
/** `expect` alone: read the next reply. */
export interface ReadStep extends StepCommon {
  kind: 'read';
}
export interface StarttlsStep extends StepCommon {
  kind: 'starttls';
}
export interface AuthStep extends StepCommon {
  kind: 'auth';
  mechanism: string;
  username: string;
  password: string;
  /** SASL authorization identity (PLAIN), rarely needed. */
  authzid?: string;
}
export type MessageSource =
  | { kind: 'raw'; text: string }
  | { kind: 'file'; path: string }
  | { kind: 'mime'; spec: Record<string, unknown> };
export interface MessageStep extends StepCommon {
  kind: 'message';
  source: MessageSource;
  /** Variable that keeps the exact bytes sent (and their Message-ID). */
  as?: string;
  /** SMTP: BDAT instead of DATA. */
  chunking?: boolean;
  /** IMAP APPEND: the mailbox. */
  mailbox?: string;
  /** IMAP APPEND: flags. */
  flags?: string[];
}
export interface IdleStep extends StepCommon {
  kind: 'idle';
  until: Pattern;
  idleTimeoutMs?: number;
  /**
   * `during:` — how many of the steps right after this one in `steps` are its own (the list flattened): they
   * run on other sessions once the server has accepted IDLE, while it waits for the matching line; the
   * time from their submission to that line is the run's submit→visible (delivery) latency.
   */
  during?: number;
}
export interface SleepStep extends StepCommon {
  kind: 'sleep';
  ms: number;
}
export interface CloseStep extends StepCommon {
  kind: 'close';
}
export interface ExpectCloseStep extends StepCommon {
  kind: 'expect_close';
}
/** HTTP: one request (RFC 9110 §9 method, §7.1 target path); strings keep their placeholders. */
export interface RequestStep extends StepCommon {
  kind: 'request';
  /** Upper case: GET, POST … */
  method: string;
  /** Origin-form path with query, starting with "/" (RFC 9112 §3.2.1). */
  path: string;
  /** Header fields in the order written. */
  headers: Array<[name: string, value: string]>;
  body?: string;
}
export interface RoundtripStep extends StepCommon {
  kind: 'roundtrip';
  /** Each side: one kept message ("${name}"), or a list of them holding the message/partial fragments of one. */
  sent: string | string[];
  received: string | string[];
  mode: 'exact' | 'structural';
  ignoreHeaders: string[];
}
/**
 * `mailprobe audit` checks pinned in a scenario: run against the session's target on connections of
 * their own (the session's connection is not used), each finding's level asserted.
 */
export interface AuditStep extends StepCommon {
  kind: 'audit';
  /** Check ids or globs of the audit's catalogue, as written ("tls.versions", "relay.*"). */
  checks: string[];
  /** The levels each finding may have ("pass", "info" unless the step says). */
  levels: string[];
  /** Each finding's summary and details must match. */
  match?: Pattern;
}

export type Step =
  | SendStep
  | RawStep
  | ReadStep
  | StarttlsStep
  | AuthStep
  | MessageStep
  | IdleStep
  | SleepStep
  | CloseStep
  | ExpectCloseStep
  | RoundtripStep
  | RequestStep
  | AuditStep;
export type StepKind = Step['kind'];

export interface Scenario {
  name: string;
  description?: string;
  tags: string[];
  file: string;
  span: SourceSpan;
  /** Protocol of the default session (`protocol:`); when absent, that of the first named session. */
  protocol: Protocol;
  /** Reply timeout of each step. */
  timeoutMs: number;
  /** Whole-scenario deadline. */
  deadlineMs: number;
  /** Raw values (may hold `${…}`), suite vars merged under the file's own. */
  vars: Record<string, string>;
  /** Named sessions, plus DEFAULT_SESSION (`protocol:` + scenario-level `target:`) when `protocol:` is given. */
  sessions: Record<string, SessionSpec>;
  /** `exclusive:` keys (may hold `${…}` of vars and env): no two runs sharing a key run at once. */
  exclusive: string[];
  steps: Step[];
}

/** Named targets from --target NAME=URL, suite.yaml `targets:` and targets.yaml: name → URL. */
export type TargetMap = Record<string, string>;

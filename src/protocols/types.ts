/**
 * The narrow interface between the runner and a protocol engine. The runner interpolates a step, turns it
 * into a StepAction and asks the session to perform it; the engine speaks the protocol and returns the
 * reply it read. The runner checks expectations itself, asking the driver only what a status means.
 */
import type { Protocol } from '../scenario/types.js';
import type { Endpoint, TranscriptSink } from '../wire/types.js';

/** A protocol reply in the shape the runner's assertions need. */
export interface Reply {
  /** SMTP "250"; POP3 "+OK" / "-ERR"; IMAP tagged "OK" / "NO" / "BAD" (or "BYE" if the server said bye). */
  status: string;
  /** The whole reply as text, every line, CRLF-joined without the final CRLF; IMAP untagged lines too. */
  text: string;
  /** IMAP untagged lines of this command's response (without the leading "* "). */
  untagged?: string[];
  /** POP3 multi-line body (dot-unstuffed), the first IMAP literal or an HTTP response body, as exact bytes. */
  body?: Buffer;
  /** HTTP response header fields: lower-case name → value (repeated fields joined with ", ", RFC 9110 §5.3). */
  headers?: Record<string, string>;
}

/** What an IDLE does while it waits: the scenario's `during:` steps (run by the runner). */
export interface IdleDuring {
  /** Called once the server has accepted IDLE ("+"); the wait for the matching line goes on meanwhile. */
  run(): Promise<void>;
  /** Called as the matching untagged line is read (before DONE is sent): the runner times it. */
  matched(): void;
}

export type StepAction =
  | { kind: 'send'; text: string; multiline?: boolean }
  /** `read: false` when the step has no expectation: send and read nothing. */
  | { kind: 'raw'; bytes: Buffer; read: boolean }
  | { kind: 'read' }
  | { kind: 'starttls' }
  | { kind: 'auth'; mechanism: string; username: string; password: string; authzid?: string }
  | { kind: 'message'; bytes: Buffer; chunking?: boolean; mailbox?: string; flags?: string[] }
  | { kind: 'idle'; until: RegExp; idleTimeoutMs: number; during?: IdleDuring }
  | { kind: 'request'; method: string; path: string; headers: Array<[string, string]>; body?: Buffer }
  | { kind: 'close' }
  | { kind: 'expect_close' };
export type ActionKind = StepAction['kind'];

export interface StepContext {
  /** How long each read may wait for bytes. */
  timeoutMs: number;
  /** Aborted at the scenario deadline or on SIGINT: pending reads reject at once. */
  signal: AbortSignal;
}

/** One live connection speaking one protocol. */
export interface ProtocolSession {
  /**
   * Performs the action and returns the reply it read (undefined when it read none). Rejects only with a
   * MailprobeError (timeout, closed, protocol, limit, TLS …), never with an untyped exception.
   */
  perform(action: StepAction, ctx: StepContext): Promise<Reply | undefined>;
  /** Closes the connection; idempotent, never rejects. */
  close(): Promise<void>;
}

export interface SessionOptions {
  endpoint: Endpoint;
  transcript: TranscriptSink;
  connectTimeoutMs: number;
  signal: AbortSignal;
}

export interface ProtocolDriver {
  protocol: Protocol;
  /** The expectation a step of this kind gets when it gives none (e.g. SMTP auth → ["235"]). */
  defaultStatus(kind: ActionKind): string[] | undefined;
  /** Does the reply's status satisfy one expected status? */
  statusMatches(actual: string, expected: string): boolean;
  /** Connects (TCP, or TLS for implicit-TLS endpoints). Does not read the greeting: a step does. */
  open(options: SessionOptions): Promise<ProtocolSession>;
}

/**
 * How the audit talks to a server: probe connections through the project's engines (wire connect + the
 * SMTP, IMAP or POP3 session), each with its own transcript so that a finding carries exactly the lines that prove it; a per-host gate
 * that caps simultaneous connections and spaces probes (--rate); the global deadline as an AbortSignal;
 * and network errors turned into named problems (refused, unreachable, timeout, dropped …).
 * Imports wire/, protocols/{smtp,imap,pop3}/ sessions, results/types and util/; never node:net / node:tls.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit, { type LimitFunction } from 'p-limit';
import { ImapSession } from '../protocols/imap/session.js';
import { Pop3Session } from '../protocols/pop3/session.js';
import { SmtpSession } from '../protocols/smtp/session.js';
import type { ProtocolSession, Reply } from '../protocols/types.js';
import type { TranscriptEntry } from '../results/types.js';
import { ErrorCode, MailprobeError, toMailprobeError } from '../util/errors.js';
import { connect } from '../wire/connect.js';
import type { Connection } from '../wire/connection.js';
import { Transcript } from '../wire/transcript.js';
import type { Endpoint, TranscriptSink } from '../wire/types.js';
import type { MailProtocol, NetworkProblem } from './types.js';

export interface ProbeSettings {
  /** How long each reply (and the connect) may take. */
  timeoutMs: number;
  /** Aborted at the global deadline. */
  signal: AbortSignal;
  /** process.hrtime.bigint() at the audit's start: transcript times count from it. */
  startNs: bigint;
}

/** Caps simultaneous connections to one host and spaces the start of each probe by `rateMs`. */
export class HostGate {
  private readonly limit: LimitFunction;
  private nextStart = 0;

  constructor(maxConnections: number, private readonly rateMs: number) {
    this.limit = pLimit(maxConnections);
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.limit(async () => {
      const wait = this.nextStart - Date.now();
      this.nextStart = Math.max(Date.now(), this.nextStart) + this.rateMs;
      if (wait > 0) await sleep(wait);
      return fn();
    });
  }
}

/** A probe that could not finish, with the evidence gathered up to the failure. */
export class ProbeFailure extends Error {
  constructor(
    readonly problem: NetworkProblem,
    readonly error: MailprobeError,
    readonly evidence: TranscriptEntry[],
  ) {
    super(error.message);
    this.name = 'ProbeFailure';
  }
}

function causeCode(err: MailprobeError): string | undefined {
  const cause = err.cause;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return undefined;
}

/** The named problem behind a wire error. */
export function problemOf(err: MailprobeError): NetworkProblem {
  switch (err.code) {
    case ErrorCode.CONNECT: {
      const code = causeCode(err);
      if (code === 'ECONNREFUSED') return 'refused';
      if (code === undefined && /within/.test(err.message)) return 'timeout';
      return 'unreachable';
    }
    case ErrorCode.TIMEOUT:
      return 'timeout';
    case ErrorCode.TLS:
      return 'tls';
    case ErrorCode.DEADLINE:
    case ErrorCode.INTERRUPTED:
      return 'deadline';
    default:
      return 'dropped';
  }
}

/** One probe connection's transcript, with marks to cut the evidence of one part of the exchange. */
export class ProbeTranscript {
  private readonly transcript: Transcript;
  readonly sink: TranscriptSink;

  constructor(settings: ProbeSettings, readonly name: string) {
    this.transcript = new Transcript({ startNs: settings.startNs });
    this.sink = this.transcript.sink(name);
  }

  mark(): number {
    return this.transcript.entries().length;
  }

  /** Entries from `mark` on (all of them by default). */
  since(mark = 0): TranscriptEntry[] {
    return this.transcript.entries().slice(mark);
  }
}

/** Each protocol's engine session, and the command that ends it politely (RFC 5321 §4.1.1.10, RFC 9051 §6.1.3, RFC 1939 §6). */
const ENGINES: Record<MailProtocol, { session: (connection: Connection) => ProtocolSession; goodbye: string }> = {
  smtp: { session: (connection) => new SmtpSession(connection), goodbye: 'QUIT' },
  imap: { session: (connection) => new ImapSession(connection), goodbye: 'LOGOUT' },
  pop3: { session: (connection) => new Pop3Session(connection), goodbye: 'QUIT' },
};

/** An open probe: the engine's session plus its connection, for the STARTTLS-injection upgrade. */
export class ServiceProbe {
  constructor(
    readonly protocol: MailProtocol,
    readonly connection: Connection,
    private readonly session: ProtocolSession,
    private readonly settings: ProbeSettings,
    readonly transcript: ProbeTranscript,
  ) {}

  private ctx(timeoutMs?: number): { timeoutMs: number; signal: AbortSignal } {
    return { timeoutMs: timeoutMs ?? this.settings.timeoutMs, signal: this.settings.signal };
  }

  /** Reads the next reply (the greeting first). */
  async read(timeoutMs?: number): Promise<Reply> {
    return (await this.session.perform({ kind: 'read' }, this.ctx(timeoutMs)))!;
  }

  /** One command line (CRLF added; IMAP: a tag added) and its reply. */
  async command(text: string): Promise<Reply> {
    return (await this.session.perform({ kind: 'send', text }, this.ctx()))!;
  }

  /** Exact bytes; reads one reply when `read` is set. */
  async raw(bytes: Buffer, read: boolean, timeoutMs?: number): Promise<Reply | undefined> {
    return this.session.perform({ kind: 'raw', bytes, read }, this.ctx(timeoutMs));
  }

  /** STARTTLS (RFC 3207, RFC 9051 §6.2.1) or STLS (RFC 2595 §4) through the engine; the certificate is judged by the TLS checks, not here. */
  async starttls(): Promise<Reply> {
    return (await this.session.perform({ kind: 'starttls' }, this.ctx()))!;
  }

  /** QUIT (LOGOUT) and close, ignoring a server that has gone already. */
  async quit(): Promise<void> {
    await this.command(ENGINES[this.protocol].goodbye).catch(() => undefined);
    await this.session.close();
  }

  close(): Promise<void> {
    return this.session.close();
  }
}

/**
 * Opens a probe connection speaking `protocol` through the host's gate, runs `fn`, and closes. Returns what `fn` returned
 * and the whole transcript; a network error becomes a ProbeFailure carrying the evidence so far.
 */
export async function withProbe<T>(
  gate: HostGate,
  settings: ProbeSettings,
  target: { endpoint: Endpoint; protocol: MailProtocol },
  name: string,
  fn: (probe: ServiceProbe) => Promise<T>,
): Promise<{ value: T; evidence: TranscriptEntry[] }> {
  const { endpoint, protocol } = target;
  return gate.run(async () => {
    const transcript = new ProbeTranscript(settings, name);
    let probe: ServiceProbe | undefined;
    try {
      if (settings.signal.aborted) throw deadlineError();
      const connection = await connect(endpoint, { connectTimeoutMs: settings.timeoutMs, signal: settings.signal, transcript: transcript.sink });
      probe = new ServiceProbe(protocol, connection, ENGINES[protocol].session(connection), settings, transcript);
      const value = await fn(probe);
      return { value, evidence: transcript.since() };
    } catch (err) {
      if (err instanceof ProbeFailure) throw err;
      const error = toMailprobeError(err);
      throw new ProbeFailure(problemOf(error), error, transcript.since());
    } finally {
      await probe?.close();
    }
  });
}

export function deadlineError(): MailprobeError {
  return new MailprobeError(ErrorCode.DEADLINE, 'the audit reached its global deadline');
}

/**
 * What a check sees: the service it audits, the audit's settings, the host's connection gate, and probes
 * shared between checks (memoised, so the greeting, EHLO and the default TLS handshake happen once per
 * service). A check returns a CheckOutcome; run.ts turns it into a Finding.
 * Imports audit/probe, audit/types, protocols/types, results/types and wire types; no sockets.
 */
import type { Reply } from '../protocols/types.js';
import type { TranscriptEntry } from '../results/types.js';
import type { Endpoint } from '../wire/types.js';
import { HostGate, ProbeFailure, withProbe, type ProbeSettings } from './probe.js';
import type { Level, MailProtocol, NetworkProblem } from './types.js';

export interface AuditSettings extends ProbeSettings {
  /** The name our EHLO gives. */
  ehloName: string;
  /** An address the user owns (--rcpt): enumeration baseline and the smuggling probes' recipient. */
  rcpt?: string;
  /** --intrusive: checks that deliver mail (to --rcpt only) may run. */
  intrusive: boolean;
  /** Trusted CA certificates (PEM) instead of the system store, for the certificate checks. */
  ca?: string;
}

export type ServiceName = 'smtp' | 'submission' | 'smtps' | 'imap' | 'imaps' | 'pop3' | 'pop3s';

export interface ServiceTarget {
  name: ServiceName;
  protocol: MailProtocol;
  /** Never verifying: certificates are judged by the TLS checks, not refused by the engine. */
  endpoint: Endpoint;
  /** The name the certificate must carry: the MX or host name as audited. */
  hostName: string;
  /** The domain whose mail the server takes (relay and enumeration addresses are built in it). */
  localDomain: string;
}

export interface CheckOutcome {
  level: Level;
  summary: string;
  details?: string[];
  evidence?: TranscriptEntry[];
  problem?: NetworkProblem;
}

/** The first session with a service: greeting, EHLO and (when offered on a plaintext service) STARTTLS and EHLO again. */
export interface BasicSession {
  greeting?: Reply;
  /** From TCP (or TLS) established to the greeting's last line. */
  greetingMs?: number;
  ehlo?: Reply;
  starttls?: Reply;
  ehloAfterTls?: Reply;
  /** Where the session stopped, when it did not finish. */
  failure?: { stage: 'connect' | 'greeting' | 'ehlo' | 'starttls' | 'ehlo-after-tls'; problem: NetworkProblem; message: string };
  evidence: TranscriptEntry[];
}

/** EHLO keywords (RFC 5321 §4.1.1.1 ehlo-line), upper-cased, with their parameters. */
export function ehloKeywords(reply: Reply | undefined): Map<string, string> {
  const keywords = new Map<string, string>();
  if (!reply || reply.status !== '250') return keywords;
  for (const line of reply.text.split('\r\n').slice(1)) {
    const m = /^\d{3}[ -]([A-Za-z0-9][A-Za-z0-9-]*)(?:[ =](.*))?$/.exec(line);
    if (m) keywords.set(m[1]!.toUpperCase(), (m[2] ?? '').trim());
  }
  return keywords;
}

export class ServiceContext {
  private readonly memos = new Map<string, Promise<unknown>>();

  constructor(
    readonly service: ServiceTarget,
    readonly settings: AuditSettings,
    readonly gate: HostGate,
    readonly selected: ReadonlySet<string>,
  ) {}

  /** The value of `fn`, computed once per service and key. */
  memo<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let value = this.memos.get(key) as Promise<T> | undefined;
    if (!value) {
      value = fn();
      this.memos.set(key, value);
    }
    return value;
  }

  /** A probe connection speaking the service's protocol, through the host's gate (see withProbe). */
  probe<T>(name: string, fn: Parameters<typeof withProbe<T>>[4]): ReturnType<typeof withProbe<T>> {
    return withProbe(this.gate, this.settings, this.service, name, fn);
  }

  basicSession(): Promise<BasicSession> {
    return this.memo('basic', () => this.openBasicSession());
  }

  private async openBasicSession(): Promise<BasicSession> {
    const session: Omit<BasicSession, 'evidence'> = {};
    let stage: NonNullable<BasicSession['failure']>['stage'] = 'connect';
    try {
      const { evidence } = await this.probe('session', async (probe) => {
        stage = 'greeting';
        const started = performance.now();
        session.greeting = await probe.read();
        session.greetingMs = Math.round(performance.now() - started);
        stage = 'ehlo';
        session.ehlo = await probe.command(`EHLO ${this.settings.ehloName}`);
        if (this.service.endpoint.tls === 'none' && ehloKeywords(session.ehlo).has('STARTTLS')) {
          stage = 'starttls';
          session.starttls = await probe.starttls();
          if (session.starttls.status === '220') {
            stage = 'ehlo-after-tls';
            session.ehloAfterTls = await probe.command(`EHLO ${this.settings.ehloName}`);
          }
        }
        await probe.quit();
      });
      return { ...session, evidence };
    } catch (err) {
      if (!(err instanceof ProbeFailure)) throw err;
      return { ...session, failure: { stage, problem: err.problem, message: err.message }, evidence: err.evidence };
    }
  }
}

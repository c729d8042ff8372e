/**
 * IMAP and POP3 services (--imap, --pop3): reachable, and whether passwords may cross in clear — IMAP
 * without LOGINDISABLED before STARTTLS (RFC 9051 §6.2.3), POP3 offering USER or plaintext SASL before STLS
 * (RFC 2449 §6.8, RFC 2595 §4). One session per service reads the greeting and the capabilities through the
 * project's IMAP and POP3 engines and, when offered, upgrades with STARTTLS / STLS (for tls.starttls) and
 * asks again; nothing logs in. Imports audit/, protocols/ and util/.
 */
import { imapDriver } from '../../protocols/imap/driver.js';
import { ImapStatus } from '../../protocols/imap/status.js';
import { pop3Driver } from '../../protocols/pop3/driver.js';
import { Status } from '../../protocols/pop3/codes.js';
import type { Reply } from '../../protocols/types.js';
import type { TranscriptEntry } from '../../results/types.js';
import { toMailprobeError } from '../../util/errors.js';
import type { CheckOutcome, ServiceContext } from '../context.js';
import { ProbeTranscript, problemOf } from '../probe.js';
import type { NetworkProblem } from '../types.js';

export interface MailboxSession {
  greeting?: Reply;
  capabilities?: Reply;
  /** Whether the capabilities offer STARTTLS (IMAP, RFC 9051 §6.2.1) or STLS (POP3, RFC 2595 §4). */
  starttlsOffered: boolean;
  /** The STARTTLS / STLS reply, when offered on a plaintext service. */
  starttls?: Reply;
  capabilitiesAfterTls?: Reply;
  failure?: { stage: 'connect' | 'greeting' | 'capabilities' | 'starttls' | 'capabilities-after-tls'; problem: NetworkProblem; message: string };
  /** The whole session. */
  evidence: TranscriptEntry[];
  /** The session up to the capability answer before any TLS: what the plaintext-login checks judge. */
  plainEvidence: TranscriptEntry[];
}

/** The positive answer that starts TLS: IMAP tagged OK, POP3 +OK. */
export const STARTTLS_ACCEPTED: Readonly<Record<'imap' | 'pop3', string>> = { imap: ImapStatus.OK, pop3: Status.OK };

function offersStarttls(protocol: 'imap' | 'pop3', greeting: Reply | undefined, capabilities: Reply | undefined): boolean {
  if (protocol === 'imap') return capabilityWords(greeting, capabilities).has('STARTTLS');
  return capabilities?.status === STARTTLS_ACCEPTED.pop3 && capaLines(capabilities).includes('STLS');
}

/**
 * Greeting, then CAPABILITY (IMAP) or CAPA (POP3); on a plaintext service offering it, STARTTLS / STLS and
 * the capabilities again. Once per service.
 */
export function mailboxSession(ctx: ServiceContext): Promise<MailboxSession> {
  return ctx.memo('mailbox', () =>
    ctx.gate.run(async () => {
      const { settings, service } = ctx;
      const transcript = new ProbeTranscript(settings, service.name);
      const protocol = service.protocol === 'imap' ? 'imap' : 'pop3';
      const driver = protocol === 'imap' ? imapDriver : pop3Driver;
      const capabilityCommand = protocol === 'imap' ? 'CAPABILITY' : 'CAPA';
      const step = { timeoutMs: settings.timeoutMs, signal: settings.signal };
      const result: Omit<MailboxSession, 'evidence' | 'plainEvidence'> = { starttlsOffered: false };
      let plainEvidence: TranscriptEntry[] | undefined;
      let stage: NonNullable<MailboxSession['failure']>['stage'] = 'connect';
      const ended = (failure?: MailboxSession['failure']): MailboxSession => {
        const evidence = transcript.since();
        return { ...result, ...(failure ? { failure } : {}), evidence, plainEvidence: plainEvidence ?? evidence };
      };
      const session = await driver
        .open({ endpoint: service.endpoint, transcript: transcript.sink, connectTimeoutMs: settings.timeoutMs, signal: settings.signal })
        .catch((err: unknown) => toMailprobeError(err));
      if (!('perform' in session)) return ended({ stage, problem: problemOf(session), message: session.message });
      try {
        stage = 'greeting';
        result.greeting = await session.perform({ kind: 'read' }, step);
        stage = 'capabilities';
        result.capabilities = await session.perform({ kind: 'send', text: capabilityCommand }, step);
        plainEvidence = transcript.since();
        result.starttlsOffered = offersStarttls(protocol, result.greeting, result.capabilities);
        if (service.endpoint.tls === 'none' && result.starttlsOffered) {
          stage = 'starttls';
          result.starttls = await session.perform({ kind: 'starttls' }, step);
          if (result.starttls?.status === STARTTLS_ACCEPTED[protocol]) {
            stage = 'capabilities-after-tls';
            result.capabilitiesAfterTls = await session.perform({ kind: 'send', text: capabilityCommand }, step);
          }
        }
        await session.perform({ kind: 'send', text: protocol === 'imap' ? 'LOGOUT' : 'QUIT' }, step).catch(() => undefined);
        return ended();
      } catch (err) {
        const error = toMailprobeError(err);
        return ended({ stage, problem: problemOf(error), message: error.message });
      } finally {
        await session.close();
      }
    }),
  );
}

/** net.connect for an IMAP or POP3 service. */
export async function mailboxConnectCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  const session = await mailboxSession(ctx);
  const failure = session.failure;
  const url = ctx.service.endpoint.url;
  if (failure?.stage === 'connect') return { level: 'fail', summary: `${url}: ${failure.problem}: ${failure.message}`, problem: failure.problem, evidence: session.evidence };
  if (failure) return { level: 'warn', summary: `connected, but the session failed at ${failure.stage}: ${failure.problem}: ${failure.message}`, problem: failure.problem, evidence: session.evidence };
  return { level: 'pass', summary: `${url} answers`, evidence: session.evidence.slice(0, 2) };
}

/** IMAP capability words from the greeting and the capability answer, upper-cased. */
function capabilityWords(greeting: Reply | undefined, capabilities: Reply | undefined): Set<string> {
  const text = `${greeting?.text ?? ''}\n${capabilities?.text ?? ''}`;
  return new Set(text.toUpperCase().split(/[\s\[\]]+/).filter((word) => word !== ''));
}

/** POP3 CAPA answer lines (RFC 2449 §5), upper-cased. */
function capaLines(capabilities: Reply | undefined): string[] {
  return (capabilities?.text ?? '').toUpperCase().split('\r\n');
}

async function plaintextPrecheck(ctx: ServiceContext): Promise<{ session: MailboxSession; outcome?: CheckOutcome }> {
  const session = await mailboxSession(ctx);
  if (ctx.service.endpoint.tls === 'implicit') return { session, outcome: { level: 'skipped', summary: 'implicit-TLS service: nothing is sent in clear' } };
  if (!session.capabilities) return { session, outcome: { level: 'skipped', summary: `no capability answer: ${session.failure?.message ?? 'session ended'}`, evidence: session.evidence } };
  return { session };
}

async function imapLoginDisabledCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  const { session, outcome } = await plaintextPrecheck(ctx);
  if (outcome) return outcome;
  const words = capabilityWords(session.greeting, session.capabilities);
  const evidence = session.plainEvidence.filter((entry) => entry.dir !== 'i');
  const clearMechanisms = ['AUTH=PLAIN', 'AUTH=LOGIN'].filter((word) => words.has(word));
  if (!words.has('LOGINDISABLED')) return { level: 'fail', summary: 'LOGIN allowed before STARTTLS (no LOGINDISABLED): passwords may cross in clear', evidence };
  if (clearMechanisms.length > 0) return { level: 'fail', summary: `${clearMechanisms.join(' ')} offered before STARTTLS`, evidence };
  return { level: 'pass', summary: 'LOGINDISABLED before STARTTLS', evidence };
}

async function pop3PlaintextCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  const { session, outcome } = await plaintextPrecheck(ctx);
  if (outcome) return outcome;
  const lines = capaLines(session.capabilities);
  const evidence = session.plainEvidence.filter((entry) => entry.dir !== 'i');
  const offered: string[] = [];
  if (lines.includes('USER')) offered.push('USER/PASS');
  const sasl = lines.find((line) => line.startsWith('SASL '))?.split(' ').slice(1) ?? [];
  offered.push(...sasl.filter((mechanism) => mechanism === 'PLAIN' || mechanism === 'LOGIN').map((mechanism) => `SASL ${mechanism}`));
  if (offered.length > 0) return { level: 'fail', summary: `${offered.join(', ')} offered before STLS: passwords may cross in clear`, evidence };
  return { level: 'pass', summary: 'no plaintext login offered before STLS', evidence };
}

export const mailboxChecks: Record<string, (ctx: ServiceContext) => Promise<CheckOutcome>> = {
  'auth.imap-logindisabled': imapLoginDisabledCheck,
  'auth.pop3-plaintext': pop3PlaintextCheck,
};

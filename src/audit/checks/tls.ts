/**
 * TLS checks of SMTP, IMAP and POP3 services: STARTTLS / STLS offered and working (RFC 3207, RFC 9051
 * §6.2.1, RFC 2595), each protocol version probed on its own connection (RFC 8996, RFC 7568), the
 * negotiated cipher (RFC 9325), the certificate (chain, name, expiry, self-signed, key size), implicit TLS
 * on smtps, imaps and pop3s (RFC 8314 §3), and STARTTLS command injection (CVE-2011-0411).
 * Handshakes go through wire/tls-probe (version pinning) after audit/starttls's plaintext exchange.
 * Imports audit/, protocols/ types and SMTP codes, wire/tls-probe, util/.
 */
import type { Reply } from '../../protocols/types.js';
import { ReplyCode } from '../../protocols/smtp/codes.js';
import { ErrorCode, toMailprobeError } from '../../util/errors.js';
import { probeSslv3, probeTls, type TlsProbeResult, type TlsVersion } from '../../wire/tls-probe.js';
import { ehloKeywords, type CheckOutcome, type ServiceContext } from '../context.js';
import { ProbeTranscript, problemOf } from '../probe.js';
import { starttlsExchange } from '../starttls.js';
import type { TranscriptEntry } from '../../results/types.js';
import type { MailProtocol, NetworkProblem } from '../types.js';
import { STARTTLS_ACCEPTED, mailboxSession } from './mailbox.js';

const DAY_MS = 86_400_000;
const EXPIRY_WARNING_DAYS = 14;
/** How long to wait for an answer to the injected command before concluding there is none. */
const INJECTION_WAIT_MS = 2_000;

/** The command that starts TLS, as each protocol names it. */
const STARTTLS_COMMAND: Record<MailProtocol, string> = { smtp: 'STARTTLS', imap: 'STARTTLS', pop3: 'STLS' };
/** RFC 3207 §4 220, RFC 9051 §6.2.1 tagged OK, RFC 2595 §4 +OK. */
const STARTTLS_READY: Record<MailProtocol, string> = { smtp: ReplyCode.SERVICE_READY, ...STARTTLS_ACCEPTED };

/** What the service's first session saw of STARTTLS, whatever the protocol. */
interface StarttlsView {
  /** Why the service's extensions / capabilities could not be read (the TLS checks are then skipped). */
  unanswered?: string;
  offered: boolean;
  /** The STARTTLS (STLS) reply, when it was sent. */
  reply?: Reply;
  /** Where the session stopped, when it did not finish. */
  failure?: { stage: string; problem: NetworkProblem; message: string };
  /** Whether the failure came at STARTTLS or after it (the upgrade itself failed). */
  failedUpgrade: boolean;
  evidence: TranscriptEntry[];
}

/** SMTP: the basic session's EHLO and STARTTLS; IMAP and POP3: the mailbox session's capabilities and STARTTLS / STLS. */
async function starttlsView(ctx: ServiceContext): Promise<StarttlsView> {
  if (ctx.service.protocol === 'smtp') {
    const session = await ctx.basicSession();
    const failure = session.failure;
    return {
      ...(session.ehlo ? {} : { unanswered: `no EHLO answer: ${failure?.message ?? 'session ended'}` }),
      offered: ehloKeywords(session.ehlo).has('STARTTLS'),
      ...(session.starttls ? { reply: session.starttls } : {}),
      ...(failure ? { failure } : {}),
      failedUpgrade: failure?.stage === 'starttls' || failure?.stage === 'ehlo-after-tls',
      evidence: session.evidence,
    };
  }
  const session = await mailboxSession(ctx);
  const failure = session.failure;
  return {
    ...(session.capabilities ? {} : { unanswered: `no capability answer: ${failure?.message ?? 'session ended'}` }),
    offered: session.starttlsOffered,
    ...(session.starttls ? { reply: session.starttls } : {}),
    ...(failure ? { failure } : {}),
    failedUpgrade: failure?.stage === 'starttls' || failure?.stage === 'capabilities-after-tls',
    evidence: session.evidence,
  };
}

interface HandshakeAttempt {
  result?: TlsProbeResult;
  error?: { problem: NetworkProblem; message: string };
  evidence: TranscriptEntry[];
}

/** One handshake through the host's gate, pinned to `version` when given. */
function handshake(ctx: ServiceContext, name: string, version?: TlsVersion | 'SSLv3'): Promise<HandshakeAttempt & { sslv3?: 'accepted' | 'refused' }> {
  const { settings, service } = ctx;
  const transcript = new ProbeTranscript(settings, name);
  const endpoint = { ...service.endpoint, ...(settings.ca === undefined ? {} : { ca: settings.ca }) };
  const options = {
    endpoint,
    timeoutMs: settings.timeoutMs,
    signal: settings.signal,
    transcript: transcript.sink,
    ...(endpoint.tls === 'none' ? { beforeHandshake: starttlsExchange(service.protocol, settings.ehloName) } : {}),
  };
  return ctx.gate.run(async () => {
    try {
      if (version === 'SSLv3') return { sslv3: await probeSslv3(options), evidence: transcript.since() };
      const result = await probeTls({ ...options, ...(version ? { version } : {}) });
      return { result, evidence: transcript.since() };
    } catch (err) {
      const error = toMailprobeError(err);
      return { error: { problem: problemOf(error), message: error.message }, evidence: transcript.since() };
    }
  });
}

/** Why TLS cannot be checked on this service, if it cannot. */
async function tlsUnavailable(ctx: ServiceContext): Promise<CheckOutcome | undefined> {
  if (ctx.service.endpoint.tls === 'implicit') return undefined;
  const view = await starttlsView(ctx);
  if (view.unanswered) return { level: 'skipped', summary: view.unanswered };
  if (!view.offered) return { level: 'skipped', summary: `${STARTTLS_COMMAND[ctx.service.protocol]} not offered` };
  return undefined;
}

function defaultHandshake(ctx: ServiceContext): ReturnType<typeof handshake> {
  return ctx.memo('tls-default', () => handshake(ctx, 'tls'));
}

/** Runs `judge` on the default handshake's result, or says why there is none. */
async function withDefaultHandshake(ctx: ServiceContext, judge: (result: TlsProbeResult) => CheckOutcome): Promise<CheckOutcome> {
  const unavailable = await tlsUnavailable(ctx);
  if (unavailable) return unavailable;
  const attempt = await defaultHandshake(ctx);
  if (!attempt.result) {
    return { level: 'skipped', summary: `no TLS session: ${attempt.error?.message ?? 'unknown'}`, evidence: attempt.evidence };
  }
  const established = attempt.evidence.filter((entry) => entry.dir === 'i' && entry.text.startsWith('TLS established'));
  return { ...judge(attempt.result), evidence: established };
}

async function starttlsCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  const { protocol } = ctx.service;
  const command = STARTTLS_COMMAND[protocol];
  if (ctx.service.endpoint.tls === 'implicit') return { level: 'skipped', summary: `implicit-TLS service: no ${command}` };
  const view = await starttlsView(ctx);
  const evidence = view.evidence;
  if (view.unanswered) return { level: 'skipped', summary: view.unanswered, evidence };
  if (!view.offered) {
    const what = protocol === 'smtp' ? 'mail to this server crosses in clear' : 'mail and passwords cross in clear';
    return { level: 'fail', summary: `${command} is not offered: ${what}`, evidence };
  }
  if (view.reply && view.reply.status !== STARTTLS_READY[protocol]) return { level: 'fail', summary: `${command} answered ${view.reply.status}`, evidence };
  if (view.failure && view.failedUpgrade) {
    return { level: 'fail', summary: `${command} offered but failed: ${view.failure.message}`, problem: view.failure.problem, evidence };
  }
  return { level: 'pass', summary: `${command} offered and working`, evidence };
}

const VERSIONS: ReadonlyArray<TlsVersion | 'SSLv3'> = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const LEGACY: ReadonlySet<string> = new Set(['TLSv1', 'TLSv1.1']);

async function versionsCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  const unavailable = await tlsUnavailable(ctx);
  if (unavailable) return unavailable;
  const accepted: string[] = [];
  const details: string[] = [];
  const evidence: TranscriptEntry[] = [];
  let probed = 0;
  for (const version of VERSIONS) {
    const attempt = await handshake(ctx, `tls-${version}`, version);
    evidence.push(...attempt.evidence.filter((entry) => entry.dir === 'i'));
    let verdict: string;
    if (attempt.sslv3 !== undefined || attempt.result) {
      probed += 1;
      const ok = attempt.sslv3 === 'accepted' || attempt.result?.protocol === version;
      if (ok) accepted.push(version);
      verdict = ok ? `accepted${attempt.result ? ` (${attempt.result.cipher})` : ''}` : 'refused';
    } else if (attempt.error?.problem === 'tls') {
      probed += 1;
      verdict = 'refused';
    } else {
      verdict = `not probed: ${attempt.error?.message ?? 'unknown'}`;
    }
    details.push(`${version.padEnd(8)} ${verdict}`);
  }
  if (probed === 0) return { level: 'skipped', summary: 'no version could be probed', details, evidence };
  const list = accepted.length > 0 ? accepted.join(', ') : 'none';
  if (accepted.includes('SSLv3')) return { level: 'fail', summary: `accepts SSLv3 (RFC 7568): ${list}`, details, evidence };
  if (!accepted.includes('TLSv1.2') && !accepted.includes('TLSv1.3')) return { level: 'fail', summary: `accepts neither TLS 1.2 nor 1.3: ${list}`, details, evidence };
  const legacy = accepted.filter((version) => LEGACY.has(version));
  if (legacy.length > 0) return { level: 'warn', summary: `accepts deprecated ${legacy.join(' and ')} (RFC 8996): ${list}`, details, evidence };
  return { level: 'pass', summary: `accepts ${list}`, details, evidence };
}

function cipherCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  return withDefaultHandshake(ctx, (result) => {
    const summary = `${result.protocol} ${result.standardCipher || result.cipher}`;
    if (result.protocol === 'TLSv1.3') return { level: 'info', summary };
    // RFC 9325 §4.2: ephemeral key exchange (forward secrecy) and AEAD ciphers.
    const forwardSecret = /^(ECDHE|DHE)/.test(result.cipher);
    const aead = /GCM|CHACHA20|CCM/.test(result.cipher);
    if (!forwardSecret || !aead) return { level: 'warn', summary: `${summary}: ${forwardSecret ? '' : 'no forward secrecy '}${aead ? '' : 'no AEAD'}`.trim() };
    return { level: 'info', summary };
  });
}

function chainCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  return withDefaultHandshake(ctx, (result) =>
    result.authorized
      ? { level: 'pass', summary: `chain verifies against ${ctx.settings.ca ? 'the given CA' : 'the system store'}` }
      : { level: 'warn', summary: `chain does not verify: ${result.authorizationError ?? 'unknown reason'}`, details: result.chain.map((c) => `${c.subject} ← ${c.issuer}`) },
  );
}

function nameCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  return withDefaultHandshake(ctx, (result) => {
    const names = result.chain[0]?.altNames.join(', ') || result.chain[0]?.subject || 'no names';
    return result.nameError
      ? { level: 'warn', summary: `certificate does not name ${ctx.service.hostName}: ${result.nameError}`, details: [`certificate names: ${names}`] }
      : { level: 'pass', summary: `certificate names ${ctx.service.hostName}`, details: [`certificate names: ${names}`] };
  });
}

function expiryCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  return withDefaultHandshake(ctx, (result) => {
    const leaf = result.chain[0];
    if (!leaf) return { level: 'skipped', summary: 'the server sent no certificate' };
    const now = Date.now();
    const notBefore = Date.parse(leaf.validFrom);
    const notAfter = Date.parse(leaf.validTo);
    const days = Math.floor((notAfter - now) / DAY_MS);
    if (now < notBefore) return { level: 'fail', summary: `not valid before ${leaf.validFrom}` };
    if (days < 0) return { level: 'fail', summary: `expired on ${leaf.validTo}` };
    if (days < EXPIRY_WARNING_DAYS) return { level: 'warn', summary: `expires in ${days} days (${leaf.validTo})` };
    return { level: 'pass', summary: `${days} days to expiry (${leaf.validTo})` };
  });
}

function selfSignedCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  return withDefaultHandshake(ctx, (result) => {
    const leaf = result.chain[0];
    if (!leaf) return { level: 'skipped', summary: 'the server sent no certificate' };
    return leaf.selfIssued ? { level: 'warn', summary: `self-signed: ${leaf.subject}` } : { level: 'pass', summary: `issued by ${leaf.issuer}` };
  });
}

function keySizeCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  return withDefaultHandshake(ctx, (result) => {
    const leaf = result.chain[0];
    if (!leaf || leaf.bits === undefined) return { level: 'skipped', summary: 'key size not reported' };
    const what = `${leaf.keyType ?? 'key'} ${leaf.bits} bits`;
    if (leaf.keyType === 'EC') return leaf.bits < 224 ? { level: 'warn', summary: what } : { level: 'pass', summary: what };
    if (leaf.bits < 1024) return { level: 'fail', summary: what };
    if (leaf.bits < 2048) return { level: 'warn', summary: what };
    return { level: 'pass', summary: what };
  });
}

async function implicitCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  if (ctx.service.endpoint.tls !== 'implicit') return { level: 'skipped', summary: 'not an implicit-TLS (smtps, imaps, pop3s) service' };
  const { failure, evidence } = await starttlsView(ctx);
  if (failure?.stage === 'connect') {
    return { level: 'fail', summary: `no TLS from the first byte: ${failure.message}`, problem: failure.problem, evidence };
  }
  return { level: 'pass', summary: 'TLS from the first byte', evidence: evidence.slice(0, 3) };
}

/** STARTTLS and a NOOP in one write (RFC 5321 §4.1.1.9, RFC 9051 §6.1.2, RFC 1939 §5), each protocol's way. */
const INJECTION: Record<MailProtocol, string> = {
  smtp: 'STARTTLS\r\nNOOP\r\n',
  imap: 'I1 STARTTLS\r\nI2 NOOP\r\n',
  pop3: 'STLS\r\nNOOP\r\n',
};

/**
 * CVE-2011-0411: STARTTLS and NOOP in one write. A server that keeps the buffered NOOP and runs it after the
 * handshake answers it inside TLS before we send anything there.
 */
async function injectionCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  const unavailable = await tlsUnavailable(ctx);
  if (unavailable) return unavailable;
  const { protocol } = ctx.service;
  if (ctx.service.endpoint.tls === 'implicit') return { level: 'skipped', summary: `implicit-TLS service: no ${STARTTLS_COMMAND[protocol]}` };
  const { value, evidence } = await ctx.probe('starttls-injection', async (probe): Promise<CheckOutcome> => {
    await probe.read();
    if (protocol === 'smtp') await probe.command(`EHLO ${ctx.settings.ehloName}`);
    const reply = await probe.raw(Buffer.from(INJECTION[protocol]), true);
    if (reply?.status !== STARTTLS_READY[protocol]) return { level: 'skipped', summary: `pipelined ${STARTTLS_COMMAND[protocol]} answered ${reply?.status ?? 'nothing'}` };
    try {
      await probe.connection.upgradeTls({ timeoutMs: ctx.settings.timeoutMs, signal: ctx.settings.signal });
    } catch (err) {
      const error = toMailprobeError(err);
      if (error.code === ErrorCode.PROTOCOL) return { level: 'pass', summary: 'the pipelined NOOP was answered in clear, before TLS, not inside it' };
      // Dovecot's way: it hangs up on a client that pipelines after STARTTLS, so nothing runs inside TLS.
      if (error.code === ErrorCode.TLS || error.code === ErrorCode.CLOSED) return { level: 'pass', summary: `the server dropped the connection rather than run the pipelined NOOP: ${error.message}` };
      throw err;
    }
    try {
      const injected = await probe.read(Math.min(INJECTION_WAIT_MS, ctx.settings.timeoutMs));
      return { level: 'fail', summary: `the command pipelined after STARTTLS was answered inside TLS: ${injected.status}` };
    } catch (err) {
      if (toMailprobeError(err).code !== ErrorCode.TIMEOUT) throw err;
    }
    await probe.quit();
    return { level: 'pass', summary: 'the command pipelined after STARTTLS was discarded' };
  });
  return { ...value, evidence };
}

export const tlsChecks: Record<string, (ctx: ServiceContext) => Promise<CheckOutcome>> = {
  'tls.starttls': starttlsCheck,
  'tls.versions': versionsCheck,
  'tls.cipher': cipherCheck,
  'tls.certificate-chain': chainCheck,
  'tls.certificate-name': nameCheck,
  'tls.certificate-expiry': expiryCheck,
  'tls.certificate-self-signed': selfSignedCheck,
  'tls.certificate-key-size': keySizeCheck,
  'tls.implicit': implicitCheck,
  'tls.starttls-injection': injectionCheck,
};

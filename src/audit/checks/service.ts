/**
 * Service checks (RFC 5321): the service answers, greets with 220, answers EHLO with 250, how long the
 * greeting took, which extensions it offers, and what software it names. All read the one basic session.
 * net.connect of IMAP and POP3 services is mailbox.ts's. Imports audit/ and protocols/smtp/codes only.
 */
import { ReplyCode } from '../../protocols/smtp/codes.js';
import { formatDuration } from '../../util/duration.js';
import { ehloKeywords, type BasicSession, type CheckOutcome, type ServiceContext } from '../context.js';
import { mailboxConnectCheck } from './mailbox.js';

/** RFC 5321 §4.5.3.2.1: a client waits 5 minutes for the greeting; a slow one risks impatient clients. */
const SLOW_GREETING_MS = 30_000;

/** The extensions the issue asks to list, with the RFC that defines each. */
const EXTENSIONS: ReadonlyArray<[keyword: string, rfc: string]> = [
  ['PIPELINING', 'RFC 2920'],
  ['SIZE', 'RFC 1870'],
  ['8BITMIME', 'RFC 6152'],
  ['SMTPUTF8', 'RFC 6531'],
  ['CHUNKING', 'RFC 3030'],
  ['DSN', 'RFC 3461'],
  ['ENHANCEDSTATUSCODES', 'RFC 2034'],
  ['REQUIRETLS', 'RFC 8689'],
];

/** Software names servers put in banners, with an optional version right after. */
const SOFTWARE = /\b(Postfix|Exim|Sendmail|qmail|OpenSMTPD|Haraka|hMailServer|MDaemon|Zimbra|Courier|Microsoft ESMTP MAIL Service|Exchange|Kerio|IceWarp|Axigen|CommuniGate|Stalwart|Maddy|mox|smtp-sink)\b(?:[ /]+v?(\d+(?:\.\d+)+))?/i;
const VERSION_ONLY = /\b(?:version\s+|v)(\d+\.\d+(?:\.\d+)*)\b/i;

/** Skips a check when the basic session did not get far enough for it. */
function unreached(session: BasicSession, needs: string): CheckOutcome {
  return { level: 'skipped', summary: `no ${needs}: ${session.failure?.message ?? 'the session ended before it'}`, evidence: session.evidence };
}

async function connectCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  if (ctx.service.protocol !== 'smtp') return mailboxConnectCheck(ctx);
  const session = await ctx.basicSession();
  const failure = session.failure;
  if (failure?.stage === 'connect') {
    return { level: 'fail', summary: `${ctx.service.endpoint.url}: ${failure.problem}: ${failure.message}`, problem: failure.problem, evidence: session.evidence };
  }
  if (failure) {
    return { level: 'warn', summary: `connected, but the session failed at ${failure.stage}: ${failure.problem}: ${failure.message}`, problem: failure.problem, evidence: session.evidence };
  }
  return { level: 'pass', summary: `${ctx.service.endpoint.url} answers`, evidence: session.evidence.slice(0, 2) };
}

async function bannerCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  const session = await ctx.basicSession();
  const greeting = session.greeting;
  if (!greeting) return unreached(session, 'greeting');
  const evidence = session.evidence.filter((entry) => entry.dir === 's').slice(0, 1);
  if (greeting.status !== ReplyCode.SERVICE_READY) return { level: 'fail', summary: `greeting is ${greeting.status}, not 220`, evidence };
  return { level: 'pass', summary: `220 greeting: ${greeting.text.split('\r\n')[0]}`, evidence };
}

async function ehloCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  const session = await ctx.basicSession();
  if (!session.ehlo) return unreached(session, 'EHLO answer');
  const evidence = session.evidence.slice(0, 4);
  if (session.ehlo.status !== ReplyCode.OK) return { level: 'fail', summary: `EHLO answered ${session.ehlo.status}, not 250`, evidence };
  return { level: 'pass', summary: `EHLO answered 250 with ${ehloKeywords(session.ehlo).size} extensions`, evidence };
}

async function greetingDelayCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  const session = await ctx.basicSession();
  if (session.greetingMs === undefined) return unreached(session, 'greeting');
  const delay = formatDuration(session.greetingMs);
  const evidence = session.evidence.slice(0, 2);
  if (session.greetingMs > SLOW_GREETING_MS) return { level: 'warn', summary: `greeting after ${delay}`, evidence };
  return { level: 'info', summary: `greeting after ${delay}`, evidence };
}

async function extensionsCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  const session = await ctx.basicSession();
  if (!session.ehlo) return unreached(session, 'EHLO answer');
  const before = ehloKeywords(session.ehlo);
  const after = session.ehloAfterTls ? ehloKeywords(session.ehloAfterTls) : undefined;
  const width = Math.max(...EXTENSIONS.map(([keyword]) => keyword.length));
  const details = EXTENSIONS.map(([keyword, rfc]) => {
    const shown = (offered: Map<string, string> | undefined): string => {
      if (!offered) return '';
      if (!offered.has(keyword)) return 'no';
      const parameter = offered.get(keyword);
      return parameter ? `yes (${parameter})` : 'yes';
    };
    const afterText = after ? `  after STARTTLS: ${shown(after)}` : '';
    return `${keyword.padEnd(width)}  ${shown(before).padEnd(14)}${afterText}  ${rfc}`;
  });
  const offered = EXTENSIONS.filter(([keyword]) => before.has(keyword) || after?.has(keyword)).map(([keyword]) => keyword);
  return {
    level: 'info',
    summary: offered.length > 0 ? `offers ${offered.join(', ')}` : 'offers none of the listed extensions',
    details,
    evidence: session.evidence.filter((entry) => entry.dir === 's' && /^250[ -]/.test(entry.text)),
  };
}

/** The software name (and version) a banner or EHLO reply reveals, if any. */
export function disclosedSoftware(text: string): string | undefined {
  const m = SOFTWARE.exec(text);
  if (m) return m[2] ? `${m[1]} ${m[2]}` : m[1];
  const version = VERSION_ONLY.exec(text);
  return version ? `version ${version[1]}` : undefined;
}

async function softwareCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  const session = await ctx.basicSession();
  if (!session.greeting) return unreached(session, 'greeting');
  const texts = [session.greeting.text, session.ehlo?.text.split('\r\n')[0] ?? ''];
  const found = texts.map(disclosedSoftware).find((name) => name !== undefined);
  const evidence = session.evidence.filter((entry) => entry.dir === 's').slice(0, 2);
  return { level: 'info', summary: found ? `discloses ${found}` : 'names no software', evidence };
}

export const serviceChecks: Record<string, (ctx: ServiceContext) => Promise<CheckOutcome>> = {
  'net.connect': connectCheck,
  'smtp.banner': bannerCheck,
  'smtp.ehlo': ehloCheck,
  'smtp.greeting-delay': greetingDelayCheck,
  'smtp.extensions': extensionsCheck,
  'smtp.software': softwareCheck,
};

/**
 * Authentication checks (RFC 4954): AUTH offered on a plaintext connection, and the mechanisms offered
 * before and after STARTTLS. Never authenticates: they read the basic session's EHLO answers.
 * Imports audit/context only.
 */
import { ehloKeywords, type CheckOutcome, type ServiceContext } from '../context.js';

/** RFC 4954 §3: "AUTH" SP mechanism *(SP mechanism); the older "AUTH=" form is read too. */
function mechanisms(keywords: Map<string, string>): string[] | undefined {
  const auth = keywords.get('AUTH');
  return auth === undefined ? undefined : auth.split(/[\s=]+/).filter((m) => m !== '');
}

async function beforeTlsCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  if (ctx.service.endpoint.tls === 'implicit') return { level: 'skipped', summary: 'implicit-TLS service: nothing is sent in clear' };
  const session = await ctx.basicSession();
  if (!session.ehlo) return { level: 'skipped', summary: `no EHLO answer: ${session.failure?.message ?? 'session ended'}`, evidence: session.evidence };
  const offered = mechanisms(ehloKeywords(session.ehlo));
  const evidence = session.evidence.filter((entry) => entry.dir === 's' && /^250[ -]/.test(entry.text)).slice(0, 1);
  if (offered) return { level: 'fail', summary: `AUTH ${offered.join(' ')} offered before TLS: credentials would cross in clear`, evidence };
  return { level: 'pass', summary: 'AUTH not offered before TLS', evidence };
}

async function mechanismsCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  const session = await ctx.basicSession();
  if (!session.ehlo) return { level: 'skipped', summary: `no EHLO answer: ${session.failure?.message ?? 'session ended'}`, evidence: session.evidence };
  const show = (list: string[] | undefined): string => (list ? list.join(' ') : 'none');
  const first = mechanisms(ehloKeywords(session.ehlo));
  const implicit = ctx.service.endpoint.tls === 'implicit';
  const details = implicit
    ? [`over implicit TLS: ${show(first)}`]
    : [`before TLS: ${show(first)}`, `after STARTTLS: ${session.ehloAfterTls ? show(mechanisms(ehloKeywords(session.ehloAfterTls))) : 'not reached'}`];
  return { level: 'info', summary: details.join('; '), details, evidence: session.evidence.filter((entry) => entry.dir === 's' && /^250[ -]/.test(entry.text)) };
}

export const authChecks: Record<string, (ctx: ServiceContext) => Promise<CheckOutcome>> = {
  'auth.before-tls': beforeTlsCheck,
  'auth.mechanisms': mechanismsCheck,
};

/**
 * DNS checks of a mail domain: MX (RFC 5321 §5.1, RFC 2181 §10.3, RFC 7505), MX addresses, FCrDNS, and the
 * policy records — SPF (RFC 7208), DMARC (RFC 7489) and MTA-STS (RFC 8461) parsed by mailauth, TLS-RPT
 * (RFC 8460 §3) — with the MTA-STS policy fetched over HTTPS from mta-sts.<domain> (resolved through the
 * audit's resolver). Imports audit/, node:https, node:net (isIP only) and mailauth.
 */
import https from 'node:https';
import { isIP } from 'node:net';
import type { MTASTSPolicy } from 'mailauth';
import type { CheckOutcome } from '../context.js';
import { problemOfDns, type DnsClient } from '../dns.js';

/** mailauth costs ~1.5 s to import: loaded when a policy-record check runs, not with the CLI. */
const mailauth = (): Promise<typeof import('mailauth')> => import('mailauth');
const mtaSts = (): Promise<typeof import('mailauth/lib/mta-sts.js')> => import('mailauth/lib/mta-sts.js');

/** RFC 8461 §3.3: the policy is at most 64 KiB. */
const MAX_POLICY_BYTES = 64 * 1024;

export interface MxHost {
  name: string;
  priority: number;
  addresses: string[];
}

/** The domain's MX answer, resolved once and shared by its checks and the host audits. */
export interface MxInfo {
  /** Empty when the lookup failed (see failure) or the domain has a null MX. */
  hosts: MxHost[];
  /** RFC 7505 null MX: the domain accepts no mail. */
  nullMx: boolean;
  /** No MX: mail goes to the domain's own A/AAAA (RFC 5321 §5.1). */
  implicit: boolean;
  failure?: { reason: 'nxdomain' | 'nodata' | 'timeout' | 'error'; message: string };
  evidence: ReturnType<DnsClient['since']>;
}

export interface DomainContext {
  domain: string;
  dns: DnsClient;
  mx: MxInfo;
  timeoutMs: number;
  /** Port of the MTA-STS policy server (443; another in tests). */
  httpsPort: number;
  ca?: string;
}

/** MX lookup with the A/AAAA fallback; runs before any check so that the hosts can be audited. */
export async function resolveMx(dns: DnsClient, domain: string): Promise<MxInfo> {
  const mark = dns.mark();
  const answer = await dns.query('MX', domain);
  if (!answer.ok) {
    if (answer.reason === 'nodata') {
      const { addresses } = await dns.addresses(domain);
      const hosts = addresses.length > 0 ? [{ name: domain, priority: 0, addresses }] : [];
      return { hosts, nullMx: false, implicit: true, evidence: dns.since(mark) };
    }
    return { hosts: [], nullMx: false, implicit: false, failure: { reason: answer.reason, message: answer.message }, evidence: dns.since(mark) };
  }
  const records = [...answer.answers].sort((a, b) => a.priority - b.priority);
  if (records.length === 1 && (records[0]!.exchange === '' || records[0]!.exchange === '.')) {
    return { hosts: [], nullMx: true, implicit: false, evidence: dns.since(mark) };
  }
  const hosts: MxHost[] = [];
  for (const record of records) {
    const addresses = isIP(record.exchange) !== 0 ? [] : (await dns.addresses(record.exchange)).addresses;
    hosts.push({ name: record.exchange, priority: record.priority, addresses });
  }
  return { hosts, nullMx: false, implicit: false, evidence: dns.since(mark) };
}

async function mxCheck(ctx: DomainContext): Promise<CheckOutcome> {
  const { mx } = ctx;
  const evidence = mx.evidence;
  if (mx.failure) {
    return { level: 'fail', summary: mx.failure.message, problem: problemOfDns(mx.failure.reason), evidence };
  }
  if (mx.nullMx) return { level: 'info', summary: 'null MX (RFC 7505): the domain accepts no mail', evidence };
  if (mx.implicit) return { level: 'warn', summary: `no MX records: mail goes to ${ctx.domain}'s own address (RFC 5321 §5.1)`, evidence };
  const problems: string[] = [];
  const mark = ctx.dns.mark();
  for (const host of mx.hosts) {
    if (isIP(host.name) !== 0) {
      problems.push(`${host.name} is an IP address, not a name`);
      continue;
    }
    const cname = await ctx.dns.query('CNAME', host.name);
    if (cname.ok && cname.answers.length > 0) problems.push(`${host.name} is a CNAME to ${cname.answers.join(', ')} (RFC 2181 §10.3)`);
  }
  const all = [...evidence, ...ctx.dns.since(mark)];
  const list = mx.hosts.map((host) => `${host.priority} ${host.name}`);
  if (problems.length > 0) return { level: 'fail', summary: problems.join('; '), details: list, evidence: all };
  return { level: 'pass', summary: `${mx.hosts.length} MX: ${mx.hosts.map((host) => host.name).join(', ')}`, details: list, evidence: all };
}

async function mxResolvesCheck(ctx: DomainContext): Promise<CheckOutcome> {
  const { mx } = ctx;
  if (mx.hosts.length === 0) return { level: 'skipped', summary: 'no MX hosts to resolve', evidence: mx.evidence };
  const missing = mx.hosts.filter((host) => host.addresses.length === 0).map((host) => host.name);
  const details = mx.hosts.map((host) => `${host.name}: ${host.addresses.join(', ') || 'no address'}`);
  if (missing.length > 0) return { level: 'fail', summary: `no address for ${missing.join(', ')}`, details, evidence: mx.evidence };
  return { level: 'pass', summary: 'every MX host has an address', details, evidence: mx.evidence };
}

async function fcrdnsCheck(ctx: DomainContext): Promise<CheckOutcome> {
  const addresses = ctx.mx.hosts.flatMap((host) => host.addresses);
  if (addresses.length === 0) return { level: 'skipped', summary: 'no MX addresses' };
  const mark = ctx.dns.mark();
  const details: string[] = [];
  let confirmed = 0;
  for (const address of addresses) {
    const ptr = await ctx.dns.query('PTR', address);
    if (!ptr.ok || ptr.answers.length === 0) {
      details.push(`${address}: no PTR`);
      continue;
    }
    let back = false;
    for (const name of ptr.answers) if ((await ctx.dns.addresses(name)).addresses.includes(address)) back = true;
    details.push(`${address}: PTR ${ptr.answers.join(', ')}${back ? ' (forward-confirmed)' : ' (does not resolve back)'}`);
    if (back) confirmed += 1;
  }
  const evidence = ctx.dns.since(mark);
  if (confirmed < addresses.length) return { level: 'warn', summary: `${addresses.length - confirmed} of ${addresses.length} MX addresses lack forward-confirmed reverse DNS`, details, evidence };
  return { level: 'pass', summary: 'every MX address has forward-confirmed reverse DNS', details, evidence };
}

async function spfCheck(ctx: DomainContext): Promise<CheckOutcome> {
  const mark = ctx.dns.mark();
  // The MX's own address: the SPF result for it is shown, the record's validity is what is judged.
  const ip = ctx.mx.hosts.flatMap((host) => host.addresses)[0] ?? '192.0.2.1';
  const { spf } = await mailauth();
  const result = await spf({ sender: `postmaster@${ctx.domain}`, ip, helo: ctx.domain, mta: 'mailprobe', resolver: ctx.dns.forMailauth });
  const evidence = ctx.dns.since(mark);
  const status = result.status.result;
  const record = result.rr ? `"${result.rr}"` : 'no record';
  const comment = result.status.comment ?? '';
  if (status === 'none') return { level: 'warn', summary: 'no SPF record', evidence };
  if (status === 'permerror') return { level: 'fail', summary: `SPF record invalid: ${comment}`, details: [record], evidence };
  if (status === 'temperror' || status === 'temperr') return { level: 'warn', summary: `SPF lookup failed: ${comment}`, problem: 'dns', evidence };
  const lookups = result.lookups ? ` (${result.lookups.count} of ${result.lookups.limit} DNS lookups)` : '';
  return { level: 'pass', summary: `SPF record valid${lookups}; ${status} for ${ip}`, details: [record], evidence };
}

async function dmarcCheck(ctx: DomainContext): Promise<CheckOutcome> {
  const mark = ctx.dns.mark();
  const { dmarc } = await mailauth();
  const result = await dmarc({ headerFrom: `postmaster@${ctx.domain}`, spfDomains: [], dkimDomains: [], resolver: ctx.dns.forMailauth });
  const evidence = ctx.dns.since(mark);
  if (!result || !result.rr) return { level: 'warn', summary: 'no DMARC record', evidence };
  const details = [`"${result.rr}"`];
  if (result.p === 'none') return { level: 'warn', summary: 'DMARC policy p=none: monitoring only', details, evidence };
  if (result.p === 'quarantine' || result.p === 'reject') return { level: 'pass', summary: `DMARC policy p=${result.p}`, details, evidence };
  return { level: 'fail', summary: `DMARC record without a valid policy (p=${result.p || 'missing'})`, details, evidence };
}

/** GET https://mta-sts.<domain>/.well-known/mta-sts.txt at the address our resolver gives (RFC 8461 §3.3). */
async function fetchPolicyText(ctx: DomainContext, address: string): Promise<string> {
  const servername = `mta-sts.${ctx.domain}`;
  return new Promise<string>((resolve, reject) => {
    const request = https.request(
      {
        host: address,
        port: ctx.httpsPort,
        path: '/.well-known/mta-sts.txt',
        servername,
        headers: { host: servername },
        timeout: ctx.timeoutMs,
        ...(ctx.ca === undefined ? {} : { ca: ctx.ca }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_POLICY_BYTES) request.destroy(new Error(`policy larger than ${MAX_POLICY_BYTES} bytes`));
          else chunks.push(chunk);
        });
        response.on('end', () => {
          if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode ?? '?'} for https://${servername}/.well-known/mta-sts.txt`));
          else resolve(Buffer.concat(chunks).toString('utf8'));
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer from https://${servername} within ${ctx.timeoutMs} ms`)));
    request.on('error', reject);
    request.end();
  });
}

async function mtaStsCheck(ctx: DomainContext): Promise<CheckOutcome> {
  const { parsePolicy, resolvePolicy, validateMx } = await mtaSts();
  const mark = ctx.dns.mark();
  const id = await resolvePolicy(ctx.domain, { resolver: ctx.dns.forMailauth }).catch((err: Error) => err);
  if (id instanceof Error) return { level: 'fail', summary: `MTA-STS record invalid: ${id.message}`, evidence: ctx.dns.since(mark) };
  if (!id) return { level: 'info', summary: 'no MTA-STS record', evidence: ctx.dns.since(mark) };
  const { addresses } = await ctx.dns.addresses(`mta-sts.${ctx.domain}`);
  const evidence = ctx.dns.since(mark);
  if (addresses.length === 0) return { level: 'fail', summary: `MTA-STS record (id ${id}) but mta-sts.${ctx.domain} has no address`, evidence };
  let policyText: string;
  try {
    policyText = await fetchPolicyText(ctx, addresses[0]!);
  } catch (err) {
    return { level: 'fail', summary: `MTA-STS policy not fetched over HTTPS: ${(err as Error).message}`, evidence };
  }
  const fetched = [...evidence, { session: 'https', dir: 's' as const, atMs: evidence.at(-1)?.atMs ?? 0, text: policyText }];
  let policy: MTASTSPolicy;
  try {
    policy = parsePolicy(policyText);
  } catch (err) {
    return { level: 'fail', summary: `MTA-STS policy malformed: ${(err as Error).message}`, evidence: fetched };
  }
  const uncovered = ctx.mx.hosts.filter((host) => !validateMx(host.name, policy).valid).map((host) => host.name);
  const details = [`mode: ${policy.mode}`, `mx: ${(policy.mx ?? []).join(', ')}`, `max_age: ${policy.maxAge ?? '?'}`];
  if (uncovered.length > 0) return { level: 'fail', summary: `MTA-STS policy does not cover ${uncovered.join(', ')}`, details, evidence: fetched };
  if (policy.mode !== 'enforce') return { level: 'warn', summary: `MTA-STS policy in ${policy.mode} mode covers every MX`, details, evidence: fetched };
  return { level: 'pass', summary: 'MTA-STS policy (enforce) covers every MX', details, evidence: fetched };
}

async function tlsRptCheck(ctx: DomainContext): Promise<CheckOutcome> {
  const mark = ctx.dns.mark();
  const answer = await ctx.dns.query('TXT', `_smtp._tls.${ctx.domain}`);
  const evidence = ctx.dns.since(mark);
  const records = answer.ok ? answer.answers.map((parts) => parts.join('')).filter((text) => /^v=TLSRPTv1\s*;/i.test(text)) : [];
  if (records.length === 0) return { level: 'info', summary: 'no TLS-RPT record', evidence };
  // RFC 8460 §3: exactly one record, with rua= mailto: or https: URIs.
  if (records.length > 1) return { level: 'warn', summary: `${records.length} TLS-RPT records (RFC 8460 §3 wants one)`, evidence };
  const rua = /(?:^|;)\s*rua\s*=\s*([^;]+)/i.exec(records[0]!)?.[1]?.trim();
  if (!rua || !rua.split(',').every((uri) => /^(mailto:|https:)/i.test(uri.trim()))) return { level: 'warn', summary: 'TLS-RPT record without a valid rua=', evidence };
  return { level: 'pass', summary: `TLS-RPT reports go to ${rua}`, evidence };
}

export const dnsChecks: Record<string, (ctx: DomainContext) => Promise<CheckOutcome>> = {
  'dns.mx': mxCheck,
  'dns.mx-resolves': mxResolvesCheck,
  'dns.fcrdns': fcrdnsCheck,
  'dns.spf': spfCheck,
  'dns.dmarc': dmarcCheck,
  'dns.mta-sts': mtaStsCheck,
  'dns.tls-rpt': tlsRptCheck,
};

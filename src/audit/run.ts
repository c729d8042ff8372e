/**
 * Runs an audit: resolves each target (a domain through MX, a host or URL directly), runs the selected
 * checks of the catalogue on every domain and SMTP service, and returns the AuditResult. Hosts run
 * concurrently (--concurrency), each behind its own connection gate; a global deadline stops what is left
 * (reported as skipped). Any failure to reach a server is a finding, never a thrown error.
 * Never prints. Imports audit/ and util/ only.
 */
import pLimit from 'p-limit';
import { authChecks } from './checks/auth.js';
import { dnsChecks, resolveMx, type DomainContext } from './checks/dns.js';
import { mailboxChecks } from './checks/mailbox.js';
import { relayChecks } from './checks/relay.js';
import { serviceChecks } from './checks/service.js';
import { smugglingChecks } from './checks/smuggling.js';
import { tlsChecks } from './checks/tls.js';
import { CHECKS } from './catalogue.js';
import { ServiceContext, type AuditSettings, type CheckOutcome, type ServiceName, type ServiceTarget } from './context.js';
import { DnsClient } from './dns.js';
import { gradeOf } from './grade.js';
import { HostGate, ProbeFailure, deadlineError } from './probe.js';
import { parseAuditTarget, type AuditTarget } from './targets.js';
import { AREAS, AUDIT_RESULT_VERSION, LEVELS, type AuditResult, type CheckDefinition, type Finding, type LevelCounts, type MailProtocol, type ServiceAudit, type SubjectAudit } from './types.js';

const SERVICE_CHECKS: Record<string, (ctx: ServiceContext) => Promise<CheckOutcome>> = {
  ...serviceChecks,
  ...tlsChecks,
  ...relayChecks,
  ...authChecks,
  ...smugglingChecks,
  ...mailboxChecks,
};

/** Every implemented check id (a test holds this equal to the catalogue). */
export const CHECK_IMPLEMENTATIONS: Readonly<Record<string, unknown>> = { ...SERVICE_CHECKS, ...dnsChecks };

export interface AuditOptions {
  /** Domains, host[:port] or smtp(s):// URLs, as given. */
  targets: string[];
  /** --resolver IP[:PORT]; the system's resolvers when undefined. */
  resolver?: string;
  /** SMTP port of MX hosts and of hosts given without one. */
  port: number;
  /** Also audit submission (STARTTLS) and smtps (implicit TLS) on these ports. */
  submissionPorts?: { submission: number; smtps: number };
  /** Also audit IMAP (STARTTLS) and IMAPS on these ports. */
  imapPorts?: { imap: number; imaps: number };
  /** Also audit POP3 (STLS) and POP3S on these ports. */
  pop3Ports?: { pop3: number; pop3s: number };
  /** Selected check ids (see catalogue.selectChecks). */
  checks: ReadonlySet<string>;
  timeoutMs: number;
  /** Hosts audited at once. */
  concurrency: number;
  /** Simultaneous connections to one host. */
  perHostConnections: number;
  /** Pause between the starts of two probes of one host. */
  rateMs: number;
  /** The whole audit. */
  deadlineMs: number;
  ehloName: string;
  rcpt?: string;
  intrusive: boolean;
  ca?: string;
  httpsPort: number;
  version: string;
  /** Aborted on SIGINT: what is left is skipped. */
  signal?: AbortSignal;
}

interface HostPlan {
  name: string;
  via?: string;
  /** Where to connect (an address found through the resolver, or the host as given). */
  address: string;
  services: Array<{ name: ServiceName; protocol: MailProtocol; port: number; tls: 'none' | 'implicit' }>;
  servername?: string;
}

/** Why the audit stopped early: the deadline's or the interrupt's own message. */
function stopReason(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : 'the audit was stopped';
}

function skippedFinding(check: CheckDefinition, summary: string): Finding {
  return { id: check.id, area: check.area, title: check.title, rule: check.rule, level: 'skipped', summary, evidence: [], durationMs: 0 };
}

/** Runs one check into a Finding; a thrown error is a finding too. */
async function runCheck<C>(check: CheckDefinition, ctx: C, fn: (ctx: C) => Promise<CheckOutcome>, signal: AbortSignal): Promise<Finding> {
  if (signal.aborted) return skippedFinding(check, `not run: ${stopReason(signal)}`);
  const started = performance.now();
  let outcome: CheckOutcome;
  try {
    outcome = await fn(ctx);
  } catch (err) {
    if (err instanceof ProbeFailure) {
      outcome = err.problem === 'deadline'
        ? { level: 'skipped', summary: `not finished: ${err.message}`, evidence: err.evidence }
        : { level: 'warn', summary: `could not complete: ${err.problem}: ${err.message}`, problem: err.problem, evidence: err.evidence };
    } else {
      outcome = { level: 'warn', summary: `could not complete: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  return {
    id: check.id,
    area: check.area,
    title: check.title,
    rule: check.rule,
    level: outcome.level,
    summary: outcome.summary,
    ...(outcome.details ? { details: outcome.details } : {}),
    ...(outcome.problem ? { problem: outcome.problem } : {}),
    evidence: outcome.evidence ?? [],
    durationMs: Math.round(performance.now() - started),
  };
}

function servicesFor(options: AuditOptions, port: number | undefined, tls: 'none' | 'implicit'): HostPlan['services'] {
  const services: HostPlan['services'] = [{ name: tls === 'implicit' ? 'smtps' : 'smtp', protocol: 'smtp', port: port ?? options.port, tls }];
  const { submissionPorts: submission, imapPorts: imap, pop3Ports: pop3 } = options;
  if (submission) {
    services.push({ name: 'submission', protocol: 'smtp', port: submission.submission, tls: 'none' });
    services.push({ name: 'smtps', protocol: 'smtp', port: submission.smtps, tls: 'implicit' });
  }
  if (imap) {
    services.push({ name: 'imap', protocol: 'imap', port: imap.imap, tls: 'none' });
    services.push({ name: 'imaps', protocol: 'imap', port: imap.imaps, tls: 'implicit' });
  }
  if (pop3) {
    services.push({ name: 'pop3', protocol: 'pop3', port: pop3.pop3, tls: 'none' });
    services.push({ name: 'pop3s', protocol: 'pop3', port: pop3.pop3s, tls: 'implicit' });
  }
  return services;
}

/**
 * The selected service checks of one service, in catalogue order. net.connect always runs: an unreachable
 * service is named (and its other checks skipped with the reason) even when `selected` leaves it out.
 */
export async function auditServiceTarget(target: ServiceTarget, settings: AuditSettings, gate: HostGate, selected: ReadonlySet<string>): Promise<Finding[]> {
  const ctx = new ServiceContext(target, settings, gate, selected);
  const checks = CHECKS.filter((check) => check.scope === 'service' && check.protocols.includes(target.protocol));
  const connect = checks.find((check) => check.id === 'net.connect')!;
  const reach = await runCheck(connect, ctx, SERVICE_CHECKS[connect.id]!, settings.signal);
  const findings = selected.has(connect.id) || reach.level === 'fail' ? [reach] : [];
  for (const check of checks) {
    if (check === connect || !selected.has(check.id)) continue;
    if (reach.level === 'fail') findings.push(skippedFinding(check, `service unreachable (${reach.problem ?? 'unknown'})`));
    else findings.push(await runCheck(check, ctx, SERVICE_CHECKS[check.id]!, settings.signal));
  }
  return findings;
}

async function auditService(plan: HostPlan, service: HostPlan['services'][number], gate: HostGate, settings: AuditSettings, options: AuditOptions): Promise<ServiceAudit> {
  const scheme = `${service.protocol}${service.tls === 'implicit' ? 's' : ''}`;
  const bracketed = plan.address.includes(':') ? `[${plan.address}]` : plan.address;
  const url = `${scheme}://${bracketed}:${service.port}`;
  const target: ServiceTarget = {
    name: service.name,
    protocol: service.protocol,
    endpoint: { host: plan.address, port: service.port, tls: service.tls, verify: false, url, ...(plan.servername ? { servername: plan.servername } : {}) },
    hostName: plan.name,
    localDomain: plan.via ?? options.rcpt?.split('@')[1] ?? (plan.name === plan.address ? `[${plan.address}]` : plan.name),
  };
  return { name: service.name, url, findings: await auditServiceTarget(target, settings, gate, options.checks) };
}

function withGrades(subject: Omit<SubjectAudit, 'grades'>): SubjectAudit {
  const findings = [...subject.findings, ...subject.services.flatMap((service) => service.findings)];
  const grades: SubjectAudit['grades'] = {};
  for (const area of AREAS) {
    const inArea = findings.filter((finding) => finding.area === area);
    if (inArea.length > 0) grades[area] = gradeOf(inArea);
  }
  return { ...subject, grades };
}

async function auditHost(plan: HostPlan, settings: AuditSettings, options: AuditOptions): Promise<SubjectAudit> {
  const gate = new HostGate(options.perHostConnections, options.rateMs);
  const services: ServiceAudit[] = [];
  for (const service of plan.services) services.push(await auditService(plan, service, gate, settings, options));
  const found = plan.via ? { via: plan.via, address: plan.address } : {};
  return withGrades({ kind: 'host', name: plan.name, ...found, findings: [], services });
}

async function auditDomain(domain: string, dns: DnsClient, settings: AuditSettings, options: AuditOptions): Promise<{ subject: SubjectAudit; hosts: HostPlan[] }> {
  const mx = await resolveMx(dns, domain);
  const ctx: DomainContext = { domain, dns, mx, timeoutMs: options.timeoutMs, httpsPort: options.httpsPort, ...(options.ca === undefined ? {} : { ca: options.ca }) };
  const findings: Finding[] = [];
  for (const check of CHECKS.filter((c) => c.scope === 'domain' && options.checks.has(c.id))) {
    findings.push(await runCheck(check, ctx, dnsChecks[check.id]!, settings.signal));
  }
  // Every address of every MX (IPv4 and IPv6): a sender may reach any of them (RFC 5321 §5.1).
  const hosts = mx.hosts.flatMap((host) =>
    host.addresses.map((address) => ({ name: host.name, via: domain, address, services: servicesFor(options, undefined, 'none'), servername: host.name })),
  );
  return { subject: withGrades({ kind: 'domain', name: domain, findings, services: [] }), hosts };
}

function hostPlan(target: Extract<AuditTarget, { kind: 'host' }>, options: AuditOptions): HostPlan {
  // An imap(s):// or pop3(s):// URL names that one service; smtp ones get --submission, --imap, --pop3 too.
  const services: HostPlan['services'] =
    target.protocol === 'smtp'
      ? servicesFor(options, target.port, target.tls)
      : [{ name: `${target.protocol}${target.tls === 'implicit' ? 's' : ''}` as ServiceName, protocol: target.protocol, port: target.port!, tls: target.tls }];
  return {
    name: target.servername ?? target.host,
    address: target.host,
    services,
    ...(target.servername ? { servername: target.servername } : {}),
  };
}

function countLevels(subjects: SubjectAudit[]): LevelCounts {
  const counts = Object.fromEntries(LEVELS.map((level) => [level, 0])) as LevelCounts;
  for (const subject of subjects) {
    for (const finding of [...subject.findings, ...subject.services.flatMap((service) => service.findings)]) counts[finding.level] += 1;
  }
  return counts;
}

/** Runs the audit; targets must parse (the CLI checks them first with parseAuditTarget). */
export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  const startedAt = new Date();
  const startNs = process.hrtime.bigint();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(deadlineError()), options.deadlineMs);
  const onInterrupt = (): void => deadline.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onInterrupt, { once: true });
  const settings: AuditSettings = {
    timeoutMs: options.timeoutMs,
    signal: deadline.signal,
    startNs,
    ehloName: options.ehloName,
    intrusive: options.intrusive,
    ...(options.rcpt === undefined ? {} : { rcpt: options.rcpt }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  };
  try {
    const dns = new DnsClient(options.resolver, options.timeoutMs, startNs);
    const subjects: SubjectAudit[] = [];
    const plans: HostPlan[] = [];
    for (const text of options.targets) {
      const target = parseAuditTarget(text);
      if (target.kind === 'host') {
        plans.push(hostPlan(target, options));
        continue;
      }
      const { subject, hosts } = await auditDomain(target.name, dns, settings, options);
      subjects.push(subject);
      plans.push(...hosts);
    }
    // With only domain checks selected (--checks dns), the hosts are not contacted at all.
    const anyServiceCheck = CHECKS.some((check) => check.scope === 'service' && options.checks.has(check.id));
    const limit = pLimit(options.concurrency);
    if (anyServiceCheck) subjects.push(...(await Promise.all(plans.map((plan) => limit(() => auditHost(plan, settings, options))))));
    return {
      version: AUDIT_RESULT_VERSION,
      tool: { name: 'mailprobe', version: options.version },
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(Number(process.hrtime.bigint() - startNs) / 1e6),
      targets: [...options.targets],
      deadlineReached: deadline.signal.aborted && options.signal?.aborted !== true,
      summary: countLevels(subjects),
      subjects,
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onInterrupt);
  }
}

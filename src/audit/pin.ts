/**
 * Audit findings pinned in a scenario (`audit:` steps): the selected checks of the catalogue run against one
 * endpoint — the scenario session's target — through the same check code as `mailprobe audit`, and each
 * finding is held to the levels (and the pattern) the step pins. Smuggling probes deliver mail, so they are
 * never intrusive here (reported as skipped). Never prints. Imports audit/ and wire types.
 */
import { isIP } from 'node:net';
import type { Endpoint } from '../wire/types.js';
import { CHECKS, selectChecks } from './catalogue.js';
import type { ServiceName, ServiceTarget } from './context.js';
import { HostGate } from './probe.js';
import { auditServiceTarget } from './run.js';
import type { Finding, MailProtocol } from './types.js';

export interface PinnedAudit {
  protocol: MailProtocol;
  /** The session's target as resolved (its `ca` is used to verify the chain; `verify` is ignored: certificates are judged, not refused). */
  endpoint: Endpoint;
  /** Check ids or globs, as the step wrote them. */
  checks: readonly string[];
  /** Levels each finding may have. */
  levels: readonly string[];
  /** Each finding's summary and details must match. */
  match?: RegExp;
  timeoutMs: number;
  signal: AbortSignal;
  /** process.hrtime.bigint() at the scenario's start: evidence times count from it. */
  startNs: bigint;
}

export interface PinOutcome {
  findings: Finding[];
  /** When some findings are not as pinned: those findings, and what to report. */
  mismatch?: { off: Finding[]; message: string; expected: string; actual: string };
}

const EHLO_NAME = 'audit.mailprobe.invalid';
/** Checks a glob leaves out where they cannot apply: they would only be skipped. */
const PLAINTEXT_ONLY: ReadonlySet<string> = new Set(['tls.starttls', 'tls.starttls-injection', 'auth.imap-logindisabled', 'auth.pop3-plaintext']);
const IMPLICIT_ONLY: ReadonlySet<string> = new Set(['tls.implicit']);

/** Ids named exactly always run; ids a glob selects run where they apply to this endpoint's TLS mode. */
function selected(pin: PinnedAudit): Set<string> {
  const exact = new Set(pin.checks.filter((text) => CHECKS.some((check) => check.id === text)));
  const inapplicable = pin.endpoint.tls === 'implicit' ? PLAINTEXT_ONLY : IMPLICIT_ONLY;
  return new Set([...selectChecks(pin.checks, [])].filter((id) => exact.has(id) || !inapplicable.has(id)));
}

function findingText(finding: Finding): string {
  return [finding.summary, ...(finding.details ?? [])].join('\n');
}

export async function runPinnedAudit(pin: PinnedAudit): Promise<PinOutcome> {
  const { endpoint, protocol } = pin;
  const hostName = endpoint.servername ?? endpoint.host;
  const target: ServiceTarget = {
    name: `${protocol}${endpoint.tls === 'implicit' ? 's' : ''}` as ServiceName,
    protocol,
    endpoint: { ...endpoint, verify: false },
    hostName,
    localDomain: isIP(hostName) === 0 ? hostName : `[${hostName}]`,
  };
  const settings = {
    timeoutMs: pin.timeoutMs,
    signal: pin.signal,
    startNs: pin.startNs,
    ehloName: EHLO_NAME,
    intrusive: false,
    ...(endpoint.ca === undefined ? {} : { ca: endpoint.ca }),
  };
  // One connection at a time, no pause: the audit CLI's manners for a single service.
  const findings = await auditServiceTarget(target, settings, new HostGate(1, 0), selected(pin));
  const off = findings.filter((finding) => !pin.levels.includes(finding.level) || (pin.match !== undefined && !pin.match.test(findingText(finding))));
  if (off.length === 0) return { findings };
  const expected = `${pin.levels.join(' | ')}${pin.match ? ` matching ${String(pin.match)}` : ''}`;
  const first = off[0]!;
  const more = off.length > 1 ? ` (and ${off.length - 1} more)` : '';
  return {
    findings,
    mismatch: {
      off,
      message: `audit ${first.id}: expected ${expected}, got ${first.level}: ${first.summary}${more}`,
      expected,
      actual: off.map((finding) => `${finding.id} ${finding.level}: ${findingText(finding)}`).join('\n'),
    },
  };
}

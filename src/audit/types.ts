/**
 * The audit's result model: plain, JSON-serialisable, versioned data that every audit reporter reads.
 * A finding is one check applied to one subject (a domain or one service of a host), with its level, the
 * rule it comes from and the transcript lines that prove it (secrets already masked).
 * Bump AUDIT_RESULT_VERSION on any incompatible change (docs/audit.md documents the JSON).
 * Imports only results/types.
 */
import type { TranscriptEntry } from '../results/types.js';

export const AUDIT_RESULT_VERSION = 1;

/** skipped always carries its reason. */
export type Level = 'pass' | 'warn' | 'fail' | 'info' | 'skipped';
export const LEVELS: readonly Level[] = ['fail', 'warn', 'pass', 'info', 'skipped'];

export type Area = 'net' | 'dns' | 'smtp' | 'tls' | 'relay' | 'enumeration' | 'auth' | 'smuggling';
export const AREAS: readonly Area[] = ['net', 'dns', 'smtp', 'tls', 'relay', 'enumeration', 'auth', 'smuggling'];

/** Why a check could not talk to the server: each a named finding, never a crash. */
export type NetworkProblem = 'unreachable' | 'refused' | 'timeout' | 'dropped' | 'tls' | 'dns' | 'dns-timeout' | 'deadline';

export interface CheckDefinition {
  /** Stable, documented id ("tls.versions"); --checks / --skip glob over it. */
  id: string;
  area: Area;
  title: string;
  /** The rule the check comes from: "RFC 8996 §2", "CVE-2011-0411". */
  rule: string;
  /** What the levels mean for this check, for --help and docs/audit.md. */
  description: string;
  /** 'domain': runs once per audited domain; 'service': once per service of a host. */
  scope: 'domain' | 'service';
  /** The protocols of the services it applies to (service checks; domain checks have none). */
  protocols: readonly MailProtocol[];
}

export type MailProtocol = 'smtp' | 'imap' | 'pop3';

export interface Finding {
  id: string;
  area: Area;
  title: string;
  rule: string;
  level: Level;
  /** One line: what was found. For skipped: the reason. */
  summary: string;
  /** Further lines: a table of extensions, each relay probe's answer … */
  details?: string[];
  /** Set when the check could not reach the server. */
  problem?: NetworkProblem;
  /** The transcript lines that prove the finding, secrets masked. */
  evidence: TranscriptEntry[];
  durationMs: number;
}

export interface ServiceAudit {
  /** "smtp", "submission", "smtps". */
  name: string;
  /** smtp://host:port as audited. */
  url: string;
  findings: Finding[];
}

/** Grade of an area: A all passed, B a warning, F a failure, "-" nothing checked. */
export type Grade = 'A' | 'B' | 'F' | '-';

export interface SubjectAudit {
  kind: 'domain' | 'host';
  /** The domain or host name as given or found through MX. */
  name: string;
  /** For a host found through a domain's MX records: that domain. */
  via?: string;
  /** For a host found through MX: the one address of it audited (each address of an MX is its own subject). */
  address?: string;
  /** Findings that belong to the subject itself (DNS checks of a domain). */
  findings: Finding[];
  services: ServiceAudit[];
  grades: Partial<Record<Area, Grade>>;
}

export type LevelCounts = Record<Level, number>;

export interface AuditResult {
  version: typeof AUDIT_RESULT_VERSION;
  tool: { name: 'mailprobe'; version: string };
  startedAt: string;
  durationMs: number;
  /** The command-line subjects, as given. */
  targets: string[];
  /** True when the global deadline stopped checks (they are reported as skipped). */
  deadlineReached: boolean;
  summary: LevelCounts;
  subjects: SubjectAudit[];
}

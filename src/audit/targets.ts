/**
 * What the audit was asked to look at: `domain` (resolved through MX), `host:port`, an IP literal, or an
 * smtp(s):// URL. Parsing only; resolution happens in run.ts. Imports runner/targets and util/errors.
 */
import { isIP } from 'node:net';
import { parseTargetUrl } from '../runner/targets.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';

export type AuditTarget =
  | { kind: 'domain'; name: string }
  /** port undefined: --port; tls implicit for smtps:// URLs. */
  | { kind: 'host'; host: string; port?: number; tls: 'none' | 'implicit'; servername?: string };

/** RFC 1035 §2.3.1 names (letters, digits, hyphens; a trailing dot allowed). */
const DOMAIN = /^(?=.{1,253}\.?$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$/;

function usage(message: string): MailprobeError {
  return new MailprobeError(ErrorCode.CONFIG, message);
}

export function parseAuditTarget(text: string): AuditTarget {
  if (text.includes('://')) {
    const { protocol, endpoint } = parseTargetUrl(text);
    if (protocol !== 'smtp') throw usage(`${text}: only smtp:// and smtps:// URLs can be audited in this version`);
    return { kind: 'host', host: endpoint.host, port: endpoint.port, tls: endpoint.tls, ...(endpoint.servername ? { servername: endpoint.servername } : {}) };
  }
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    if (isIP(bracketed[1]!) !== 6) throw usage(`${text}: not an IPv6 address`);
    return { kind: 'host', host: bracketed[1]!, ...portOf(text, bracketed[2]), tls: 'none' };
  }
  if (isIP(text) !== 0) return { kind: 'host', host: text, tls: 'none' };
  const hostPort = /^([^:]+):(\d+)$/.exec(text);
  if (hostPort) {
    const host = hostPort[1]!;
    if (isIP(host) === 0 && !DOMAIN.test(host)) throw usage(`${text}: not a host name`);
    return { kind: 'host', host, ...portOf(text, hostPort[2]), tls: 'none' };
  }
  if (!DOMAIN.test(text)) throw usage(`${text}: not a domain, host[:port] or smtp(s):// URL`);
  return { kind: 'domain', name: text.replace(/\.$/, '').toLowerCase() };
}

function portOf(text: string, digits: string | undefined): { port?: number } {
  if (digits === undefined) return {};
  const port = Number(digits);
  if (port < 1 || port > 65535) throw usage(`${text}: port must be 1-65535`);
  return { port };
}

/**
 * What the audit was asked to look at: `domain` (resolved through MX), `host:port`, an IP literal, or an
 * smtp(s)://, imap(s):// or pop3(s):// URL. Parsing only; resolution happens in run.ts. Imports
 * runner/targets, audit/types and util/errors.
 */
import { isIP } from 'node:net';
import { parseTargetUrl } from '../runner/targets.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';
import type { MailProtocol } from './types.js';

export type AuditTarget =
  | { kind: 'domain'; name: string }
  /** port undefined: --port; tls implicit for smtps://, imaps://, pop3s:// URLs; protocol smtp but for imap(s) and pop3(s) URLs. */
  | { kind: 'host'; protocol: MailProtocol; host: string; port?: number; tls: 'none' | 'implicit'; servername?: string };

/** RFC 1035 §2.3.1 names (letters, digits, hyphens; a trailing dot allowed). */
const DOMAIN = /^(?=.{1,253}\.?$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$/;

function usage(message: string): MailprobeError {
  return new MailprobeError(ErrorCode.CONFIG, message);
}

export function parseAuditTarget(text: string): AuditTarget {
  if (text.includes('://')) {
    const { protocol, endpoint } = parseTargetUrl(text);
    if (protocol === 'http') throw usage(`${text}: only smtp(s)://, imap(s):// and pop3(s):// URLs can be audited`);
    return { kind: 'host', protocol, host: endpoint.host, port: endpoint.port, tls: endpoint.tls, ...(endpoint.servername ? { servername: endpoint.servername } : {}) };
  }
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    if (isIP(bracketed[1]!) !== 6) throw usage(`${text}: not an IPv6 address`);
    return { kind: 'host', protocol: 'smtp', host: bracketed[1]!, ...portOf(text, bracketed[2]), tls: 'none' };
  }
  if (isIP(text) !== 0) return { kind: 'host', protocol: 'smtp', host: text, tls: 'none' };
  const hostPort = /^([^:]+):(\d+)$/.exec(text);
  if (hostPort) {
    const host = hostPort[1]!;
    if (isIP(host) === 0 && !DOMAIN.test(host)) throw usage(`${text}: not a host name`);
    return { kind: 'host', protocol: 'smtp', host, ...portOf(text, hostPort[2]), tls: 'none' };
  }
  if (!DOMAIN.test(text)) throw usage(`${text}: not a domain, host[:port] or smtp(s)://, imap(s)://, pop3(s):// URL`);
  return { kind: 'domain', name: text.replace(/\.$/, '').toLowerCase() };
}

function portOf(text: string, digits: string | undefined): { port?: number } {
  if (digits === undefined) return {};
  const port = Number(digits);
  if (port < 1 || port > 65535) throw usage(`${text}: port must be 1-65535`);
  return { port };
}

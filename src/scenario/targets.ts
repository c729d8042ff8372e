/**
 * Target URLs as scenario files, suite.yaml and targets.yaml write them: smtp://host:port (smtps://,
 * pop3://, pop3s://, imap://, imaps://, http://, https://) with optional ?tls=verify|insecure and ?servername=. Pure;
 * imports scenario/{types,issues,step-table} only.
 */
import type { Protocol } from './types.js';
import { didYouMean } from './issues.js';
import { PROTOCOL_NAMES, WITH_ARTICLE } from './step-table.js';

export interface SchemeInfo {
  protocol: Protocol;
  /** 'implicit': TLS from the first byte. */
  tls: 'none' | 'implicit';
  defaultPort: number;
}

/** Default ports: RFC 5321 §4.5.4.1 and RFC 8314 §3.3 (smtp 25, smtps 465), RFC 1939 and RFC 8314 (110,
 *  995), RFC 9051 and RFC 8314 (143, 993), RFC 9110 §4.2 (http 80, https 443). */
export const SCHEMES: Readonly<Record<string, SchemeInfo>> = {
  smtp: { protocol: 'smtp', tls: 'none', defaultPort: 25 },
  smtps: { protocol: 'smtp', tls: 'implicit', defaultPort: 465 },
  pop3: { protocol: 'pop3', tls: 'none', defaultPort: 110 },
  pop3s: { protocol: 'pop3', tls: 'implicit', defaultPort: 995 },
  imap: { protocol: 'imap', tls: 'none', defaultPort: 143 },
  imaps: { protocol: 'imap', tls: 'implicit', defaultPort: 993 },
  http: { protocol: 'http', tls: 'none', defaultPort: 80 },
  https: { protocol: 'http', tls: 'implicit', defaultPort: 443 },
};
const QUERY_KEYS = ['tls', 'servername'];
const TLS_MODES = ['verify', 'insecure'];

/** Whether a target value is written as a URL rather than a target name. */
export function looksLikeUrl(value: string): boolean {
  return value.includes('://');
}

/** Why the URL is not a usable target (for a session of `protocol`, when given), or undefined. */
export function targetUrlProblem(value: string, protocol?: Protocol): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `\`${value}\` is not a valid URL`;
  }
  const scheme = url.protocol.slice(0, -1);
  const schemeProtocol = SCHEMES[scheme]?.protocol;
  if (!schemeProtocol) {
    const known = Object.keys(SCHEMES);
    return `unknown URL scheme \`${scheme}:\`${didYouMean(scheme, known)}: use ${known.join(', ')}`;
  }
  if (!url.hostname) return `\`${value}\` names no host`;
  if (url.username || url.password) return `\`${value}\`: put credentials in an \`auth\` step, not in the URL`;
  if (url.pathname && url.pathname !== '/') return `\`${value}\`: a target URL has no path (scheme://host:port)`;
  if (url.hash) return `\`${value}\`: a target URL has no #fragment`;
  for (const [key, setting] of url.searchParams) {
    if (!QUERY_KEYS.includes(key)) return `unknown target option \`${key}\`${didYouMean(key, QUERY_KEYS)}: use tls= or servername=`;
    if (key === 'tls' && !TLS_MODES.includes(setting)) return `\`tls=${setting}\`: use tls=verify or tls=insecure`;
    if (key === 'servername' && !setting) return '`servername=` needs a host name';
  }
  if (protocol && schemeProtocol !== protocol) {
    return `\`${value}\` is ${WITH_ARTICLE[schemeProtocol]} URL but the session speaks ${PROTOCOL_NAMES[protocol]}`;
  }
  return undefined;
}

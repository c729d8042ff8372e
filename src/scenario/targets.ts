/**
 * Target URLs as scenario files, suite.yaml and targets.yaml write them: smtp://host:port (smtps://,
 * pop3://, pop3s://, imap://, imaps://) with optional ?tls=verify|insecure and ?servername=. Pure;
 * imports scenario/{types,issues,step-table} only.
 */
import type { Protocol } from './types.js';
import { didYouMean } from './issues.js';
import { PROTOCOL_NAMES, WITH_ARTICLE } from './step-table.js';

const SCHEME_PROTOCOLS: Readonly<Record<string, Protocol>> = {
  smtp: 'smtp',
  smtps: 'smtp',
  pop3: 'pop3',
  pop3s: 'pop3',
  imap: 'imap',
  imaps: 'imap',
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
  const schemeProtocol = SCHEME_PROTOCOLS[scheme];
  if (!schemeProtocol) {
    const known = Object.keys(SCHEME_PROTOCOLS);
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

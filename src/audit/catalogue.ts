/**
 * The catalogue of audit checks: every stable id with its area, title, the rule it comes from and what its
 * levels mean. Ids are a public contract (JSON and JUnit reports, --checks / --skip): add, never rename.
 * Also the glob selection of ids. Pure; imports only audit/types.
 */
import type { CheckDefinition, MailProtocol } from './types.js';

const SMTP: readonly MailProtocol[] = ['smtp'];
const MAIL: readonly MailProtocol[] = ['smtp', 'imap', 'pop3'];

const SMUGGLING_RULE = 'RFC 5321 §4.1.1.4, §2.3.8; SEC Consult SMTP smuggling (2023); CVE-2023-51764';

function smuggling(id: string, sequence: string): CheckDefinition {
  return {
    id: `smuggling.${id}`,
    area: 'smuggling',
    title: `End of data at ${sequence}`,
    rule: SMUGGLING_RULE,
    description: `fail when the server ends DATA at ${sequence} (it then answers the smuggled MAIL FROM); needs --intrusive --rcpt`,
    scope: 'service',
    protocols: SMTP,
  };
}

function relay(id: string, title: string): CheckDefinition {
  return {
    id: `relay.${id}`,
    area: 'relay',
    title,
    rule: 'RFC 5321 §3.6.2, §7.1; RFC 2505 §2',
    description: 'fail when the server accepts the relay recipient at RCPT (the probe never sends DATA); pass when refused',
    scope: 'service',
    protocols: SMTP,
  };
}

export const CHECKS: readonly CheckDefinition[] = [
  { id: 'net.connect', area: 'net', title: 'Service reachable', rule: 'RFC 5321 §3.1', description: 'fail when the port is refused, unreachable or silent; the service checks are then skipped', scope: 'service', protocols: MAIL },
  { id: 'dns.mx', area: 'dns', title: 'MX records', rule: 'RFC 5321 §5.1; RFC 2181 §10.3; RFC 7505', description: 'fail when an MX points at an IP address or a CNAME; warn when there is none (A/AAAA fallback)', scope: 'domain', protocols: [] },
  { id: 'dns.mx-resolves', area: 'dns', title: 'MX hosts resolve', rule: 'RFC 5321 §5.1', description: 'fail when an MX host has no A/AAAA address', scope: 'domain', protocols: [] },
  { id: 'dns.fcrdns', area: 'dns', title: 'Reverse DNS (forward-confirmed)', rule: 'RFC 1912 §2.1; M3AAWG', description: 'warn when an MX address has no PTR or its PTR name does not resolve back to it', scope: 'domain', protocols: [] },
  { id: 'dns.spf', area: 'dns', title: 'SPF record', rule: 'RFC 7208 §4.5, §4.6.4', description: 'warn when absent; fail when several, malformed or over the 10-lookup limit (permerror)', scope: 'domain', protocols: [] },
  { id: 'dns.dmarc', area: 'dns', title: 'DMARC record', rule: 'RFC 7489 §6.3', description: 'warn when absent or p=none; pass for quarantine or reject', scope: 'domain', protocols: [] },
  { id: 'dns.mta-sts', area: 'dns', title: 'MTA-STS', rule: 'RFC 8461 §3, §4.1', description: 'info when absent; fail when the policy cannot be fetched over HTTPS or does not cover every MX', scope: 'domain', protocols: [] },
  { id: 'dns.tls-rpt', area: 'dns', title: 'TLS-RPT record', rule: 'RFC 8460 §3', description: 'info when absent; warn when malformed', scope: 'domain', protocols: [] },
  { id: 'smtp.banner', area: 'smtp', title: 'Greeting', rule: 'RFC 5321 §3.1, §4.3.1', description: 'fail unless the server greets with 220', scope: 'service', protocols: SMTP },
  { id: 'smtp.ehlo', area: 'smtp', title: 'EHLO answer', rule: 'RFC 5321 §4.1.1.1', description: 'fail unless EHLO is answered with 250', scope: 'service', protocols: SMTP },
  { id: 'smtp.greeting-delay', area: 'smtp', title: 'Greeting delay', rule: 'RFC 5321 §4.5.3.2.1', description: 'info with the delay; warn past 30 s (clients may give up before 5 min)', scope: 'service', protocols: SMTP },
  { id: 'smtp.extensions', area: 'smtp', title: 'Extensions', rule: 'RFC 5321 §2.2; RFC 2920, 1870, 6152, 6531, 3030, 3461, 2034, 8689', description: 'info: which of PIPELINING, SIZE, 8BITMIME, SMTPUTF8, CHUNKING, DSN, ENHANCEDSTATUSCODES, REQUIRETLS are offered', scope: 'service', protocols: SMTP },
  { id: 'smtp.software', area: 'smtp', title: 'Software disclosed', rule: 'RFC 5321 §7.9', description: 'info naming the software and version the banner or EHLO reveals', scope: 'service', protocols: SMTP },
  { id: 'tls.starttls', area: 'tls', title: 'STARTTLS', rule: 'RFC 3207 §4; RFC 7672 §1.3; RFC 9051 §6.2.1; RFC 2595 §3.1, §4', description: 'fail when STARTTLS (POP3: STLS) is not offered (or not working) on a plaintext service; pass when the upgrade succeeds', scope: 'service', protocols: MAIL },
  { id: 'tls.versions', area: 'tls', title: 'TLS versions accepted', rule: 'RFC 8996 §2-§3; RFC 7568 §3', description: 'each version probed separately: SSLv3 accepted → fail; TLS 1.0/1.1 → warn; else pass', scope: 'service', protocols: MAIL },
  { id: 'tls.cipher', area: 'tls', title: 'Negotiated cipher', rule: 'RFC 9325 §4.2', description: 'info: protocol and cipher the client defaults negotiate; warn without forward secrecy or AEAD', scope: 'service', protocols: MAIL },
  { id: 'tls.certificate-chain', area: 'tls', title: 'Certificate chain', rule: 'RFC 5280 §6; RFC 7672 §3.2', description: 'warn when the chain does not verify against the system store (or --ca)', scope: 'service', protocols: MAIL },
  { id: 'tls.certificate-name', area: 'tls', title: 'Certificate name', rule: 'RFC 6125 §6; RFC 7672 §3.2.3; RFC 2595 §2.4', description: 'warn when the certificate does not name the host audited', scope: 'service', protocols: MAIL },
  { id: 'tls.certificate-expiry', area: 'tls', title: 'Certificate expiry', rule: 'RFC 5280 §4.1.2.5', description: 'fail when expired or not yet valid; warn within 14 days; else pass with the days left', scope: 'service', protocols: MAIL },
  { id: 'tls.certificate-self-signed', area: 'tls', title: 'Self-signed certificate', rule: 'RFC 5280 §6.1; RFC 7672 §3.2', description: 'warn when the leaf certificate is self-signed', scope: 'service', protocols: MAIL },
  { id: 'tls.certificate-key-size', area: 'tls', title: 'Certificate key size', rule: 'RFC 9325 §4.4; NIST SP 800-57', description: 'fail below 1024 RSA bits; warn below 2048 RSA (or 224 EC) bits', scope: 'service', protocols: MAIL },
  { id: 'tls.implicit', area: 'tls', title: 'Implicit TLS', rule: 'RFC 8314 §3.1-§3.3', description: 'on an smtps (465), imaps (993) or pop3s (995) service: fail unless TLS starts with the first byte', scope: 'service', protocols: MAIL },
  { id: 'tls.starttls-injection', area: 'tls', title: 'STARTTLS command injection', rule: 'RFC 3207 §4.2; RFC 2595 §3.1, §4; CVE-2011-0411', description: 'fail when a command pipelined after STARTTLS (POP3: STLS) is answered inside TLS', scope: 'service', protocols: MAIL },
  relay('external', 'Relay: external sender to external recipient'),
  relay('percent-hack', 'Relay: user%other@host'),
  relay('quoted-local', 'Relay: "user@other"@host'),
  relay('source-route', 'Relay: source route @host:user@other'),
  relay('double-at', 'Relay: user@other@host'),
  relay('bare-local', 'Relay: bare local part to external'),
  relay('ip-literal', 'Relay: user@[IP literal]'),
  relay('null-sender', 'Relay: null sender to external'),
  { id: 'enumeration.vrfy', area: 'enumeration', title: 'VRFY', rule: 'RFC 5321 §3.5.3, §7.3', description: 'warn when VRFY confirms or denies addresses (252 or refusal pass)', scope: 'service', protocols: SMTP },
  { id: 'enumeration.expn', area: 'enumeration', title: 'EXPN', rule: 'RFC 5321 §3.5.3, §7.3', description: 'warn when EXPN expands a list', scope: 'service', protocols: SMTP },
  { id: 'enumeration.rcpt', area: 'enumeration', title: 'RCPT answers', rule: 'RFC 5321 §7.3', description: 'info when RCPT answers differ for a known address (--rcpt, else postmaster) and a surely-missing one', scope: 'service', protocols: SMTP },
  { id: 'auth.before-tls', area: 'auth', title: 'AUTH before TLS', rule: 'RFC 4954 §4, §14; RFC 8314 §3', description: 'fail when AUTH is offered on a plaintext connection: credentials would cross in clear', scope: 'service', protocols: SMTP },
  { id: 'auth.imap-logindisabled', area: 'auth', title: 'IMAP LOGIN before TLS', rule: 'RFC 9051 §6.2.3, §7.2.2; RFC 3501 §6.2.3; RFC 8314 §3', description: 'on plaintext IMAP (--imap): fail unless CAPABILITY before STARTTLS says LOGINDISABLED and offers no AUTH=PLAIN or AUTH=LOGIN', scope: 'service', protocols: ['imap'] },
  { id: 'auth.pop3-plaintext', area: 'auth', title: 'POP3 USER/PASS before TLS', rule: 'RFC 2449 §6.8; RFC 2595 §4; RFC 8314 §3', description: 'on plaintext POP3 (--pop3): fail when CAPA before STLS offers USER or SASL PLAIN or LOGIN', scope: 'service', protocols: ['pop3'] },
  { id: 'auth.mechanisms', area: 'auth', title: 'AUTH mechanisms', rule: 'RFC 4954 §3', description: 'info: mechanisms offered before and after STARTTLS', scope: 'service', protocols: SMTP },
  smuggling('lf-dot-lf', '<LF>.<LF>'),
  smuggling('lf-dot-crlf', '<LF>.<CR><LF>'),
  smuggling('crlf-dot-lf', '<CR><LF>.<LF>'),
  smuggling('cr-dot-cr', '<CR>.<CR>'),
  smuggling('crlf-dot-cr', '<CR><LF>.<CR>'),
];

const BY_ID = new Map(CHECKS.map((check) => [check.id, check]));

export function checkById(id: string): CheckDefinition {
  const check = BY_ID.get(id);
  if (!check) throw new Error(`audit: no check with id ${id}`);
  return check;
}

/** A glob over ids: "*" any run of characters, "?" one; "tls" alone also means "tls.*". */
function globToRegExp(glob: string): RegExp {
  const pattern = glob.includes('.') || /[*?]/.test(glob) ? glob : `${glob}.*`;
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Globs that select no check at all, so that the CLI can refuse a typo. */
export function unmatchedGlobs(globs: readonly string[]): string[] {
  return globs.filter((glob) => !CHECKS.some((check) => globToRegExp(glob).test(check.id)));
}

/** Ids selected by --checks (all when empty) minus --skip. */
export function selectChecks(include: readonly string[], skip: readonly string[]): Set<string> {
  const included = include.map(globToRegExp);
  const skipped = skip.map(globToRegExp);
  return new Set(
    CHECKS.filter((check) => included.length === 0 || included.some((re) => re.test(check.id)))
      .filter((check) => !skipped.some((re) => re.test(check.id)))
      .map((check) => check.id),
  );
}

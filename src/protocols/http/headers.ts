/**
 * HTTP header facts the engine, the runner and the load share: which fields carry credentials (masked in
 * transcripts and reports), and the response head as a transcript shows it. Pure; imports nothing.
 */

/** Fields whose values are credentials: RFC 9110 §11.6.2 Authorization, §11.7.2 Proxy-Authorization,
 *  RFC 6265 §5.4 Cookie and §4.1 Set-Cookie. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const MASK = '***';

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADERS.has(name.toLowerCase());
}

/**
 * Values a request sends that must be masked wherever they appear, also in a response that echoes them:
 * each credential field's value, and for "Scheme CREDENTIALS" (RFC 9110 §11.4) the credentials alone.
 */
export function credentialValues(headers: ReadonlyArray<readonly [string, string]>): string[] {
  return headers.flatMap(([name, value]) => {
    if (!isCredentialHeader(name)) return [];
    const credentials = value.replace(/^\S+\s+/, '');
    return credentials === value ? [value] : [value, credentials];
  });
}

/** "Name: value" lines in order, credential values as ***: what a transcript shows of a header block. */
export function headerLines(pairs: ReadonlyArray<readonly [string, string]>): string[] {
  return pairs.map(([name, value]) => `${name}: ${isCredentialHeader(name) ? MASK : value}`);
}

/** Node's rawHeaders ([name, value, name, value …]) as pairs. */
export function rawPairs(raw: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

/** Lower-case name → value, repeated fields joined with ", " (RFC 9110 §5.3); Set-Cookie with "\n" as it
 *  may not be combined (RFC 6265 §3). */
export function headerMap(pairs: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const map: Record<string, string> = {};
  for (const [rawName, value] of pairs) {
    const name = rawName.toLowerCase();
    const before = map[name];
    map[name] = before === undefined ? value : `${before}${name === 'set-cookie' ? '\n' : ', '}${value}`;
  }
  return map;
}

/**
 * Writing header fields (RFC 5322 §2.2, §3): folding long lines at whitespace, non-ASCII text as RFC 2047
 * encoded words, address lists with encoded display names, the RFC 5322 §3.3 date, and structured MIME
 * fields with RFC 2231 parameters. Pure: strings in, strings out (latin1-safe ASCII unless the caller
 * passes 8-bit text on purpose). Imports only the encoding core.
 */
import { encodeWord } from '../encoding/encoded-word.js';
import { encodeParameter } from '../encoding/rfc2231.js';

/** RFC 5322 §2.1.1: lines SHOULD be no more than 78 characters, excluding the CRLF. */
const FOLD_AT = 78;
const PRINTABLE_ASCII = /^[\x20-\x7e\t]*$/;

/** `Name: value` CRLF, folded (RFC 5322 §2.2.3: CRLF inserted before whitespace) to 78 columns where possible. */
export function field(name: string, value: string): string {
  const lines = `${name}: ${value}`.split('\r\n');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}

function foldLine(line: string): string {
  const out: string[] = [];
  let rest = line;
  while (rest.length > FOLD_AT) {
    // The last whitespace that keeps this line within 78 columns (never at the very start: a fold needs text before it).
    let at = rest.lastIndexOf(' ', FOLD_AT);
    const tab = rest.lastIndexOf('\t', FOLD_AT);
    if (tab > at) at = tab;
    if (at <= 0 || rest.slice(0, at).trim() === '') {
      // No room to fold within 78: fold at the next whitespace, or leave the line long (up to the 998 of §2.1.1).
      at = rest.slice(FOLD_AT).search(/[ \t]/);
      if (at < 0) break;
      at += FOLD_AT;
    }
    out.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  out.push(rest);
  return out.join('\r\n');
}

/** RFC 2047 §5(1): unstructured text (Subject, Comments, custom fields), encoded words when not ASCII. */
export function unstructured(text: string): string {
  // A literal "=?" in ASCII text would be read as an encoded word, so such text is encoded too.
  return PRINTABLE_ASCII.test(text) && !text.includes('=?') ? text : encodeWord(text);
}

// RFC 5322 §3.2.3 specials: a display name holding one must be a quoted string.
const SPECIALS = /[()<>[\]:;@\\,."]/;

/** One address as written by the user: `a@b`, `<a@b>` or `Display Name <a@b>`. */
export function address(text: string): string {
  const m = /^\s*(.*?)\s*<([^<>]*)>\s*$/.exec(text);
  if (!m) return text.trim();
  const [, name = '', mailbox = ''] = m;
  if (name === '') return `<${mailbox}>`;
  const unquoted = name.startsWith('"') && name.endsWith('"') && name.length >= 2 ? name.slice(1, -1).replace(/\\(.)/g, '$1') : name;
  // RFC 2047 §5(3): an encoded word may replace a word in a phrase.
  if (!PRINTABLE_ASCII.test(unquoted)) return `${encodeWord(unquoted)} <${mailbox}>`;
  if (SPECIALS.test(unquoted)) return `"${unquoted.replace(/["\\]/g, '\\$&')}" <${mailbox}>`;
  return `${unquoted} <${mailbox}>`;
}

/** RFC 5322 §3.6.3 address list: comma-separated, folded between addresses. */
export function addressList(list: readonly string[]): string {
  return list.map(address).join(', ');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 §3.3 date-time, in UTC: `Mon, 23 Nov 2026 12:00:00 +0000`. */
export function rfc5322Date(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${DAYS[date.getUTCDay()]}, ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}

/** RFC 5322 §3.6.4 msg-id: angle brackets added when the user left them out. */
export function messageIdValue(text: string): string {
  const trimmed = text.trim();
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}

/**
 * A structured MIME field value (RFC 2045 §5.1 Content-Type, RFC 2183 Content-Disposition): the value,
 * then each parameter quoted, continued or RFC 2231-encoded as it needs; field() folds what is too long.
 */
export function withParameters(value: string, parameters: ReadonlyMap<string, string>): string {
  let out = value;
  for (const [name, text] of parameters) out += `; ${encodeParameter(name, text)}`;
  return out;
}

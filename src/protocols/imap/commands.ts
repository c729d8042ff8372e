/**
 * IMAP commands as parts — text and literals — before the session sends them (RFC 9051 §4.3 strings,
 * §6.2.3 LOGIN, §6.3.12 APPEND), and the literals a `send:` step's text may carry. The session decides
 * how each literal goes on the wire ({n} and wait for "+", or {n+} with LITERAL+). Pure; imports util only.
 *
 * Literals in `send:` text (one line, as the scenario loader requires): "{n}", "{n+}", "~{n}" or "~{n+}"
 * followed by the four characters \r\n (the escape `raw:` steps use) starts a literal: the command so far
 * goes out with the marker and CRLF, then exactly the next n octets of the text's UTF-8, as they are; the
 * command goes on after them. "{n}" is synchronizing (the session waits for "+"), "{n+}" is not (RFC 7888).
 * Example: `send: 'LOGIN {5}\r\nalice {7}\r\nalicepw'`.
 */
import { ErrorCode, MailprobeError } from '../../util/errors.js';

export type CommandPart =
  | { kind: 'text'; bytes: Buffer; secret?: boolean }
  /** synchronizing 'auto': the session picks {n+} when the server allows it (RFC 7888), else {n}. */
  | { kind: 'literal'; bytes: Buffer; synchronizing: boolean | 'auto'; literal8: boolean; secret?: boolean };

const LF = 0x0a;
const CR = 0x0d;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
/** "{n}", "{n+}", "~{n}", "~{n+}" followed by the escape \r\n written out. */
const LITERAL_MARKER = /(~?)\{([0-9]+)(\+?)\}\\r\\n/g;

function text(value: string, secret = false): CommandPart {
  return secret ? { kind: 'text', bytes: Buffer.from(value, 'utf8'), secret } : { kind: 'text', bytes: Buffer.from(value, 'utf8') };
}

/**
 * RFC 9051 §4.3 astring as a quoted string when every octet may be quoted (7-bit, no CR, LF or NUL;
 * DQUOTE and "\" escaped), else as a literal: 8-bit octets are not quotable in IMAP4rev1 (RFC 3501 §9).
 */
export function astring(value: string, secret = false): CommandPart {
  const bytes = Buffer.from(value, 'utf8');
  const quotable = bytes.every((b) => b !== 0 && b !== CR && b !== LF && b < 0x80);
  if (!quotable) return secret ? { kind: 'literal', bytes, synchronizing: 'auto', literal8: false, secret } : { kind: 'literal', bytes, synchronizing: 'auto', literal8: false };
  const escaped = [DQUOTE];
  for (const b of bytes) {
    if (b === DQUOTE || b === BACKSLASH) escaped.push(BACKSLASH);
    escaped.push(b);
  }
  escaped.push(DQUOTE);
  return secret ? { kind: 'text', bytes: Buffer.from(escaped), secret } : { kind: 'text', bytes: Buffer.from(escaped) };
}

/** RFC 9051 §6.2.3: LOGIN SP userid SP password, both astrings; the password is a secret. */
export function loginCommand(username: string, password: string): CommandPart[] {
  return [text('LOGIN '), astring(username), text(' '), astring(password, true)];
}

/** RFC 9051 §6.3.12: APPEND SP mailbox [SP flag-list] SP literal; the message goes as a literal. */
export function appendCommand(mailbox: string, flags: string[], message: Buffer): CommandPart[] {
  const parts = [text('APPEND '), astring(mailbox)];
  if (flags.length > 0) parts.push(text(` (${flags.join(' ')})`));
  parts.push(text(' '), { kind: 'literal', bytes: message, synchronizing: 'auto', literal8: false });
  return parts;
}

function scenarioError(message: string): MailprobeError {
  return new MailprobeError(ErrorCode.SCENARIO, `send: ${message}`);
}

/** Splits `send:` text into command parts at its literals (see the module comment). */
export function splitSendText(value: string): CommandPart[] {
  const bytes = Buffer.from(value, 'utf8');
  // latin1 keeps one character per octet, so match offsets are octet offsets.
  const octets = bytes.toString('latin1');
  const parts: CommandPart[] = [];
  let cursor = 0;
  for (;;) {
    LITERAL_MARKER.lastIndex = cursor;
    const marker = LITERAL_MARKER.exec(octets);
    if (!marker) break;
    const count = Number(marker[2]);
    const start = marker.index + marker[0].length;
    if (start + count > bytes.length) {
      throw scenarioError(`literal ${marker[0]} announces ${count} octets but only ${bytes.length - start} follow`);
    }
    parts.push(lineText(bytes.subarray(cursor, marker.index)));
    parts.push({ kind: 'literal', bytes: bytes.subarray(start, start + count), synchronizing: marker[3] !== '+', literal8: marker[1] === '~' });
    cursor = start + count;
  }
  parts.push(lineText(bytes.subarray(cursor)));
  return parts;
}

/** Command text outside literals: a line break there would end the command early, so it is refused. */
function lineText(bytes: Buffer): CommandPart {
  if (bytes.includes(LF) || bytes.includes(CR)) throw scenarioError('a line break outside a literal would end the command early; use raw: for several lines');
  return { kind: 'text', bytes };
}

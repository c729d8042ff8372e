/**
 * The client side of POP3 commands as pure functions: which commands get a multi-line response, how a
 * command is named in messages (never with its password), splitting raw bytes into command lines, the APOP
 * digest (RFC 1939 §7) and the AUTH command line (RFC 5034 §4).
 * Imports node:crypto and ./codes only; no sockets.
 */
import { createHash } from 'node:crypto';
import { EMPTY_INITIAL_RESPONSE, MAX_COMMAND_LINE } from './codes.js';

const LF = 0x0a;
const LABEL_MAX = 60;

interface Command {
  /** Upper-cased: RFC 1939 §3 keywords are case-insensitive. */
  keyword: string;
  args: string[];
}

/** RFC 1939 §3: a keyword, possibly followed by arguments, separated by SP. */
function parseCommand(line: string): Command {
  const [keyword = '', ...args] = line.trim().split(/ +/);
  return { keyword: keyword.toUpperCase(), args };
}

/**
 * Commands whose +OK opens a multi-line response: RFC 2449 §5 CAPA, RFC 1939 §5 LIST and §7 UIDL without
 * an argument, §5 RETR and §7 TOP.
 */
export function isMultilineCommand(line: string): boolean {
  const { keyword, args } = parseCommand(line);
  switch (keyword) {
    case 'CAPA':
    case 'RETR':
    case 'TOP':
      return true;
    case 'LIST':
    case 'UIDL':
      return args.length === 0;
    default:
      return false;
  }
}

/** How a command is named in errors ("RETR 1"); PASS keeps only its keyword, APOP and AUTH their first argument. */
export function commandLabel(line: string): string {
  const { keyword, args } = parseCommand(line);
  if (keyword === 'PASS') return keyword;
  if (keyword === 'APOP' || keyword === 'AUTH') return [keyword, ...args.slice(0, 1)].join(' ');
  const text = line.trim();
  if (text === '') return 'an empty line';
  return text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX - 1)}…` : text;
}

/**
 * Splits bytes sent raw into the command lines they complete (RFC 1939 §3: each ends with CRLF; a bare LF
 * is taken as an end too), carrying an unfinished line over to the next call.
 */
export function splitCommandLines(carried: Buffer, bytes: Buffer): { lines: string[]; rest: Buffer } {
  const all = Buffer.concat([carried, bytes]);
  const lines: string[] = [];
  let start = 0;
  for (let lf = all.indexOf(LF, start); lf !== -1; lf = all.indexOf(LF, start)) {
    lines.push(all.subarray(start, lf).toString('latin1').replace(/\r$/, ''));
    start = lf + 1;
  }
  return { lines, rest: all.subarray(start) };
}

/** RFC 1939 §7: the APOP timestamp is the msg-id (RFC 822 §6.1, "<" addr-spec ">") in the greeting. */
export function apopTimestamp(greeting: Buffer): string | undefined {
  return /<[^<>\s]*@[^<>\s]*>/.exec(greeting.toString('latin1'))?.[0];
}

/** RFC 1939 §7: the digest is the lower-case hex MD5 of the timestamp followed by the shared secret. */
export function apopDigest(timestamp: string, secret: string): string {
  return createHash('md5')
    .update(Buffer.concat([Buffer.from(timestamp, 'latin1'), Buffer.from(secret, 'utf8')]))
    .digest('hex');
}

export interface AuthCommand {
  /** The command line without CRLF. */
  line: string;
  /** Where the initial response starts in `line` (for the transcript's secret), when it was sent. */
  initialResponseAt?: number;
}

/**
 * RFC 5034 §4: AUTH SP mechanism [SP initial-response], a zero-length initial response written "=". A line
 * that would exceed 255 octets (RFC 2449 §4) goes without it; the client then sends it as its answer to the
 * server's first, empty challenge.
 */
export function authCommand(mechanism: string, initialResponse: Buffer | undefined): AuthCommand {
  const command = `AUTH ${mechanism}`;
  if (initialResponse === undefined) return { line: command };
  const encoded = initialResponse.length === 0 ? EMPTY_INITIAL_RESPONSE : initialResponse.toString('base64');
  const line = `${command} ${encoded}`;
  if (line.length + 2 > MAX_COMMAND_LINE) return { line: command };
  return { line, initialResponseAt: command.length + 1 };
}

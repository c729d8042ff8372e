/**
 * The grammar of IMAP commands (RFC 3501 §9, RFC 9051 §9), one method per production, over one whole
 * command as the framer delivers it (literals inline after their "{n}" CRLF). A syntax error throws an
 * ImapSyntaxError naming the offset and the rest of the line, which the session answers with BAD.
 * Pure; imports util/ only.
 */
import { ProtocolError } from '../../util/errors.js';

const SP = 0x20;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const CR = 0x0d;
const LF = 0x0a;

export class ImapSyntaxError extends ProtocolError {
  constructor(message: string, offset: number, rest: string) {
    super(`${message}${rest ? ` near "${rest}"` : ''}`, offset);
    this.name = 'ImapSyntaxError';
  }
}

/**
 * RFC 3501 §9 atom-specials: "(" ")" "{" SP CTL list-wildcards quoted-specials resp-specials. 8-bit octets
 * are taken too (UTF-8 in SEARCH arguments), as Dovecot does.
 */
function isAtomChar(byte: number): boolean {
  return byte > 0x20 && byte !== 0x7f && !'(){%*"\\]'.includes(String.fromCharCode(byte));
}

/** RFC 3501 §9 ASTRING-CHAR = ATOM-CHAR / resp-specials. */
function isAstringChar(byte: number): boolean {
  return isAtomChar(byte) || byte === 0x5d;
}

/** RFC 3501 §9 list-char = ATOM-CHAR / list-wildcards / resp-specials. */
function isListChar(byte: number): boolean {
  return isAstringChar(byte) || byte === 0x25 || byte === 0x2a;
}

/** RFC 3501 §9 tag = 1*<any ASTRING-CHAR except "+">, 7-bit only. */
function isTagChar(byte: number): boolean {
  return isAstringChar(byte) && byte !== 0x2b && byte < 0x80;
}

/** A sequence-set element: `end` is undefined for a single number; 0 stands for "*". */
export interface SequenceRange {
  start: number;
  end?: number;
}
/** RFC 3501 §9 sequence-set; "*" is 0 until resolved against a mailbox. */
export type SequenceSet = readonly SequenceRange[];
export const STAR = 0;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class Cursor {
  readonly bytes: Buffer;
  offset = 0;

  constructor(bytes: Buffer, offset = 0) {
    this.bytes = bytes;
    this.offset = offset;
  }

  fail(message: string): never {
    const rest = this.bytes.subarray(this.offset, this.offset + 40).toString('latin1').replace(/[\r\n].*$/s, '');
    throw new ImapSyntaxError(message, this.offset, rest);
  }

  atEnd(): boolean {
    return this.offset >= this.bytes.length;
  }

  peek(): number | undefined {
    return this.bytes[this.offset];
  }

  /** True (and consumed) when the next octets are `text`, compared without case. */
  take(text: string): boolean {
    const next = this.bytes.subarray(this.offset, this.offset + text.length).toString('latin1');
    if (next.toUpperCase() !== text.toUpperCase()) return false;
    this.offset += text.length;
    return true;
  }

  /** Like take(), but only a whole word: followed by a space, ")" or the end. */
  takeWord(word: string): boolean {
    const after = this.bytes[this.offset + word.length];
    if (after !== undefined && after !== SP && after !== 0x29) return false;
    return this.take(word);
  }

  expect(text: string): void {
    if (!this.take(text)) this.fail(`expected "${text}"`);
  }

  sp(): void {
    if (this.peek() !== SP) this.fail('expected a space');
    this.offset++;
  }

  end(): void {
    if (!this.atEnd()) this.fail('unexpected text at the end of the command');
  }

  private run(accept: (byte: number) => boolean, what: string): string {
    const start = this.offset;
    while (!this.atEnd() && accept(this.bytes[this.offset]!)) this.offset++;
    if (this.offset === start) this.fail(`expected ${what}`);
    return this.bytes.subarray(start, this.offset).toString('latin1');
  }

  // RFC 3501 §9 tag
  tag(): string {
    return this.run(isTagChar, 'a tag');
  }

  // RFC 3501 §9 atom
  atom(): string {
    return this.run(isAtomChar, 'an atom');
  }

  // RFC 3501 §9 number (32-bit unsigned)
  number(): number {
    const digits = this.run((b) => b >= 0x30 && b <= 0x39, 'a number');
    const value = Number(digits);
    if (digits.length > 10 || value > 0xffffffff) this.fail('number out of range');
    return value;
  }

  // RFC 3501 §9 nz-number
  nzNumber(): number {
    const value = this.number();
    if (value === 0) this.fail('expected a non-zero number');
    return value;
  }

  // RFC 3501 §9 astring = 1*ASTRING-CHAR / string
  astring(): Buffer {
    const next = this.peek();
    if (next === DQUOTE || next === 0x7b || next === 0x7e) return this.string();
    const start = this.offset;
    this.run(isAstringChar, 'an astring');
    return this.bytes.subarray(start, this.offset);
  }

  /** An astring as text (UTF-8, RFC 9051 §4.3; RFC 3501 strings are a subset). */
  astringText(): string {
    return this.astring().toString('utf8');
  }

  // RFC 3501 §9 string = quoted / literal
  string(): Buffer {
    const next = this.peek();
    if (next === DQUOTE) return this.quoted();
    if (next === 0x7b || next === 0x7e) return this.literal();
    return this.fail('expected a quoted string or a literal');
  }

  // RFC 3501 §9 quoted = DQUOTE *QUOTED-CHAR DQUOTE (8-bit octets taken as RFC 9051 allows UTF-8)
  quoted(): Buffer {
    this.expect('"');
    const out: number[] = [];
    for (;;) {
      const byte = this.peek();
      if (byte === undefined || byte === CR || byte === LF) this.fail('unterminated quoted string');
      this.offset++;
      if (byte === DQUOTE) return Buffer.from(out);
      if (byte === BACKSLASH) {
        const escaped = this.peek();
        if (escaped !== DQUOTE && escaped !== BACKSLASH) this.fail('only \\" and \\\\ may be escaped in a quoted string');
        out.push(escaped);
        this.offset++;
      } else {
        out.push(byte);
      }
    }
  }

  // RFC 3501 §9 literal = "{" number "}" CRLF *CHAR8; RFC 7888 "{n+}"; RFC 3516 literal8 "~{n}"
  literal(): Buffer {
    this.take('~');
    this.expect('{');
    const size = this.number();
    this.take('+');
    this.expect('}');
    if (!this.take('\r\n') && !this.take('\n')) this.fail('expected CRLF after a literal\'s size');
    if (this.offset + size > this.bytes.length) this.fail(`literal of ${size} octets is cut short`);
    const value = this.bytes.subarray(this.offset, this.offset + size);
    this.offset += size;
    return value;
  }

  // RFC 3501 §9 nstring = string / nil
  nstring(): Buffer | undefined {
    return this.take('NIL') ? undefined : this.string();
  }

  // RFC 3501 §9 mailbox = "INBOX" / astring
  mailbox(): string {
    return this.astringText();
  }

  // RFC 3501 §9 list-mailbox = 1*list-char / string
  listMailbox(): string {
    const next = this.peek();
    if (next === DQUOTE || next === 0x7b) return this.string().toString('utf8');
    return this.run(isListChar, 'a mailbox pattern');
  }

  // RFC 3501 §9 flag = "\Answered" / … / flag-keyword / flag-extension
  flag(): string {
    return this.take('\\') ? `\\${this.atom()}` : this.atom();
  }

  // RFC 3501 §9 flag-list = "(" [flag *(SP flag)] ")"
  flagList(): string[] {
    this.expect('(');
    const flags: string[] = [];
    while (!this.take(')')) {
      if (flags.length > 0) this.sp();
      flags.push(this.flag());
    }
    return flags;
  }

  // RFC 3501 §9 sequence-set = (seq-number / seq-range) *("," sequence-set)
  sequenceSet(): SequenceSet {
    const ranges: SequenceRange[] = [];
    do {
      const start = this.seqNumber();
      ranges.push(this.take(':') ? { start, end: this.seqNumber() } : { start });
    } while (this.take(','));
    return ranges;
  }

  // RFC 3501 §9 seq-number = nz-number / "*"
  private seqNumber(): number {
    return this.take('*') ? STAR : this.nzNumber();
  }

  /** True when a sequence set starts here (a digit or "*"). */
  atSequenceSet(): boolean {
    const next = this.peek();
    return next !== undefined && ((next >= 0x30 && next <= 0x39) || next === 0x2a);
  }

  // RFC 3501 §9 date = date-text / DQUOTE date-text DQUOTE; date-text = date-day "-" date-month "-" date-year
  date(): Date {
    const quoted = this.take('"');
    const text = this.run((b) => isAtomChar(b), 'a date');
    if (quoted) this.expect('"');
    const m = /^([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})$/.exec(text);
    const month = m ? MONTHS.findIndex((name) => name.toLowerCase() === m[2]!.toLowerCase()) : -1;
    if (!m || month < 0) this.fail(`invalid date "${text}"`);
    return new Date(Date.UTC(Number(m[3]), month, Number(m[1])));
  }

  // RFC 3501 §9 date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE
  dateTime(): Date {
    const text = this.quoted().toString('latin1');
    const m = /^ ?([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-])([0-9]{2})([0-9]{2})$/.exec(text);
    const month = m ? MONTHS.findIndex((name) => name.toLowerCase() === m[2]!.toLowerCase()) : -1;
    if (!m || month < 0) this.fail(`invalid date-time "${text}"`);
    const zoneMinutes = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
    const utc = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
    return new Date(utc - zoneMinutes * 60_000);
  }
}

/** RFC 3501 §9 date-time as the server writes it (INTERNALDATE), in UTC: "23-Nov-2026 18:37:42 +0000". */
export function formatDateTime(date: Date): string {
  const day = String(date.getUTCDate()).padStart(2, ' ');
  const time = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  return `${day}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()} ${time} +0000`;
}

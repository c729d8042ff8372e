/**
 * IMAP response grammar (RFC 9051 §9 formal syntax; RFC 3501 §9 where IMAP4rev1 differs): one complete
 * response — its lines and literals exactly as received, without the final CRLF — into a typed value.
 * One function per production. Any deviation is a ProtocolError naming the offset within the response and
 * the rest of the line; list nesting is bounded by ImapLimits.nestingDepth. Pure: imports util and the
 * printable helpers only.
 */
import { LimitError, ProtocolError } from '../../util/errors.js';
import { excerpt } from '../../wire/printable.js';
import { ImapLimits } from './limits.js';
import { STATUS_WORDS, TAGGED_STATUS_WORDS } from './status.js';

export type ImapValue =
  /** An atom; FETCH items such as BODY[HEADER.FIELDS (SUBJECT)]<0> carry their section and origin. */
  | { kind: 'atom'; value: string; section?: ImapValue[]; origin?: bigint }
  | { kind: 'number'; value: bigint }
  | { kind: 'string'; value: Buffer; form: 'quoted' | 'literal' | 'literal8' }
  | { kind: 'nil' }
  | { kind: 'list'; items: ImapValue[] };

/** RFC 9051 §9 resp-text-code: its name and, as written, whatever follows the name up to "]". */
export interface ResponseCode {
  name: string;
  text: string;
}

export type ParsedResponse =
  /** RFC 9051 §9 continue-req: "+" SP (resp-text / base64). */
  | { kind: 'continuation'; text: Buffer }
  /** Tagged completion (tag set) or untagged status: OK, NO, BAD, PREAUTH, BYE with their resp-text. */
  | { kind: 'status'; tag?: string; status: string; code?: ResponseCode; text: Buffer }
  /** Untagged data: "* 3 EXISTS", "* 1 FETCH (…)", "* CAPABILITY …", "* LIST (…) "/" INBOX". */
  | { kind: 'data'; number?: bigint; name: string; values: ImapValue[] };

const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const TILDE = 0x7e;
const LESS_THAN = 0x3c;
const GREATER_THAN = 0x3e;
const PLUS = 0x2b;
const STAR = 0x2a;

/**
 * RFC 9051 §9 ATOM-CHAR: any CHAR except atom-specials ("(" ")" "{" SP CTL list-wildcards quoted-specials
 * resp-specials). Atoms in data are read more widely, as servers write them: flags start with "\",
 * sequence sets hold "*", LIST patterns "%", and astrings may hold "]" (ASTRING-CHAR) outside a section.
 */
function isAtomChar(byte: number, inSection: boolean): boolean {
  if (byte <= SP || byte >= 0x7f) return false;
  if (byte === OPEN_PAREN || byte === CLOSE_PAREN || byte === OPEN_BRACE || byte === DQUOTE) return false;
  if (byte === OPEN_BRACKET) return false;
  return !(inSection && byte === CLOSE_BRACKET);
}

const DIGITS = /^[0-9]+$/;

class ResponseParser {
  private pos = 0;

  /** `context`: what the caller was waiting for, appended to error messages ("while reading …"). */
  constructor(
    private readonly raw: Buffer,
    private readonly context: string,
  ) {}

  /** RFC 9051 §9: response = continue-req / response-data / response-tagged (one at a time). */
  response(): ParsedResponse {
    const first = this.raw[0];
    if (first === PLUS) return this.continueReq();
    if (first === STAR) return this.responseData();
    return this.responseTagged();
  }

  /** RFC 9051 §9 continue-req = "+" SP (resp-text / base64); a bare "+" is accepted (seen in the wild). */
  private continueReq(): ParsedResponse {
    this.pos = 1;
    if (this.atEnd()) return { kind: 'continuation', text: Buffer.alloc(0) };
    this.expectByte(SP, 'SP after "+"');
    return { kind: 'continuation', text: this.text() };
  }

  /** RFC 9051 §9 response-data = "*" SP (resp-cond-state / resp-cond-bye / mailbox-data / message-data / …). */
  private responseData(): ParsedResponse {
    this.pos = 1;
    this.expectByte(SP, 'SP after "*"');
    const start = this.pos;
    const word = this.peekWord();
    if (STATUS_WORDS.has(word.toUpperCase())) {
      this.pos += word.length;
      return { kind: 'status', status: word.toUpperCase(), ...this.respText() };
    }
    this.pos = start;
    return this.mailboxOrMessageData();
  }

  /** RFC 9051 §9 response-tagged = tag SP resp-cond-state; resp-cond-state = ("OK" / "NO" / "BAD") SP resp-text. */
  private responseTagged(): ParsedResponse {
    const tag = this.tag();
    this.expectByte(SP, 'SP after the tag');
    const wordAt = this.pos;
    const word = this.peekWord().toUpperCase();
    if (!TAGGED_STATUS_WORDS.has(word)) this.fail(`expected OK, NO or BAD after tag ${tag}`, wordAt);
    this.pos += word.length;
    return { kind: 'status', tag, status: word, ...this.respText() };
  }

  /** RFC 9051 §9 tag = 1*<any ASTRING-CHAR except "+">. */
  private tag(): string {
    const start = this.pos;
    while (!this.atEnd() && this.raw[this.pos] !== PLUS && isAtomChar(this.raw[this.pos]!, false)) this.pos++;
    if (this.pos === start) this.fail('expected a tag, "*" or "+" at the start of a response', start);
    return this.raw.toString('latin1', start, this.pos);
  }

  /**
   * RFC 9051 §9 resp-text = ["[" resp-text-code "]" SP] [text] (RFC 3501 required the text; servers omit
   * the SP after "]" when no text follows, which is accepted).
   */
  private respText(): { code?: ResponseCode; text: Buffer } {
    if (this.atEnd()) return { text: Buffer.alloc(0) };
    this.expectByte(SP, 'SP after the status');
    if (this.raw[this.pos] !== OPEN_BRACKET) return { text: this.text() };
    const code = this.respTextCode();
    if (this.atEnd()) return { code, text: Buffer.alloc(0) };
    this.expectByte(SP, 'SP after the response code');
    return { code, text: this.text() };
  }

  /** RFC 9051 §9 resp-text-code = … / atom [SP 1*<any TEXT-CHAR except "]">], between "[" and "]". */
  private respTextCode(): ResponseCode {
    this.pos++;
    const nameStart = this.pos;
    while (!this.atEnd() && isAtomChar(this.raw[this.pos]!, true)) this.pos++;
    if (this.pos === nameStart) this.fail('expected a response code name after "["', nameStart);
    const name = this.raw.toString('latin1', nameStart, this.pos).toUpperCase();
    let text = '';
    if (this.raw[this.pos] === SP) {
      const textStart = ++this.pos;
      while (!this.atEnd() && this.raw[this.pos] !== CLOSE_BRACKET && !this.isLineBreak()) this.pos++;
      text = this.raw.toString('utf8', textStart, this.pos);
    }
    this.expectByte(CLOSE_BRACKET, `"]" closing response code ${name}`);
    return { name, text };
  }

  /** RFC 9051 §9 text = 1*(TEXT-CHAR / UTF8-2 / UTF8-3 / UTF8-4): everything up to the end of the line. */
  private text(): Buffer {
    const start = this.pos;
    while (!this.atEnd() && !this.isLineBreak()) this.pos++;
    this.expectEnd();
    return this.raw.subarray(start, this.pos);
  }

  /**
   * RFC 9051 §9 mailbox-data / message-data / capability-data / enable-data …: [nz-number SP] name
   * *(SP value). The values are read generically; what each name carries is the caller's business.
   */
  private mailboxOrMessageData(): ParsedResponse {
    const first = this.value(0, false);
    let number: bigint | undefined;
    let name: string;
    if (first.kind === 'number') {
      number = first.value;
      this.expectByte(SP, 'SP after the message number');
      const nameAt = this.pos;
      const second = this.value(0, false);
      if (second.kind !== 'atom') this.fail('expected a data name (EXISTS, FETCH …) after the number', nameAt);
      name = second.value;
    } else if (first.kind === 'atom') {
      name = first.value;
    } else {
      this.fail('expected a data name after "* "', 2);
    }
    const values: ImapValue[] = [];
    while (!this.atEnd()) {
      this.expectByte(SP, 'SP between values');
      values.push(this.value(0, false));
    }
    return number === undefined ? { kind: 'data', name: name.toUpperCase(), values } : { kind: 'data', number, name: name.toUpperCase(), values };
  }

  /** One value: a list, a string (quoted, literal, literal8), NIL, a number or an atom. */
  private value(depth: number, inSection: boolean): ImapValue {
    const byte = this.raw[this.pos];
    if (byte === OPEN_PAREN) return this.list(depth + 1, inSection);
    if (byte === DQUOTE) return this.quoted();
    if (byte === OPEN_BRACE || (byte === TILDE && this.raw[this.pos + 1] === OPEN_BRACE)) return this.literal();
    return this.atomOrNumber(depth, inSection);
  }

  /** RFC 9051 §9: "(" [value *(SP value)] ")", as in flag-list, msg-att, body, mailbox-list. */
  private list(depth: number, inSection: boolean): ImapValue {
    if (depth > ImapLimits.nestingDepth) {
      throw new LimitError('nestingDepth', ImapLimits.nestingDepth, depth, `lists nested deeper than ${ImapLimits.nestingDepth} (at offset ${this.pos})${this.context}`);
    }
    this.pos++;
    const items: ImapValue[] = [];
    if (this.raw[this.pos] === CLOSE_PAREN) {
      this.pos++;
      return { kind: 'list', items };
    }
    for (;;) {
      items.push(this.value(depth, inSection));
      if (this.raw[this.pos] === CLOSE_PAREN) {
        this.pos++;
        return { kind: 'list', items };
      }
      this.expectByte(SP, 'SP or ")" in a list');
    }
  }

  /** RFC 9051 §9 quoted = DQUOTE *QUOTED-CHAR DQUOTE; QUOTED-CHAR escapes only "\" and DQUOTE. */
  private quoted(): ImapValue {
    const start = this.pos++;
    const bytes: number[] = [];
    for (;;) {
      if (this.atEnd() || this.isLineBreak()) this.fail('unterminated quoted string', start);
      const byte = this.raw[this.pos++]!;
      if (byte === DQUOTE) return { kind: 'string', value: Buffer.from(bytes), form: 'quoted' };
      if (byte === BACKSLASH) {
        const escaped = this.raw[this.pos];
        if (escaped !== DQUOTE && escaped !== BACKSLASH) this.fail('a quoted string may escape only "\\" and DQUOTE (RFC 9051 §9 quoted-specials)', this.pos - 1);
        bytes.push(escaped);
        this.pos++;
      } else {
        bytes.push(byte);
      }
    }
  }

  /** RFC 9051 §9 literal = "{" number64 ["+"] "}" CRLF *CHAR8; literal8 = "~{" number64 "}" CRLF *OCTET (RFC 3516). */
  private literal(): ImapValue {
    const start = this.pos;
    const literal8 = this.raw[this.pos] === TILDE;
    if (literal8) this.pos++;
    this.expectByte(OPEN_BRACE, '"{" opening a literal');
    const digitsStart = this.pos;
    while (this.raw[this.pos] !== undefined && this.raw[this.pos]! >= 0x30 && this.raw[this.pos]! <= 0x39) this.pos++;
    if (this.pos === digitsStart) this.fail('expected the literal\'s octet count', digitsStart);
    const count = Number(this.raw.toString('latin1', digitsStart, this.pos));
    if (this.raw[this.pos] === PLUS) this.fail('a server may not send a non-synchronizing literal {n+} (RFC 7888 §3)', this.pos);
    this.expectByte(CLOSE_BRACE, '"}" closing the literal\'s octet count');
    if (this.raw[this.pos] !== CR || this.raw[this.pos + 1] !== LF) this.fail('expected CRLF after the literal\'s octet count', this.pos);
    this.pos += 2;
    if (this.pos + count > this.raw.length) this.fail(`literal announces ${count} octets but the response ends before them`, start);
    const value = this.raw.subarray(this.pos, this.pos + count);
    this.pos += count;
    return { kind: 'string', value, form: literal8 ? 'literal8' : 'literal' };
  }

  /**
   * RFC 9051 §9 atom / number / nil; an atom directly followed by "[" is a FETCH item with a section
   * (section = "[" [section-spec] "]") and an optional partial origin "<" number ">".
   */
  private atomOrNumber(depth: number, inSection: boolean): ImapValue {
    const start = this.pos;
    while (!this.atEnd() && isAtomChar(this.raw[this.pos]!, inSection)) this.pos++;
    if (this.pos === start) this.fail('expected a value', start);
    const word = this.raw.toString('latin1', start, this.pos);
    if (this.raw[this.pos] === OPEN_BRACKET) return this.sectioned(word, depth);
    if (DIGITS.test(word)) return { kind: 'number', value: BigInt(word) };
    if (word.toUpperCase() === 'NIL') return { kind: 'nil' };
    return { kind: 'atom', value: word };
  }

  /** RFC 9051 §9 msg-att-static "BODY" section ["<" number ">"], "BINARY" section-binary …. */
  private sectioned(name: string, depth: number): ImapValue {
    const sectionStart = this.pos++;
    const section: ImapValue[] = [];
    while (this.raw[this.pos] !== CLOSE_BRACKET) {
      if (this.atEnd() || this.isLineBreak()) this.fail('unterminated section "["', sectionStart);
      if (section.length > 0) this.expectByte(SP, 'SP or "]" in a section');
      section.push(this.value(depth, true));
    }
    this.pos++;
    if (this.raw[this.pos] !== LESS_THAN) return { kind: 'atom', value: name, section };
    const originStart = ++this.pos;
    while (this.raw[this.pos] !== undefined && this.raw[this.pos]! >= 0x30 && this.raw[this.pos]! <= 0x39) this.pos++;
    if (this.pos === originStart) this.fail('expected the partial origin after "<"', originStart);
    const origin = BigInt(this.raw.toString('latin1', originStart, this.pos));
    this.expectByte(GREATER_THAN, '">" closing the partial origin');
    return { kind: 'atom', value: name, section, origin };
  }

  /** The word at the position, up to SP or the end (for status words, which are atoms). */
  private peekWord(): string {
    let end = this.pos;
    while (end < this.raw.length && this.raw[end] !== SP && this.raw[end] !== CR && this.raw[end] !== LF) end++;
    return this.raw.toString('latin1', this.pos, end);
  }

  private atEnd(): boolean {
    return this.pos >= this.raw.length;
  }

  /** A CR or LF outside a literal: the response has more lines than its grammar allows. */
  private isLineBreak(): boolean {
    const byte = this.raw[this.pos];
    return byte === CR || byte === LF;
  }

  private expectEnd(): void {
    if (!this.atEnd()) this.fail('expected the end of the response', this.pos);
  }

  private expectByte(byte: number, what: string): void {
    if (this.raw[this.pos] !== byte) this.fail(`expected ${what}`, this.pos);
    this.pos++;
  }

  private fail(message: string, offset: number): never {
    const rest = this.raw.subarray(offset);
    const shown = rest.length === 0 ? 'the end of the response' : `"${excerpt(rest)}"`;
    throw new ProtocolError(`${message} (RFC 9051 §9), found ${shown}${this.context}`, offset);
  }
}

/**
 * Parses one complete response (lines and literals as received, without the final CRLF); `waitingFor`
 * ("reading the response to FETCH") is named in errors.
 */
export function parseResponse(raw: Buffer, waitingFor?: string): ParsedResponse {
  return new ResponseParser(raw, waitingFor ? ` while ${waitingFor}` : '').response();
}

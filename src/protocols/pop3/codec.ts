/**
 * POP3 response decoder: an incremental, pure function over Buffers — push(chunk) → replies. It splits lines
 * (CRLF, or a lax bare LF), parses status lines (+OK / -ERR, RFC 1939 §3, with RFC 2449 §8 response codes)
 * and SASL continuations (RFC 5034 §4), and collects multi-line responses up to the CRLF "." CRLF
 * terminator, dot-unstuffed, as exact bytes. Whether a reply is multi-line depends on the command it answers,
 * so the caller announces each expected reply in order (expect()); a reply nobody announced is read as a
 * single line. Bounded by Limits.lineBytes and Limits.bodyBytes.
 * No sockets: imports util, the pure wire helpers and ./codes only.
 */
import { LimitError, ProtocolError } from '../../util/errors.js';
import { Limits } from '../../util/limits.js';
import { ByteQueue } from '../../wire/byte-queue.js';
import { decodeLenient, excerpt, formatBytes } from '../../wire/printable.js';
import { Status, TERMINATION_OCTET } from './codes.js';

/** What the caller knows about the next reply before it arrives. */
export interface ReplyExpectation {
  /** RFC 1939 §3: a +OK to this command opens a multi-line response (CAPA, LIST, UIDL, RETR, TOP). */
  multiline: boolean;
  /** What the reply answers, for errors: "reply to RETR 1", "the greeting". */
  what: string;
}

export interface Pop3Reply {
  status: Status;
  /** RFC 2449 §8 extended response code without its brackets ("IN-USE", "SYS/TEMP"), when there is one. */
  responseCode?: string;
  /** The status line as received, without its line ending. */
  statusLine: Buffer;
  /** The text after the status indicator and its SP (for "+": the base64 challenge). */
  text: Buffer;
  /** Multi-line responses: the body, dot-unstuffed, every line with its line ending as received. */
  body?: Buffer;
  /** True when some line ended with a bare LF instead of CRLF (lax, but accepted). */
  bareLf: boolean;
}

/** A reply that arrives without being announced: a single line (RFC 1939 §3 greeting or a parting -ERR). */
const UNANNOUNCED: ReplyExpectation = { multiline: false, what: 'the next reply' };

const SPACE = 0x20;
const CR = 0x0d;
const LF = 0x0a;

/** The reply as text: the status line, then the body lines (dot-unstuffed), decoded as UTF-8 for matching. */
export function replyText(reply: Pop3Reply): string {
  const status = decodeLenient(reply.statusLine);
  if (!reply.body || reply.body.length === 0) return status;
  return `${status}\r\n${decodeLenient(withoutLineEnding(reply.body))}`;
}

function withoutLineEnding(line: Buffer): Buffer {
  if (line[line.length - 1] !== LF) return line;
  return line.subarray(0, line.length - (line[line.length - 2] === CR ? 2 : 1));
}

function context(what: string): string {
  return ` while reading ${what}`;
}

/** True when `line` is `indicator` followed by SP or the end of the line. */
function startsWithIndicator(line: Buffer, indicator: string): boolean {
  if (line.length < indicator.length || line.subarray(0, indicator.length).toString('latin1') !== indicator) return false;
  return line.length === indicator.length || line[indicator.length] === SPACE;
}

/**
 * RFC 2449 §8: resp-code = "[" resp-level *("/" resp-level) "]"; resp-level = 1*rchar;
 * rchar = %x21-2E / %x30-5C / %x5E-7F. Text that only looks like one (older servers) is left as text.
 */
export function parseResponseCode(text: Buffer): string | undefined {
  const match = /^\[([\x21-\x2e\x30-\x5c\x5e-\x7f]+(?:\/[\x21-\x2e\x30-\x5c\x5e-\x7f]+)*)\]/.exec(
    text.subarray(0, 256).toString('latin1'),
  );
  return match?.[1];
}

/**
 * RFC 1939 §3 / RFC 2449 §3: single-line = status [SP text] CRLF, status = "+OK" / "-ERR" (servers MUST send
 * them in upper case); RFC 5034 §4: continue-req = "+" SP [base64] CRLF (a bare "+" is accepted too).
 */
export function parseStatusLine(line: Buffer, offset = 0, what = UNANNOUNCED.what): Pick<Pop3Reply, 'status' | 'responseCode' | 'text'> {
  for (const status of [Status.OK, Status.ERR] as const) {
    if (!startsWithIndicator(line, status)) continue;
    const text = line.subarray(Math.min(line.length, status.length + 1));
    const responseCode = parseResponseCode(text);
    return responseCode === undefined ? { status, text } : { status, responseCode, text };
  }
  if (startsWithIndicator(line, Status.CONTINUE)) return { status: Status.CONTINUE, text: line.subarray(Math.min(line.length, 2)) };
  throw new ProtocolError(`expected "+OK", "-ERR" or a "+" continuation (RFC 1939 §3) but got "${excerpt(line)}"${context(what)}`, offset);
}

/** A multi-line response in progress: its status line has been read. */
interface OpenBody {
  expectation: ReplyExpectation;
  head: Pick<Pop3Reply, 'status' | 'responseCode' | 'text' | 'statusLine'>;
  parts: Buffer[];
  bytes: number;
  bareLf: boolean;
}

export class Pop3ReplyDecoder {
  private readonly queue = new ByteQueue();
  private readonly expected: ReplyExpectation[] = [];
  private open: OpenBody | undefined;
  /** Bytes of the reply in progress already consumed: offsets in errors count from the reply's start. */
  private replyOffset = 0;
  /** An error found after replies that the same push returned; thrown by the next push. */
  private failure: Error | undefined;

  /** Announces the next reply the stream will carry (call once per command sent, in order). */
  expect(expectation: ReplyExpectation): void {
    this.expected.push(expectation);
  }

  /** The reply being read or to be read next. */
  get pending(): ReplyExpectation {
    return this.open?.expectation ?? this.expected[0] ?? UNANNOUNCED;
  }

  /** Bytes pushed that no returned reply holds yet (the start of the next reply). */
  get buffered(): number {
    return this.queue.length;
  }

  /** True once a multi-line response's +OK has been read and its body is still coming. */
  get readingBody(): boolean {
    return this.open !== undefined;
  }

  /**
   * Feeds bytes; returns the replies they complete. Throws ProtocolError or LimitError (with the offset and
   * what the reply answers in the message); after an error the decoder stays failed. Results never depend
   * on how the bytes were split into chunks.
   */
  push(chunk: Buffer): Pop3Reply[] {
    if (this.failure) throw this.failure;
    this.queue.push(chunk);
    const replies: Pop3Reply[] = [];
    try {
      for (let line = this.nextLine(); line; line = this.nextLine()) {
        const reply = this.acceptLine(line);
        if (reply) replies.push(reply);
      }
    } catch (err) {
      this.failure = err as Error;
      if (replies.length === 0) throw err;
    }
    return replies;
  }

  /** Next complete line (with its ending), or undefined; refused once longer than Limits.lineBytes. */
  private nextLine(): Buffer | undefined {
    const max = Limits.lineBytes;
    const lf = this.queue.indexOfLineFeed(max);
    if (lf !== -1) return this.queue.take(lf + 1);
    if (this.queue.length > max) {
      throw new LimitError('lineBytes', max, max + 1, `line exceeds ${formatBytes(max)}${context(this.pending.what)}`);
    }
    return undefined;
  }

  private acceptLine(line: Buffer): Pop3Reply | undefined {
    const lineStart = this.replyOffset;
    this.replyOffset += line.length;
    const bareLf = line.length < 2 || line[line.length - 2] !== CR;
    if (this.open) return this.acceptBodyLine(this.open, line, bareLf);
    const expectation = this.expected.shift() ?? UNANNOUNCED;
    const statusLine = withoutLineEnding(line);
    const head = { ...parseStatusLine(statusLine, lineStart, expectation.what), statusLine };
    // RFC 1939 §3: only a positive response is multi-line; -ERR and continuations are one line.
    if (expectation.multiline && head.status === Status.OK) {
      this.open = { expectation, head, parts: [], bytes: 0, bareLf };
      return undefined;
    }
    this.replyOffset = 0;
    return { ...head, bareLf };
  }

  /**
   * RFC 1939 §3: a line starting with the termination octet has it removed ("byte-stuffing"), unless the
   * octet is all the line holds: then the response ends and that line is not part of it.
   */
  private acceptBodyLine(open: OpenBody, line: Buffer, bareLf: boolean): Pop3Reply | undefined {
    const stuffed = line[0] === TERMINATION_OCTET;
    if (stuffed && withoutLineEnding(line).length === 1) {
      this.open = undefined;
      this.replyOffset = 0;
      return { ...open.head, body: Buffer.concat(open.parts, open.bytes), bareLf: open.bareLf || bareLf };
    }
    const content = stuffed ? line.subarray(1) : line;
    const total = open.bytes + content.length;
    if (total > Limits.bodyBytes) {
      const max = Limits.bodyBytes;
      throw new LimitError('bodyBytes', max, total, `multi-line body exceeds ${formatBytes(max)}${context(open.expectation.what)}`);
    }
    open.parts.push(content);
    open.bytes = total;
    open.bareLf ||= bareLf;
    return undefined;
  }
}

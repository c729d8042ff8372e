/**
 * SMTP reply decoder (RFC 5321 §4.2): an incremental, pure function over Buffers — push(chunk) → replies —
 * that splits lines (CRLF, or a lax bare LF), parses each reply line, joins "250-" continuation lines into
 * one reply, and splits out RFC 3463 enhanced status codes. Bounded by Limits.lineBytes and
 * Limits.replyLines. Text stays bytes (non-ASCII kept); it is decoded as UTF-8 only for matching.
 * No sockets: imports util and the pure wire helpers only.
 */
import { LimitError, ProtocolError } from '../../util/errors.js';
import { Limits } from '../../util/limits.js';
import { ByteQueue } from '../../wire/byte-queue.js';
import { decodeLenient, excerpt, formatBytes } from '../../wire/printable.js';
import { REPLY_CODE } from './codes.js';

export interface SmtpReplyLine {
  /** The three-digit reply code. */
  code: string;
  /** True for "250-" lines: more lines of this reply follow. */
  continues: boolean;
  /** RFC 3463 enhanced status code opening the text ("2.1.0"), when there is one. */
  enhanced?: string;
  /** The text after the code, its separator and the enhanced code, as bytes. */
  text: Buffer;
  /** The whole line as received, without its line ending. */
  raw: Buffer;
  /** True when the line ended with a bare LF instead of CRLF (lax, but accepted). */
  bareLf: boolean;
}

export interface SmtpReply {
  code: string;
  /** The enhanced status code of the first line, when it has one. */
  enhanced?: string;
  lines: SmtpReplyLine[];
}

const HYPHEN = 0x2d;
const SPACE = 0x20;
const CR = 0x0d;

/** The reply as text: every line as received (codes included), CRLF-joined, decoded as UTF-8 for matching. */
export function replyText(reply: SmtpReply): string {
  return reply.lines.map((line) => decodeLenient(line.raw)).join('\r\n');
}

function context(waitingFor: string | undefined): string {
  return waitingFor ? ` while ${waitingFor}` : '';
}

/** RFC 5321 §4.2: Reply-code = %x32-35 %x30-35 %x30-39. */
function parseReplyCode(line: Buffer, offset: number, waitingFor?: string): string {
  const code = line.subarray(0, 3).toString('latin1');
  if (!REPLY_CODE.test(code)) {
    throw new ProtocolError(`expected a reply code (RFC 5321 §4.2) but got "${excerpt(line)}"${context(waitingFor)}`, offset);
  }
  return code;
}

/**
 * RFC 5321 §4.2: after the code comes "-" (more lines follow), SP and text, or the end of the line
 * (a bare "250" is a complete reply line).
 */
function parseSeparator(line: Buffer, offset: number, waitingFor?: string): { continues: boolean; textStart: number } {
  if (line.length === 3) return { continues: false, textStart: 3 };
  const separator = line[3];
  if (separator === HYPHEN) return { continues: true, textStart: 4 };
  if (separator === SPACE) return { continues: false, textStart: 4 };
  throw new ProtocolError(`expected "-", SP or end of line after the reply code but got "${excerpt(line.subarray(3))}"${context(waitingFor)}`, offset + 3);
}

/**
 * RFC 3463 §2: status-code = class "." subject "." detail, class = "2" / "4" / "5", subject and detail
 * 1*3digit; RFC 2034 §4 puts it first in the text, followed by SP (or ending the text).
 */
export function parseEnhancedStatusCode(text: Buffer): { enhanced: string; rest: Buffer } | undefined {
  const match = /^([245]\.\d{1,3}\.\d{1,3})(?: |$)/.exec(text.subarray(0, 12).toString('latin1'));
  if (!match) return undefined;
  const enhanced = match[1]!;
  return { enhanced, rest: text.subarray(Math.min(text.length, enhanced.length + 1)) };
}

/**
 * RFC 5321 §4.2: Reply-line = *( Reply-code "-" [ textstring ] CRLF ) Reply-code [ SP textstring ] CRLF.
 * `line` comes without its ending; `bareLf` says whether that ending was a bare LF.
 */
export function parseReplyLine(line: Buffer, offset = 0, waitingFor?: string, bareLf = false): SmtpReplyLine {
  const code = parseReplyCode(line, offset, waitingFor);
  const { continues, textStart } = parseSeparator(line, offset, waitingFor);
  // RFC 5321 §4.2 textstring is printable ASCII; bytes beyond it are kept, not refused, so scenarios can see them.
  const text = line.subarray(textStart);
  const enhanced = parseEnhancedStatusCode(text);
  return enhanced
    ? { code, continues, enhanced: enhanced.enhanced, text: enhanced.rest, raw: line, bareLf }
    : { code, continues, text, raw: line, bareLf };
}

export class SmtpReplyDecoder {
  private readonly queue = new ByteQueue();
  private lines: SmtpReplyLine[] = [];
  /** Bytes of the reply in progress already consumed: offsets in errors count from the reply's start. */
  private replyOffset = 0;
  /** An error found after replies that the same push returned; thrown by the next push. */
  private failure: Error | undefined;

  /**
   * Feeds bytes; returns the replies they complete. Throws ProtocolError or LimitError (with the offset and
   * the caller's `waitingFor` in the message); after an error the decoder stays failed. Results never depend
   * on how the bytes were split into chunks.
   */
  push(chunk: Buffer, waitingFor?: string): SmtpReply[] {
    if (this.failure) throw this.failure;
    this.queue.push(chunk);
    const replies: SmtpReply[] = [];
    try {
      for (let line = this.nextLine(waitingFor); line; line = this.nextLine(waitingFor)) {
        const reply = this.acceptLine(line, waitingFor);
        if (reply) replies.push(reply);
      }
    } catch (err) {
      this.failure = err as Error;
      if (replies.length === 0) throw err;
    }
    return replies;
  }

  /**
   * One complete line with its ending, as a line reader hands it over: the replies it completes (none or
   * one), as push() would return them, without copying the line through the queue.
   */
  pushLine(line: Buffer, waitingFor?: string): SmtpReply | undefined {
    if (this.failure || this.queue.length > 0 || line.length > Limits.lineBytes) return this.push(line, waitingFor)[0];
    try {
      return this.acceptLine(line, waitingFor);
    } catch (err) {
      this.failure = err as Error;
      throw err;
    }
  }

  /** Next complete line (with its ending), or undefined; RFC 5321 §4.5.3.1.5 bounds lines, Limits more loosely. */
  private nextLine(waitingFor?: string): Buffer | undefined {
    const max = Limits.lineBytes;
    const lf = this.queue.indexOfLineFeed(max);
    if (lf !== -1) return this.queue.take(lf + 1);
    if (this.queue.length > max) {
      throw new LimitError('lineBytes', max, max + 1, `line exceeds ${formatBytes(max)}${context(waitingFor)}`);
    }
    return undefined;
  }

  /** RFC 5321 §4.2.1: lines of one reply share its code; the line without "-" ends it. */
  private acceptLine(lineWithEnding: Buffer, waitingFor?: string): SmtpReply | undefined {
    const lineStart = this.replyOffset;
    this.replyOffset += lineWithEnding.length;
    const bareLf = lineWithEnding.length < 2 || lineWithEnding[lineWithEnding.length - 2] !== CR;
    const content = lineWithEnding.subarray(0, lineWithEnding.length - (bareLf ? 1 : 2));
    const line = parseReplyLine(content, lineStart, waitingFor, bareLf);
    const first = this.lines[0];
    if (first && line.code !== first.code) {
      throw new ProtocolError(`line with code ${line.code} inside a ${first.code} reply: "${excerpt(content)}"${context(waitingFor)}`, lineStart);
    }
    if (this.lines.length >= Limits.replyLines) {
      throw new LimitError('replyLines', Limits.replyLines, Limits.replyLines + 1, `reply exceeds ${Limits.replyLines} lines${context(waitingFor)}`);
    }
    this.lines.push(line);
    if (line.continues) return undefined;
    const lines = this.lines;
    this.lines = [];
    this.replyOffset = 0;
    const enhanced = lines[0]!.enhanced;
    return enhanced ? { code: line.code, enhanced, lines } : { code: line.code, lines };
  }
}

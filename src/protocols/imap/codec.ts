/**
 * IMAP response decoder (RFC 9051 §2.2.2, §4.3, §7): an incremental, pure function over Buffers —
 * push(chunk) → responses — that frames responses (CRLF lines; a line ending in "{n}" or "~{n}" is
 * followed by n literal octets and the response goes on), then parses each one (parser.ts). Bounded by
 * Limits.lineBytes per line, Limits.bodyBytes per literal and ImapLimits.responseBytes per response.
 * Results never depend on how the bytes were split. No sockets: imports util, wire's pure helpers, parser.
 */
import { LimitError, ProtocolError } from '../../util/errors.js';
import { Limits } from '../../util/limits.js';
import { ByteQueue } from '../../wire/byte-queue.js';
import { decodeLenient, excerpt, formatBytes } from '../../wire/printable.js';
import { ImapLimits } from './limits.js';
import { parseResponse, type ParsedResponse } from './parser.js';

/** Where a literal's octets sit within a response's raw bytes. */
export interface LiteralSpan {
  start: number;
  length: number;
}

export type ImapResponse = ParsedResponse & {
  /** The whole response as received (lines and literals) without its final CRLF. */
  raw: Buffer;
  literals: LiteralSpan[];
};

const CR = 0x0d;
const LF = 0x0a;
const PLUS = 0x2b;
const CRLF = '\r\n';
/** RFC 9051 §9 literal / literal8 at the end of a line: "{" number64 "}" or "~{" number64 "}". */
const LITERAL_AT_END = /~?\{([0-9]+)\}$/;
/** Enough of a line's tail to hold "~{" number64 "}". */
const LITERAL_TAIL_BYTES = 24;

/** The first literal's exact octets, if the response has one. */
export function firstLiteral(response: ImapResponse): Buffer | undefined {
  const span = response.literals[0];
  return span && response.raw.subarray(span.start, span.start + span.length);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/** The bytes as text when they read as text as they are (valid UTF-8, no controls besides CR, LF, TAB). */
function printableText(bytes: Buffer): string | undefined {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
  return CONTROL.test(text) ? undefined : text;
}

/**
 * The response as text for matching and reports: lines decoded as UTF-8, each literal after its "{n}"
 * shown as its text when printable, else as "[n octets, not printable]".
 */
export function responseText(response: ImapResponse): string {
  let text = '';
  let from = 0;
  for (const span of response.literals) {
    const literal = response.raw.subarray(span.start, span.start + span.length);
    text += decodeLenient(response.raw.subarray(from, span.start));
    // Decoded once: a large literal (a whole message) is the bulk of a FETCH reply.
    text += printableText(literal) ?? `[${span.length} octets, not printable]`;
    from = span.start + span.length;
  }
  return text + decodeLenient(response.raw.subarray(from));
}

export class ImapResponseDecoder {
  private readonly queue = new ByteQueue();
  /** Lines and literal octets of the response in progress, as received. */
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private literals: LiteralSpan[] = [];
  /** Octets of the current literal still to come. */
  private literalRemaining = 0;
  /** An error found after responses that the same push returned; thrown by the next push. */
  private failure: Error | undefined;

  /** Octets the decoder needs before it can use a line again: the rest of a literal, else 0. */
  get literalBytesPending(): number {
    return this.literalRemaining;
  }

  /** True when bytes of an unfinished response are held. */
  get midResponse(): boolean {
    return this.partsBytes > 0 || this.queue.length > 0;
  }

  /**
   * Feeds bytes; returns the responses they complete. Throws ProtocolError or LimitError naming the offset
   * within the response; after an error the decoder stays failed.
   */
  push(chunk: Buffer, waitingFor?: string): ImapResponse[] {
    if (this.failure) throw this.failure;
    const context = waitingFor ? ` while ${waitingFor}` : '';
    const responses: ImapResponse[] = [];
    try {
      this.receive(chunk, context);
      for (;;) {
        if (this.literalRemaining > 0) {
          if (this.queue.length === 0) break;
          this.append(this.queue.take(this.literalRemaining), context);
          this.literalRemaining -= this.parts.at(-1)!.length;
          continue;
        }
        const line = this.nextLine(context);
        if (!line) break;
        const response = this.acceptLine(line, context, waitingFor);
        if (response) responses.push(response);
      }
    } catch (err) {
      this.failure = err as Error;
      if (responses.length === 0) throw err;
    }
    return responses;
  }

  /** Queues a chunk; literal octets that come as a chunk of their own go straight in, uncopied (a FETCHed message). */
  private receive(chunk: Buffer, context: string): void {
    if (this.literalRemaining > 0 && this.queue.length === 0 && chunk.length <= this.literalRemaining) {
      this.append(chunk, context);
      this.literalRemaining -= chunk.length;
    } else {
      this.queue.push(chunk);
    }
  }

  /** The peer closed: a response in progress is truncated, reported as a ProtocolError at its end. */
  end(waitingFor?: string): void {
    if (this.failure) throw this.failure;
    const context = waitingFor ? ` while ${waitingFor}` : '';
    if (!this.midResponse) return;
    const offset = this.partsBytes + this.queue.length;
    const literal = this.literals.at(-1);
    const what =
      this.literalRemaining > 0 && literal
        ? `the literal of ${literal.length} octets starting at offset ${literal.start} is incomplete`
        : 'the line has no CRLF';
    const first = this.parts[0] ?? this.queue.takeAll();
    const start = first.at(-1) === LF ? first.subarray(0, -CRLF.length) : first;
    this.failure = new ProtocolError(`response truncated, ${what}: "${excerpt(start)}"${context}`, offset);
    throw this.failure;
  }

  /** RFC 9051 §2.2.2: lines end in CRLF; Limits.lineBytes bounds each. */
  private nextLine(context: string): Buffer | undefined {
    const max = Limits.lineBytes;
    const lf = this.queue.indexOfLineFeed(max);
    if (lf !== -1) return this.queue.take(lf + 1);
    if (this.queue.length > max) {
      throw new LimitError('lineBytes', max, max + 1, `response line exceeds ${formatBytes(max)} (at offset ${this.partsBytes})${context}`);
    }
    return undefined;
  }

  private append(bytes: Buffer, context: string): void {
    const total = this.partsBytes + bytes.length;
    if (total > ImapLimits.responseBytes) {
      throw new LimitError('responseBytes', ImapLimits.responseBytes, total, `response exceeds ${formatBytes(ImapLimits.responseBytes)} (at offset ${this.partsBytes})${context}`);
    }
    this.parts.push(bytes);
    this.partsBytes = total;
  }

  /** A complete line: it either announces a literal (the response goes on) or ends the response. */
  private acceptLine(line: Buffer, context: string, waitingFor: string | undefined): ImapResponse | undefined {
    const lineStart = this.partsBytes;
    if (line.length < 2 || line[line.length - 2] !== CR) {
      throw new ProtocolError(`line ends in a bare LF, not CRLF (RFC 9051 §2.2.2): "${excerpt(line)}"${context}`, lineStart + line.length - 1);
    }
    this.append(line, context);
    const content = line.subarray(0, line.length - 2);
    // RFC 9051 §9 continue-req carries text or base64, never a literal.
    const continuation = lineStart === 0 && content[0] === PLUS;
    const announced = continuation ? null : LITERAL_AT_END.exec(content.subarray(-LITERAL_TAIL_BYTES).toString('latin1'));
    if (!announced) return this.complete(waitingFor);
    const count = Number(announced[1]);
    if (count > Limits.bodyBytes) {
      throw new LimitError('bodyBytes', Limits.bodyBytes, count, `literal of ${count} octets exceeds ${formatBytes(Limits.bodyBytes)} (at offset ${lineStart + content.length - announced[0].length})${context}`);
    }
    this.literals.push({ start: this.partsBytes, length: count });
    this.literalRemaining = count;
    return undefined;
  }

  private complete(waitingFor: string | undefined): ImapResponse {
    const whole = Buffer.concat(this.parts, this.partsBytes);
    const raw = whole.subarray(0, whole.length - CRLF.length);
    const literals = this.literals;
    this.parts = [];
    this.partsBytes = 0;
    this.literals = [];
    return { ...parseResponse(raw, waitingFor), raw, literals };
  }
}

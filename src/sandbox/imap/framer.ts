/**
 * Cuts the client's byte stream into whole IMAP commands (RFC 3501 §2.2, RFC 9051 §2.2.1): a command is
 * lines and literals; a line ending in "{n}" announces n octets that follow its CRLF (the server must
 * first send a "+" continuation, RFC 3501 §7.5), "{n+}" the same without waiting (LITERAL+, RFC 7888), and
 * "~{n}" a literal8 (RFC 3516). A command comes out as one Buffer holding its lines and literals exactly
 * as sent, without the final CRLF, for the parser to read. Every size is bounded (limits.ts).
 * Incremental: push(chunk) → events, the same events however the input is split. Pure; imports util/ only.
 */
import { LimitError } from '../../util/errors.js';
import { ImapServerLimits } from './limits.js';

const LF = 0x0a;
const CR = 0x0d;
/** RFC 3501 §9 literal / RFC 7888 literal-plus / RFC 3516 literal8 at the end of a line. */
const LITERAL_AT_END = /~?\{([0-9]+)(\+?)\}$/;
/** Enough of a line's end to hold the longest marker we accept ("~{" + 10 digits + "+}"). */
const MARKER_WINDOW = 16;
/** Enough of a refused command's start to find its tag. */
const PREFIX_BYTES = 256;

export type FramerEvent =
  /** A whole command: lines (CRLF kept between them) and literals, without the final CRLF. */
  | { kind: 'command'; bytes: Buffer }
  /** RFC 3501 §7.5: a synchronizing literal was announced; send "+" before the client sends it. */
  | { kind: 'continue' }
  /**
   * A limit was passed. `prefix` is the start of the command (for its tag). When `fatal`, the
   * client is sending bytes we will not read (a non-synchronizing literal), so the connection must end;
   * otherwise the framer has dropped the command and goes on with the next line.
   */
  | { kind: 'refused'; error: LimitError; prefix: Buffer; fatal: boolean };

export interface FramerLimits {
  lineBytes: number;
  literalBytes: number;
  commandBytes: number;
  literals: number;
}

export class CommandFramer {
  private readonly limits: FramerLimits;
  /** Lines and literals of the command being received. */
  private parts: Buffer[] = [];
  private commandLength = 0;
  private literalCount = 0;
  /** Octets of a literal still to come. */
  private literalRemaining = 0;
  /** The start of a line whose CRLF has not come yet. */
  private partialLine: Buffer[] = [];
  private partialLength = 0;
  /** Dropping an over-long line up to its LF. */
  private skippingLine = false;

  constructor(limits: FramerLimits = ImapServerLimits) {
    this.limits = limits;
  }

  /** Forget everything buffered (RFC 3207-style: nothing sent before a TLS upgrade survives it). */
  reset(): void {
    this.parts = [];
    this.commandLength = 0;
    this.literalCount = 0;
    this.literalRemaining = 0;
    this.partialLine = [];
    this.partialLength = 0;
    this.skippingLine = false;
  }

  push(chunk: Buffer): FramerEvent[] {
    const events: FramerEvent[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.literalRemaining > 0) {
        const take = Math.min(this.literalRemaining, chunk.length - at);
        this.addPart(chunk.subarray(at, at + take));
        this.literalRemaining -= take;
        at += take;
        continue;
      }
      const lf = chunk.indexOf(LF, at);
      if (lf < 0) {
        this.keepPartial(chunk.subarray(at), events);
        break;
      }
      const piece = chunk.subarray(at, lf + 1);
      at = lf + 1;
      if (this.skippingLine) {
        this.skippingLine = false;
        continue;
      }
      if (this.partialLength + piece.length > this.limits.lineBytes) {
        events.push(this.refuse('lineBytes', this.limits.lineBytes, this.partialLength + piece.length, false, piece));
        continue;
      }
      const line = this.partialLength > 0 ? Buffer.concat([...this.partialLine, piece]) : Buffer.from(piece);
      this.partialLine = [];
      this.partialLength = 0;
      this.endLine(line, events);
    }
    return events;
  }

  private keepPartial(rest: Buffer, events: FramerEvent[]): void {
    if (this.skippingLine) return;
    if (this.partialLength + rest.length > this.limits.lineBytes) {
      events.push(this.refuse('lineBytes', this.limits.lineBytes, this.partialLength + rest.length, false, rest));
      this.skippingLine = true;
      return;
    }
    this.partialLine.push(Buffer.from(rest));
    this.partialLength += rest.length;
  }

  /** A whole line, LF included: either it announces a literal or it ends the command. */
  private endLine(line: Buffer, events: FramerEvent[]): void {
    // RFC 3501 asks for CRLF; a bare LF is taken too, as Dovecot does.
    const bodyEnd = line.length >= 2 && line[line.length - 2] === CR ? line.length - 2 : line.length - 1;
    const body = line.subarray(0, bodyEnd);
    const marker = LITERAL_AT_END.exec(body.subarray(Math.max(0, body.length - MARKER_WINDOW)).toString('latin1'));
    if (!marker) {
      this.addPart(body);
      const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
      this.clearCommand();
      events.push({ kind: 'command', bytes });
      return;
    }
    const size = Number(marker[1]);
    const synchronizing = marker[2] !== '+';
    this.addPart(line);
    if (size > this.limits.literalBytes) {
      events.push(this.refuse('literalBytes', this.limits.literalBytes, size, !synchronizing));
    } else if (this.commandLength + size > this.limits.commandBytes) {
      events.push(this.refuse('commandBytes', this.limits.commandBytes, this.commandLength + size, !synchronizing));
    } else if (++this.literalCount > this.limits.literals) {
      events.push(this.refuse('literals', this.limits.literals, this.literalCount, !synchronizing));
    } else {
      this.literalRemaining = size;
      if (synchronizing) events.push({ kind: 'continue' });
    }
  }

  private addPart(bytes: Buffer): void {
    this.parts.push(bytes);
    this.commandLength += bytes.length;
  }

  private clearCommand(): void {
    this.parts = [];
    this.commandLength = 0;
    this.literalCount = 0;
  }

  /** `unread`: the bytes of the line being refused that are not buffered. */
  private refuse(limit: keyof FramerLimits, max: number, actual: number, fatal: boolean, unread: Buffer = Buffer.alloc(0)): FramerEvent {
    const prefix = Buffer.from(Buffer.concat([...this.parts, ...this.partialLine, unread]).subarray(0, PREFIX_BYTES));
    this.clearCommand();
    this.partialLine = [];
    this.partialLength = 0;
    const error = new LimitError(limit, max, actual, `${limit} ${actual} exceeds the limit of ${max}`);
    return { kind: 'refused', error, prefix, fatal };
  }
}

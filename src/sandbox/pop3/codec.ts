/**
 * The POP3 server's byte codec: splitting incoming bytes into command lines under a length limit, and
 * writing multi-line responses (RFC 1939 §3) with dot-stuffing and the terminating "." line, byte for byte
 * as stored. Buffers in, Buffers out; imports util/errors only, never a socket.
 */
import { LimitError } from '../../util/errors.js';

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
export const CRLF = Buffer.from('\r\n');
/** RFC 1939 §3: the termination octet on a line of its own. */
const TERMINATOR = Buffer.from('.\r\n');
const STUFFING = Buffer.from('.');
const LF_DOT = Buffer.from('\n.');

/**
 * Incremental command-line splitter: push(chunk) → the complete lines it finished, without their CRLF
 * (a bare LF ends a line too, as most servers accept). Throws a LimitError as soon as an unfinished line
 * exceeds `maxBytes` (line ending included), without buffering more than that.
 */
export class CommandLineReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    let start = 0;
    for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, start)) {
      const part = chunk.subarray(start, lf + 1);
      this.checkLength(this.pendingBytes + part.length);
      const line = this.pending.length > 0 ? Buffer.concat([...this.pending, part]) : part;
      this.pending = [];
      this.pendingBytes = 0;
      lines.push(stripLineEnding(line));
      start = lf + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      // An unfinished line at the limit may still end with CRLF; one octet more cannot.
      this.checkLength(this.pendingBytes + rest.length + (rest.at(-1) === CR ? 1 : 2));
      this.pending.push(Buffer.from(rest));
      this.pendingBytes += rest.length;
    }
    return lines;
  }

  /** Drops an unfinished line (after STLS: bytes before the handshake are not commands). */
  reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }

  private checkLength(bytes: number): void {
    if (bytes > this.maxBytes) {
      throw new LimitError('lineBytes', this.maxBytes, bytes, `command line exceeds ${this.maxBytes} octets`);
    }
  }
}

function stripLineEnding(line: Buffer): Buffer {
  const end = line.length >= 2 && line[line.length - 2] === CR ? line.length - 2 : line.length - 1;
  return line.subarray(0, end);
}

/**
 * RFC 1939 §3: a multi-line response's body: every line that starts with "." gets one more, the last line
 * is completed with CRLF if the content lacks it, and ".\r\n" ends the response. Everything else is
 * passed through exactly (bare LF and 8-bit octets included). In pieces, so that the reply copies its status
 * line and a whole message together once.
 */
export function multilineBody(content: Buffer): Buffer[] {
  const parts: Buffer[] = content[0] === DOT ? [STUFFING] : [];
  let from = 0;
  for (let hit = content.indexOf(LF_DOT); hit !== -1; hit = content.indexOf(LF_DOT, hit + 1)) {
    parts.push(content.subarray(from, hit + 1), STUFFING);
    from = hit + 1;
  }
  parts.push(content.subarray(from));
  if (content.length > 0 && content[content.length - 1] !== LF) parts.push(CRLF);
  parts.push(TERMINATOR);
  return parts;
}

/**
 * RFC 1939 §7 TOP msg n: the header, the blank line after it, and the first `lines` lines of the body.
 * A message without a blank line is all header.
 */
export function topOf(message: Buffer, lines: number): Buffer {
  const headerEnd = endOfHeader(message);
  if (headerEnd === undefined) return message;
  let end = headerEnd;
  for (let n = 0; n < lines && end < message.length; n++) {
    const lf = message.indexOf(LF, end);
    end = lf === -1 ? message.length : lf + 1;
  }
  return message.subarray(0, end);
}

/** Offset just past the empty line that ends the header (RFC 5322 §2.1), or undefined if there is none. */
function endOfHeader(message: Buffer): number | undefined {
  let lineStart = 0;
  while (lineStart < message.length) {
    const lf = message.indexOf(LF, lineStart);
    if (lf === -1) return undefined;
    const length = lf - lineStart;
    if (length === 0 || (length === 1 && message[lineStart] === CR)) return lf + 1;
    lineStart = lf + 1;
  }
  return undefined;
}

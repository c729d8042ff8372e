/**
 * Content-Transfer-Encoding for the builder (RFC 2045 §6): what the content needs (7bit when it is short
 * ASCII lines, quoted-printable for mostly-ASCII text, base64 otherwise; message/* never base64 or QP),
 * and the encoded body through the encoding core. Pure: Buffers in, Buffers out. Imports the encoding
 * core and spec types only.
 */
import { base64Encode } from '../encoding/base64.js';
import { qpEncode } from '../encoding/qp.js';
import type { TransferEncoding } from './spec.js';

/** RFC 5322 §2.1.1 / RFC 2045 §2.7: at most 998 octets per line, CRLF excluded. */
export const MAX_LINE_OCTETS = 998;

const CR = 0x0d;
const LF = 0x0a;

/** What the encodings care about in a body. */
export interface ContentShape {
  /** Octets in all. */
  length: number;
  /** Octets above 127. */
  high: number;
  /** NUL, bare CR or bare LF: only binary (or base64 / QP) can carry them. */
  binaryOnly: boolean;
  /** Longest line in octets, line break excluded. */
  longestLine: number;
}

export function shapeOf(bytes: Buffer): ContentShape {
  let high = 0;
  let binaryOnly = false;
  let longestLine = 0;
  let lineStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 0x80) high++;
    else if (b === 0) binaryOnly = true;
    else if (b === CR) {
      if (bytes[i + 1] !== LF) binaryOnly = true;
    } else if (b === LF) {
      if (bytes[i - 1] !== CR) binaryOnly = true;
      const length = i - lineStart - (bytes[i - 1] === CR ? 1 : 0);
      if (length > longestLine) longestLine = length;
      lineStart = i + 1;
    }
  }
  if (bytes.length - lineStart > longestLine) longestLine = bytes.length - lineStart;
  return { length: bytes.length, high, binaryOnly, longestLine };
}

/** Whether `bytes` may travel as 7bit (RFC 2045 §2.7) or 8bit (§2.8) without encoding. */
export function lineSafe(shape: ContentShape): boolean {
  return !shape.binaryOnly && shape.longestLine <= MAX_LINE_OCTETS;
}

/**
 * RFC 2045 §6: the identity encodings when the content allows them; for text, quoted-printable when at
 * most one octet in eight is above 127 (QP then stays near the original size and readable), else base64.
 * message/* may only be 7bit, 8bit or binary (RFC 2046 §5.2.1). Everything else is base64.
 */
export function chooseEncoding(mediaType: string, shape: ContentShape): TransferEncoding {
  const top = mediaType.slice(0, mediaType.indexOf('/')).toLowerCase();
  if (top === 'message') return !lineSafe(shape) ? 'binary' : shape.high > 0 ? '8bit' : '7bit';
  if (top !== 'text') return 'base64';
  if (shape.high === 0 && lineSafe(shape)) return '7bit';
  return shape.high * 8 <= shape.length ? 'quoted-printable' : 'base64';
}

/** The body as it goes on the wire. Text QP keeps CRLF as hard breaks (RFC 2045 §6.7 rule 4). */
export function encodeBody(content: Buffer, encoding: TransferEncoding, isText: boolean): Buffer {
  switch (encoding) {
    case 'base64':
      return base64Encode(content);
    case 'quoted-printable':
      return qpEncode(content, { mode: isText ? 'text' : 'binary' });
    case '7bit':
    case '8bit':
    case 'binary':
      return content;
  }
}

/** The broadest of the children's encodings, for a multipart or message part (RFC 2045 §6.4). */
export function broadest(encodings: readonly TransferEncoding[]): '7bit' | '8bit' | 'binary' {
  if (encodings.includes('binary')) return 'binary';
  return encodings.includes('8bit') ? '8bit' : '7bit';
}

/**
 * A leaf part's content: the body after its Content-Transfer-Encoding is undone (RFC 2045 §6) through the
 * encoding core, with its SHA-256; and the text of a text/* part in its charset. Damaged encodings are
 * decoded leniently, as RFC 2045 §6.8 asks, and reported as warnings with the offset of the first fault.
 * Imports node:crypto, the encoding core and parser types.
 */
import { createHash } from 'node:crypto';
import { base64Decode } from '../encoding/base64.js';
import { qpDecode } from '../encoding/qp.js';
import { decodeCharset } from '../encoding/charset.js';
import { ProtocolError } from '../../util/errors.js';
import type { MimePart, ParseWarning } from './types.js';

/** RFC 2045 §6.1 identity encodings: the body is the content. */
export const IDENTITY_ENCODINGS: readonly string[] = ['7bit', '8bit', 'binary'];

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Undoes the transfer encoding of `body` (offset `bodyStart` in the message, for warnings). */
export function decodeBody(body: Buffer, encoding: string, bodyStart: number, path: string, warnings: ParseWarning[]): Buffer {
  if (IDENTITY_ENCODINGS.includes(encoding)) return body;
  if (encoding === 'base64' || encoding === 'quoted-printable') {
    const decode = encoding === 'base64' ? base64Decode : qpDecode;
    try {
      return decode(body, { strict: true });
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      warnings.push({
        code: encoding === 'base64' ? 'invalid-base64' : 'invalid-quoted-printable',
        path,
        offset: bodyStart + err.offset,
        message: `${err.message} of the body; decoded leniently`,
      });
      return decode(body);
    }
  }
  warnings.push({ code: 'unknown-transfer-encoding', path, offset: bodyStart, message: `unknown Content-Transfer-Encoding ${encoding}: body taken as it is` });
  return body;
}

/** RFC 2046 §4.1.2: the charset of a text part, us-ascii by default. */
export function charsetOf(part: MimePart): string {
  return part.contentType.parameters.get('charset') ?? 'us-ascii';
}

/** The text of a text/* leaf in its charset; undefined for other parts or a charset Node does not know. */
export function textOf(part: MimePart): string | undefined {
  if (!part.content || !part.contentType.mediaType.startsWith('text/')) return undefined;
  return decodeCharset(part.content, charsetOf(part));
}

/** Whether Node can decode `charset` (an unknown one gets a warning at parse time). */
export function knownCharset(charset: string): boolean {
  return decodeCharset(Buffer.alloc(0), charset) !== undefined;
}

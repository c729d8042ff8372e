/**
 * Message data for line-oriented mail protocols: CRLF normalisation, dot-stuffing and the end-of-data
 * marker (SMTP DATA; POP3 multi-line responses use the same transparency rule). Buffer in, Buffer out;
 * imports nothing.
 */

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

/** RFC 5321 §4.1.1.4: the end of mail data. */
export const END_OF_DATA = Buffer.from('.\r\n');

/**
 * RFC 5321 §2.3.8: lines end in CRLF. A bare LF or bare CR becomes CRLF; CRLF stays as it is, so the
 * function is idempotent.
 */
export function toCrlf(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(bytes.length * 2);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === CR) {
      out[n++] = CR;
      out[n++] = LF;
      if (bytes[i + 1] === LF) i++;
    } else if (byte === LF) {
      out[n++] = CR;
      out[n++] = LF;
    } else {
      out[n++] = byte;
    }
  }
  return Buffer.from(out.subarray(0, n));
}

/** RFC 5321 §4.5.2: before sending a line, if its first character is a period, another period is added. */
export function dotStuff(crlfBytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(crlfBytes.length * 2);
  let n = 0;
  let lineStart = true;
  for (const byte of crlfBytes) {
    if (lineStart && byte === DOT) out[n++] = DOT;
    out[n++] = byte;
    lineStart = byte === LF;
  }
  return Buffer.from(out.subarray(0, n));
}

/**
 * The bytes that follow a 354 reply (RFC 5321 §4.1.1.4): the message in CRLF form, dot-stuffed, with a
 * final CRLF when it lacks one, then "." CRLF. An empty message is just the end-of-data marker.
 */
export function encodeDataBody(message: Buffer): Buffer {
  const stuffed = dotStuff(toCrlf(message));
  const needsCrlf = stuffed.length > 0 && stuffed[stuffed.length - 1] !== LF;
  return Buffer.concat(needsCrlf ? [stuffed, Buffer.from('\r\n'), END_OF_DATA] : [stuffed, END_OF_DATA]);
}

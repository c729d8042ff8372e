/**
 * Message data for line-oriented mail protocols: CRLF normalisation, dot-stuffing and the end-of-data
 * marker (SMTP DATA; POP3 multi-line responses use the same transparency rule). Buffer in, Buffer out;
 * imports nothing.
 */

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const LF_DOT = Buffer.from('\n.');

/** RFC 5321 §4.1.1.4: the end of mail data. */
export const END_OF_DATA = Buffer.from('.\r\n');

/**
 * RFC 5321 §2.3.8: lines end in CRLF. A bare LF or bare CR becomes CRLF; CRLF stays as it is, so the
 * function is idempotent. Bytes already in that form come back as they are (no copy).
 */
export function toCrlf(bytes: Buffer): Buffer {
  if (hasOnlyCrlf(bytes)) return bytes;
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

/** True when every CR is followed by LF and every LF preceded by CR (native indexOf: fast on large messages). */
function hasOnlyCrlf(bytes: Buffer): boolean {
  for (let lf = bytes.indexOf(LF); lf !== -1; lf = bytes.indexOf(LF, lf + 1)) if (bytes[lf - 1] !== CR) return false;
  for (let cr = bytes.indexOf(CR); cr !== -1; cr = bytes.indexOf(CR, cr + 1)) if (bytes[cr + 1] !== LF) return false;
  return true;
}

/**
 * RFC 5321 §4.5.2: before sending a line, if its first character is a period, another period is added.
 * The lines between are copied whole; a message without such a line comes back as it is (no copy).
 */
export function dotStuff(crlfBytes: Buffer): Buffer {
  const dots: number[] = crlfBytes[0] === DOT ? [0] : [];
  for (let at = crlfBytes.indexOf(LF_DOT); at !== -1; at = crlfBytes.indexOf(LF_DOT, at + 2)) dots.push(at + 1);
  if (dots.length === 0) return crlfBytes;
  const out = Buffer.allocUnsafe(crlfBytes.length + dots.length);
  let n = 0;
  let from = 0;
  for (const dot of dots) {
    n += crlfBytes.copy(out, n, from, dot);
    out[n++] = DOT;
    from = dot;
  }
  crlfBytes.copy(out, n, from);
  return out;
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

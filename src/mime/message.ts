/**
 * Whole-message helpers the runner needs before the full MIME parser exists: line-ending normalisation and
 * the Message-ID of a message. Buffer in, Buffer out; no I/O.
 */

const CR = 0x0d;
const LF = 0x0a;

/** Bare LF and bare CR become CRLF (RFC 5322 §2.1: lines end in CRLF); CRLF stays. */
export function normalizeCrlf(bytes: Buffer): Buffer {
  let bare = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === LF && bytes[i - 1] !== CR) bare++;
    else if (b === CR && bytes[i + 1] !== LF) bare++;
  }
  if (bare === 0) return bytes;
  const out = Buffer.allocUnsafe(bytes.length + bare);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === LF && bytes[i - 1] !== CR) out[o++] = CR;
    out[o++] = b;
    if (b === CR && bytes[i + 1] !== LF) out[o++] = LF;
  }
  return out;
}

/** End of the header section: the offset of the empty line's CRLF (or bytes.length when there is none). */
function headerEnd(bytes: Buffer): number {
  const at = bytes.indexOf('\r\n\r\n');
  return at < 0 ? bytes.length : at + 2;
}

/** The Message-ID header's value (RFC 5322 §3.6.4), unfolded, with its angle brackets; undefined if absent. */
export function messageIdOf(bytes: Buffer): string | undefined {
  const header = bytes.subarray(0, headerEnd(bytes)).toString('latin1').replace(/\r\n[ \t]+/g, ' ');
  const m = /^message-id:[ \t]*(<[^>\r\n]*>)/im.exec(header);
  return m?.[1];
}

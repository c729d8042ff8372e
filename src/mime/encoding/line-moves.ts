/**
 * Moving fixed-length lines, 8 bytes at a time: the hot loop behind wrapped base64 encoding. DataView loads and
 * stores compile to single unaligned 64-bit moves, several times faster than copying byte by byte or
 * calling copyWithin once per line; the 76-column case is unrolled because TurboFan does not unroll the
 * inner loop. The bytes moved must be ASCII: 8 bytes whose top byte is below 0x7F can never be a NaN, so
 * no engine may canonicalise them on the way through a float register. Imports nothing.
 */

const CRLF = 0x0a0d; // little-endian: CR then LF

/**
 * `lines` lines of `lineLength` bytes start at `from` in `buffer`, back to back; move them forward so that
 * line k begins at `to` + k × (lineLength + lineBreak.length) and is followed by `lineBreak`. The
 * destination must not lie after the source (`to` + lines × lineBreak.length ≤ `from`), so that every
 * store overwrites only bytes already read.
 */
export function spreadLines(view: DataView, from: number, to: number, lines: number, lineLength: number, lineBreak: Uint8Array): void {
  const crlf = lineBreak.length === 2 && lineBreak[0] === 0x0d && lineBreak[1] === 0x0a;
  if (crlf && lineLength === 76) {
    spread76(view, from, to, lines);
    return;
  }
  const words = lineLength & ~7;
  let src = from;
  let dst = to;
  for (let line = 0; line < lines; line++) {
    let j = 0;
    for (; j < words; j += 8) view.setFloat64(dst + j, view.getFloat64(src + j, true), true);
    for (; j < lineLength; j++) view.setUint8(dst + j, view.getUint8(src + j));
    dst += lineLength;
    for (let b = 0; b < lineBreak.length; b++) view.setUint8(dst++, lineBreak[b]!);
    src += lineLength;
  }
}

function spread76(view: DataView, from: number, to: number, lines: number): void {
  let src = from;
  let dst = to;
  for (let line = 0; line < lines; line++) {
    view.setFloat64(dst, view.getFloat64(src, true), true);
    view.setFloat64(dst + 8, view.getFloat64(src + 8, true), true);
    view.setFloat64(dst + 16, view.getFloat64(src + 16, true), true);
    view.setFloat64(dst + 24, view.getFloat64(src + 24, true), true);
    view.setFloat64(dst + 32, view.getFloat64(src + 32, true), true);
    view.setFloat64(dst + 40, view.getFloat64(src + 40, true), true);
    view.setFloat64(dst + 48, view.getFloat64(src + 48, true), true);
    view.setFloat64(dst + 56, view.getFloat64(src + 56, true), true);
    view.setFloat64(dst + 64, view.getFloat64(src + 64, true), true);
    view.setUint32(dst + 72, view.getUint32(src + 72, true), true);
    view.setUint16(dst + 76, CRLF, true);
    src += 76;
    dst += 78;
  }
}

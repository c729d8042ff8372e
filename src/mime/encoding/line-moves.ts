/**
 * Moving fixed-length lines, 8 bytes at a time: the line breaks of wrapped base64 encoding wherever the SIMD
 * kernel does not apply (other line lengths or breaks; no WebAssembly). DataView loads and stores compile to
 * single unaligned 64-bit moves, several times faster than copying byte by byte or calling copyWithin once
 * per line. The bytes moved must be ASCII: 8 bytes whose top byte is below 0x7F can never be a NaN, so no
 * engine may canonicalise them on the way through a float register. Imports nothing.
 */

/**
 * `lines` lines of `lineLength` bytes start at `from` in `buffer`, back to back; move them forward so that
 * line k begins at `to` + k × (lineLength + lineBreak.length) and is followed by `lineBreak`. The
 * destination must not lie after the source (`to` + lines × lineBreak.length ≤ `from`), so that every
 * store overwrites only bytes already read.
 */
export function spreadLines(view: DataView, from: number, to: number, lines: number, lineLength: number, lineBreak: Uint8Array): void {
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

/**
 * `raw:` step text → exact bytes. Escapes `\r \n \t \\ \xNN` become bytes; everything else is UTF-8.
 * Pure; imports nothing.
 */

const SIMPLE_ESCAPES: Record<string, number> = { r: 0x0d, n: 0x0a, t: 0x09, '\\': 0x5c };
const HEX_PAIR = /^[0-9a-fA-F]{2}$/;

/** Unknown escapes (and `\x` without two hex digits) stay literal, backslash included. */
export function unescapeRaw(text: string): Buffer {
  const parts: Buffer[] = [];
  let literalStart = 0;
  const flushLiteral = (end: number): void => {
    if (end > literalStart) parts.push(Buffer.from(text.slice(literalStart, end), 'utf8'));
  };
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') continue;
    const next = text[i + 1];
    if (next === undefined) break;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      flushLiteral(i);
      parts.push(Buffer.of(simple));
      literalStart = i + 2;
      i++;
    } else if (next === 'x' && HEX_PAIR.test(text.slice(i + 2, i + 4))) {
      flushLiteral(i);
      parts.push(Buffer.of(parseInt(text.slice(i + 2, i + 4), 16)));
      literalStart = i + 4;
      i += 3;
    }
  }
  flushLiteral(text.length);
  return Buffer.concat(parts);
}

/** Offsets of `\x` escapes not followed by two hex digits: almost certainly a mistake, so the loader
 *  reports them even though unescapeRaw would keep them literally. */
export function badHexEscapes(text: string): number[] {
  const bad: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') continue;
    if (text[i + 1] === 'x' && !HEX_PAIR.test(text.slice(i + 2, i + 4))) bad.push(i);
    i++; // the escaped character, so that `\\x41` is a backslash then "x41"
  }
  return bad;
}

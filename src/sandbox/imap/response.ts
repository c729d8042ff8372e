/**
 * How the server writes IMAP data (RFC 3501 §4, §7): atoms, quoted strings, literals (byte counts, exact
 * bytes: 8-bit or binary data always goes as a literal), NIL, parenthesized lists, and whole response
 * lines. Values are Buffers so that message bytes are never re-encoded. Pure; imports nothing.
 */

const CRLF = Buffer.from('\r\n');
export const NIL = Buffer.from('NIL');

/** One piece of a response: text is written as is (ASCII), a Buffer as its bytes. */
export type Piece = string | Buffer;

export function concat(pieces: readonly Piece[]): Buffer {
  return Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
}

/** A response line: its pieces then CRLF. */
export function line(...pieces: Piece[]): Buffer {
  return concat([...pieces, CRLF]);
}

/** RFC 3501 §4.3: quotable when 7-bit and free of CR, LF and NUL (and not too long to read). */
function isQuotable(bytes: Buffer): boolean {
  return bytes.length <= 1024 && bytes.every((b) => b > 0 && b < 0x80 && b !== 0x0a && b !== 0x0d);
}

/** RFC 3501 §4.3.1 literal: "{n}" CRLF and the exact octets, as pieces (a FETCHed message is not copied). */
export function literalPieces(bytes: Buffer): Piece[] {
  return [`{${bytes.length}}\r\n`, bytes];
}

export function literal(bytes: Buffer): Buffer {
  return concat(literalPieces(bytes));
}

/** RFC 3501 §4.3 string: quoted when it can be, else a literal. */
export function string(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  if (!isQuotable(bytes)) return literal(bytes);
  return Buffer.from(`"${bytes.toString('latin1').replace(/["\\]/g, '\\$&')}"`, 'latin1');
}

/** RFC 3501 §4.5 nstring: NIL for absent. */
export function nstring(value: Buffer | string | undefined): Buffer {
  return value === undefined ? NIL : string(value);
}

/** RFC 3501 §9 astring: an atom when every octet is an ASTRING-CHAR (and it is not "NIL"), else a string. */
export function astring(value: string): Buffer {
  if (/^[\x21\x23\x24\x26\x27\x2b-\x5b\x5d-\x7a\x7c-\x7e]+$/.test(value) && value.toUpperCase() !== 'NIL') return Buffer.from(value, 'latin1');
  return string(value);
}

/** RFC 3501 §4.4 parenthesized list. */
export function list(items: readonly Piece[]): Buffer {
  const pieces: Piece[] = ['('];
  items.forEach((item, i) => pieces.push(i > 0 ? ' ' : '', item));
  pieces.push(')');
  return concat(pieces);
}

/**
 * RFC 2047 encoded words in header text: encoding text as B or Q words of at most 75 characters that
 * never split a character, folded onto lines of their own; and decoding header values that mix encoded
 * words and plain text, in any charset Node knows. Pure: strings and Buffers in and out. Imports only
 * sibling encoding modules.
 */
import { decodeCharset, encodeCharset, type MimeWarning } from './charset.js';

/** RFC 2047 §2: "An 'encoded-word' may not be more than 75 characters long". */
export const ENCODED_WORD_LENGTH = 75;
/** RFC 2047 §2: words longer than a line are separated by CRLF SPACE (a fold, RFC 5322 §2.2.3). */
const WORD_SEPARATOR = '\r\n ';

export interface EncodeWordOptions {
  /** B (base64, §4.1) or Q (quoted-printable-like, §4.2); default B. */
  encoding?: 'B' | 'Q';
  /** UTF-8 (default), ISO-8859-1 or US-ASCII. */
  charset?: string;
}

export interface DecodedWords {
  text: string;
  warnings: MimeWarning[];
}

/**
 * `text` as one or more RFC 2047 encoded words (§2, §4), each at most 75 characters, split only between
 * characters, joined by CRLF SPACE. The empty string encodes to the empty string (§2: encoded-text is
 * at least one character).
 */
export function encodeWord(text: string, options: EncodeWordOptions = {}): string {
  const encoding = options.encoding ?? 'B';
  const charset = options.charset ?? 'UTF-8';
  const bytes = encodeCharset(text, charset);
  const prefix = `=?${charset}?${encoding}?`;
  const room = ENCODED_WORD_LENGTH - prefix.length - 2;
  if (room < 4) throw new RangeError(`charset name ${charset} leaves no room for encoded text in a 75-character word`);
  const isUtf8 = charset.toUpperCase() === 'UTF-8';
  if (encoding === 'Q') return qWords(bytes, prefix, room, isUtf8);
  const words: string[] = [];
  for (let start = 0; start < bytes.length; ) {
    const end = bWordEnd(bytes, start, room, isUtf8);
    words.push(`${prefix}${bytes.toString('base64', start, end)}?=`);
    start = end;
  }
  return words.join(WORD_SEPARATOR);
}

/** A UTF-8 continuation byte (10xxxxxx) cannot begin a character, so a word may not end before one. */
function isContinuation(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

/** RFC 2047 §4.1: every 3 bytes take 4 characters; end the word on a character boundary. */
function bWordEnd(bytes: Buffer, start: number, room: number, isUtf8: boolean): number {
  let end = Math.min(bytes.length, start + Math.floor(room / 4) * 3);
  if (isUtf8) while (end > start + 1 && isContinuation(bytes[end])) end--;
  return end;
}

// RFC 2047 §5 rule (3): the characters a Q word may hold literally anywhere (phrase, comment or text);
// §4.2: space may be "_"; every other byte is "=XX".
const Q_LITERAL = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/') Q_LITERAL[c.charCodeAt(0)] = 1;
const SPACE = 0x20;
const HEX_DIGITS = Buffer.from('0123456789ABCDEF');
const WORD_END = Buffer.from(`?=${WORD_SEPARATOR}`, 'latin1');

function qWidth(byte: number): number {
  return Q_LITERAL[byte] === 1 || byte === SPACE ? 1 : 3;
}

/**
 * RFC 2047 §4.2 Q words, written in one pass into one buffer: whole characters while their Q form fits
 * in `room`, then "?=" CRLF SPACE and the next word's prefix.
 */
function qWords(bytes: Buffer, prefix: string, room: number, isUtf8: boolean): string {
  const head = Buffer.from(prefix, 'latin1');
  // Every word but the last holds more than room - 12 characters (a 4-byte character takes 12).
  const maxWords = Math.ceil((3 * bytes.length) / Math.max(1, room - 11)) + 1;
  const out = Buffer.allocUnsafe(3 * bytes.length + maxWords * (head.length + WORD_END.length));
  let o = head.copy(out, 0);
  let used = 0;
  for (let i = 0; i < bytes.length; ) {
    let charEnd = i + 1;
    if (isUtf8) while (isContinuation(bytes[charEnd])) charEnd++;
    let width = 0;
    for (let j = i; j < charEnd; j++) width += qWidth(bytes[j]!);
    if (used + width > room && used > 0) {
      o += WORD_END.copy(out, o);
      o += head.copy(out, o);
      used = 0;
    }
    for (; i < charEnd; i++) {
      const b = bytes[i]!;
      if (Q_LITERAL[b] === 1) out[o++] = b;
      else if (b === SPACE) out[o++] = 0x5f; // "_"
      else {
        out[o++] = 0x3d;
        out[o++] = HEX_DIGITS[b >> 4]!;
        out[o++] = HEX_DIGITS[b & 15]!;
      }
    }
    used += width;
  }
  o += WORD_END.copy(out, o, 0, 2); // the last word ends without a fold
  return bytes.length === 0 ? '' : out.toString('latin1', 0, o);
}

const FOLD = /\r?\n(?=[ \t])/g;

/**
 * Header text with its encoded words decoded (RFC 2047 §6). The value is unfolded; whitespace
 * between adjacent encoded words is dropped (§6.2), and their bytes are joined before the charset is
 * applied, so a character split across words by a careless mailer still decodes. A word in a charset
 * Node does not know is kept as it is, with a warning. Raw bytes (RFC 6532) are read as UTF-8.
 *
 * Words are found by hand rather than by a regular expression, and the bytes of a run of words are
 * written into one buffer: a long header of many words is dominated by per-word costs otherwise.
 */
export function decodeWords(headerValue: string | Buffer): DecodedWords {
  const warnings: MimeWarning[] = [];
  const value = typeof headerValue === 'string' ? headerValue : rawHeaderText(headerValue, warnings);
  let start = value.indexOf('=?');
  if (start < 0) return { text: unfold(value), warnings };
  // A run's bytes never outnumber the characters of its words (B takes 4 for 3, Q at least 1 for 1).
  const bytes = Buffer.allocUnsafe(value.length);
  const word: EncodedWord = { start: 0, charsetEnd: 0, textStart: 0, textEnd: 0 };
  let text = '';
  let at = 0;
  let run: EncodedRun | undefined;
  while (start >= 0) {
    if (!matchEncodedWord(value, start, word)) {
      start = value.indexOf('=?', start + 1);
      continue;
    }
    const charset = value.slice(start + 2, word.charsetEnd).toLowerCase();
    // §6.2: whitespace between two encoded words is not displayed, whatever their charsets.
    const adjacent = run !== undefined && isLinearWhiteSpace(value, at, start);
    if (run && !(adjacent && run.charset === charset)) {
      text += flushRun(run, bytes, value, warnings);
      run = undefined;
    }
    if (!run) {
      if (!adjacent) text += unfold(value.slice(at, start));
      run = { charset, length: 0, start, end: 0 };
    }
    run.length = decodeWordBytes(value, word, bytes, run.length, warnings);
    at = word.textEnd + 2;
    run.end = at;
    start = value.indexOf('=?', at);
  }
  if (run) text += flushRun(run, bytes, value, warnings);
  return { text: text + unfold(value.slice(at)), warnings };
}

/**
 * RFC 5322 §2.2.3 unfolding. Only the text between encoded words needs it: a word holds no white space,
 * and a fold is followed by white space, so folds never change where the words are.
 */
function unfold(text: string): string {
  return text.includes('\n') ? text.replace(FOLD, '') : text;
}

/** Where one encoded word's parts stand in the header value; the encoding letter is at textStart - 2. */
interface EncodedWord {
  start: number;
  charsetEnd: number;
  textStart: number;
  /** The "?" of the closing "?=". */
  textEnd: number;
}

/** Adjacent encoded words in one charset, decoded to bytes but not yet to text. */
interface EncodedRun {
  /** Lower-case, as charset names are case-insensitive. */
  charset: string;
  /** How many bytes of the shared buffer the run's words decoded to. */
  length: number;
  /** Where the words stand in the header value, to keep them as written when the charset is unknown. */
  start: number;
  end: number;
}

const QUESTION_MARK = 0x3f;
const EQUALS = 0x3d;
const ASTERISK = 0x2a;
const B_OR_Q = new Set([0x42, 0x62, 0x51, 0x71]);

/**
 * RFC 2047 §2 encoded-word "=?" charset "?" encoding "?" encoded-text "?=" at `start`, with RFC 2231 §5's
 * optional "*language" after the charset; no part may hold white space (§5: words are separated by it).
 * Fills `word` and says whether one stands there.
 */
function matchEncodedWord(value: string, start: number, word: EncodedWord): boolean {
  let i = start + 2;
  while (i < value.length && isTokenCharacter(value.charCodeAt(i)) && value.charCodeAt(i) !== ASTERISK) i++;
  if (i === start + 2) return false;
  word.charsetEnd = i;
  if (value.charCodeAt(i) === ASTERISK) i = tokenEnd(value, i + 1);
  if (value.charCodeAt(i) !== QUESTION_MARK || !B_OR_Q.has(value.charCodeAt(i + 1)) || value.charCodeAt(i + 2) !== QUESTION_MARK) return false;
  word.textStart = i + 3;
  i = tokenEnd(value, i + 3);
  if (value.charCodeAt(i) !== QUESTION_MARK || value.charCodeAt(i + 1) !== EQUALS) return false;
  word.start = start;
  word.textEnd = i;
  return true;
}

function tokenEnd(value: string, from: number): number {
  let i = from;
  while (i < value.length && isTokenCharacter(value.charCodeAt(i))) i++;
  return i;
}

/** Neither "?" nor white space as a regular expression's \s knows it (ECMA-262 WhiteSpace and LineTerminator). */
function isTokenCharacter(c: number): boolean {
  if (c <= 0x20) return c !== 0x20 && (c < 0x09 || c > 0x0d);
  if (c < 0xa0) return c !== QUESTION_MARK;
  return !(
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** RFC 2047 §6.2 linear-white-space between two words (the value is already unfolded). */
function isLinearWhiteSpace(value: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return false;
  }
  return true;
}

function flushRun(run: EncodedRun, bytes: Buffer, value: string, warnings: MimeWarning[]): string {
  const decoded = decodeCharset(bytes.subarray(0, run.length), run.charset);
  if (decoded !== undefined) return decoded;
  const source = unfold(value.slice(run.start, run.end));
  warnings.push({ code: 'unknown-charset', message: `unknown charset ${run.charset}: ${source} kept as it is` });
  return source;
}

/** RFC 2045 §6.8 Table 1, the base64 alphabet ("=" is padding, and only at the end). */
const BASE64_ALPHABET = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') BASE64_ALPHABET[c.charCodeAt(0)] = 1;
const HEX_VALUE = new Int8Array(128).fill(-1);
for (const [i, c] of [...'0123456789ABCDEF'].entries()) HEX_VALUE[c.charCodeAt(0)] = HEX_VALUE[c.toLowerCase().charCodeAt(0)] = i;

/** Writes the word's bytes into `out` from `offset`; returns the offset after them. */
function decodeWordBytes(value: string, word: EncodedWord, out: Buffer, offset: number, warnings: MimeWarning[]): number {
  const encoding = value.charCodeAt(word.textStart - 2) | 0x20;
  if (encoding === 0x62) {
    if (!isBase64Text(value, word.textStart, word.textEnd)) warnings.push({ code: 'invalid-encoding', message: `malformed base64 in ${sourceOf(value, word)}` });
    const encoded = value.slice(word.textStart, word.textEnd);
    // As Buffer.from(encoded, 'base64') would: lenient, and no more than the length the padding implies.
    return offset + out.write(encoded, offset, Buffer.byteLength(encoded, 'base64'), 'base64');
  }
  // RFC 2047 §4.2: "_" is a space, "=XX" a byte; anything else stands for itself.
  let o = offset;
  for (let i = word.textStart; i < word.textEnd; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x5f) out[o++] = SPACE;
    else if (c === EQUALS && i + 2 < word.textEnd && hexValue(value, i + 1) >= 0 && hexValue(value, i + 2) >= 0) {
      out[o++] = (hexValue(value, i + 1) << 4) | hexValue(value, i + 2);
      i += 2;
    } else {
      if (c === EQUALS) warnings.push({ code: 'invalid-encoding', message: `'=' without two hex digits in ${sourceOf(value, word)}` });
      out[o++] = c & 0xff;
    }
  }
  return o;
}

function hexValue(value: string, i: number): number {
  return HEX_VALUE[value.charCodeAt(i)] ?? -1;
}

/** RFC 2047 §4.1 encoded-text in base64: the alphabet, then at most two "=", and not 4n+1 characters long. */
function isBase64Text(value: string, from: number, to: number): boolean {
  let padding = 0;
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i);
    if (c === EQUALS) padding++;
    else if (padding > 0 || BASE64_ALPHABET[c] !== 1) return false;
  }
  return padding <= 2 && (to - from) % 4 !== 1;
}

function sourceOf(value: string, word: EncodedWord): string {
  return value.slice(word.start, word.textEnd + 2);
}

/** Header bytes as text: UTF-8 (RFC 6532), or Latin-1 with a warning when they are not valid UTF-8. */
function rawHeaderText(bytes: Buffer, warnings: MimeWarning[]): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    warnings.push({ code: 'invalid-encoding', message: 'header bytes are not valid UTF-8; read as Latin-1' });
    return bytes.toString('latin1');
  }
}

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

/** RFC 2047 §2 encoded-word, with RFC 2231 §5's optional "*language" after the charset. */
const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=/g;
const FOLD = /\r?\n(?=[ \t])/g;
const LINEAR_WHITE_SPACE = /^[ \t\r\n]*$/;
const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

/**
 * Header text with its encoded words decoded (RFC 2047 §6). The value is unfolded first; whitespace
 * between adjacent encoded words is dropped (§6.2), and their bytes are joined before the charset is
 * applied, so a character split across words by a careless mailer still decodes. A word in a charset
 * Node does not know is kept as it is, with a warning. Raw bytes (RFC 6532) are read as UTF-8.
 */
export function decodeWords(headerValue: string | Buffer): DecodedWords {
  const warnings: MimeWarning[] = [];
  const value = (typeof headerValue === 'string' ? headerValue : rawHeaderText(headerValue, warnings)).replace(FOLD, '');
  if (!value.includes('=?')) return { text: value, warnings };
  let text = '';
  let at = 0;
  let run: EncodedRun | undefined;
  for (const match of value.matchAll(ENCODED_WORD)) {
    const gap = value.slice(at, match.index);
    const charset = match[1]!.toLowerCase();
    // §6.2: whitespace between two encoded words is not displayed, whatever their charsets.
    const adjacent = run !== undefined && LINEAR_WHITE_SPACE.test(gap);
    if (run && !(adjacent && run.charset === charset)) {
      text += flushRun(run, value, warnings);
      run = undefined;
    }
    if (!run) {
      if (!adjacent) text += gap;
      run = { charset, bytes: [], start: match.index, end: 0 };
    }
    run.bytes.push(decodeWordBytes(match[2]!, match[3]!, match[0], warnings));
    at = match.index + match[0].length;
    run.end = at;
  }
  if (run) text += flushRun(run, value, warnings);
  return { text: text + value.slice(at), warnings };
}

/** Adjacent encoded words in one charset, decoded to bytes but not yet to text. */
interface EncodedRun {
  /** Lower-case, as charset names are case-insensitive. */
  charset: string;
  bytes: Buffer[];
  /** Where the words stand in the header value, to keep them as written when the charset is unknown. */
  start: number;
  end: number;
}

function flushRun(run: EncodedRun, value: string, warnings: MimeWarning[]): string {
  const decoded = decodeCharset(run.bytes.length === 1 ? run.bytes[0]! : Buffer.concat(run.bytes), run.charset);
  if (decoded !== undefined) return decoded;
  const source = value.slice(run.start, run.end);
  warnings.push({ code: 'unknown-charset', message: `unknown charset ${run.charset}: ${source} kept as it is` });
  return source;
}

function decodeWordBytes(encoding: string, encoded: string, word: string, warnings: MimeWarning[]): Buffer {
  if (encoding === 'B' || encoding === 'b') {
    if (!BASE64_TEXT.test(encoded) || encoded.length % 4 === 1) warnings.push({ code: 'invalid-encoding', message: `malformed base64 in ${word}` });
    return Buffer.from(encoded, 'base64');
  }
  // RFC 2047 §4.2: "_" is a space, "=XX" a byte; anything else stands for itself.
  const out = Buffer.allocUnsafe(encoded.length);
  let o = 0;
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded.charCodeAt(i);
    if (c === 0x5f) out[o++] = SPACE;
    else if (c === 0x3d && HEX_PAIR.test(encoded.slice(i + 1, i + 3))) {
      out[o++] = parseInt(encoded.slice(i + 1, i + 3), 16);
      i += 2;
    } else {
      if (c === 0x3d) warnings.push({ code: 'invalid-encoding', message: `'=' without two hex digits in ${word}` });
      out[o++] = c & 0xff;
    }
  }
  return out.subarray(0, o);
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

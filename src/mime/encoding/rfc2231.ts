/**
 * MIME header parameters: parsing `value; name=value; …` (RFC 2045 §5.1) with RFC 2231 continuations
 * (§3), charset and language (§4, §4.1), and writing one parameter so that it survives any mail system
 * (quoted, continued, or percent-encoded UTF-8). Lenient like real-world mail: encoded words inside quoted
 * values are decoded (RFC 2047 §5 forbids them, Outlook writes them). Imports only sibling encoding modules.
 */
import { decodeCharset, encodeCharset, type MimeWarning } from './charset.js';
import { decodeWords } from './encoded-word.js';

export interface DecodedParameter {
  value: string;
  /** RFC 2231 §4 charset, when the parameter was percent-encoded. */
  charset?: string;
  /** RFC 2231 §4 language tag, when one was given. */
  language?: string;
}

export interface DecodedParameters {
  /** What comes before the first ';' (e.g. `text/plain`, `attachment`), trimmed. */
  value: string;
  /** By lowercase name (RFC 2045 §5.1: names are case-insensitive), continuations joined. */
  parameters: Map<string, DecodedParameter>;
  warnings: MimeWarning[];
}

export interface EncodeParameterOptions {
  /** Charset for non-ASCII values (default UTF-8). */
  charset?: string;
  /** RFC 2231 §4 language tag (e.g. `en`); forces the extended form. */
  language?: string;
  /** Longest line, counting the leading space and the trailing ';' of a folded segment (default 76). */
  lineLength?: number;
}

/** One `name=value` as it appears in the header, before continuations are joined. */
interface RawParameter {
  name: string;
  value: string;
}

/** A parameter's pieces by RFC 2231 §3 section number (-1 for the unnumbered `name` / `name*`). */
interface Sections {
  plain?: string;
  extended?: string;
  numbered: Map<number, { value: string; encoded: boolean }>;
}

/** RFC 2231 §7 parameter name: attribute ["*" section] ["*"]. */
const SECTIONED_NAME = /^(.*?)(?:\*(\d+))?(\*)?$/;

/** The value and parameters of a structured MIME header (Content-Type, Content-Disposition). */
export function decodeParameters(headerValue: string | Buffer): DecodedParameters {
  const text = (typeof headerValue === 'string' ? headerValue : headerValue.toString('utf8')).replace(/\r?\n(?=[ \t])/g, '');
  const warnings: MimeWarning[] = [];
  const semicolon = text.indexOf(';');
  const value = (semicolon < 0 ? text : text.slice(0, semicolon)).trim();
  const byName = new Map<string, Sections>();
  for (const raw of semicolon < 0 ? [] : parameterList(text, semicolon + 1)) {
    const [, base = '', section, star] = SECTIONED_NAME.exec(raw.name)!;
    const name = base.toLowerCase();
    let sections = byName.get(name);
    if (!sections) byName.set(name, (sections = { numbered: new Map() }));
    if (section !== undefined) sections.numbered.set(Number(section), { value: raw.value, encoded: star !== undefined });
    else if (star !== undefined) sections.extended = raw.value;
    else sections.plain = raw.value;
  }
  const parameters = new Map<string, DecodedParameter>();
  for (const [name, sections] of byName) parameters.set(name, joinSections(name, sections, warnings));
  return { value, parameters, warnings };
}

/** RFC 2045 §5.1 parameter list after the first ';': `name=token` or `name="quoted string"`, ';'-separated. */
function parameterList(text: string, from: number): RawParameter[] {
  const list: RawParameter[] = [];
  let at = from;
  while (at < text.length) {
    const equals = text.indexOf('=', at);
    const nextSemicolon = text.indexOf(';', at);
    if (equals < 0 || (nextSemicolon >= 0 && nextSemicolon < equals)) {
      at = nextSemicolon < 0 ? text.length : nextSemicolon + 1; // a name without '=': nothing to keep
      continue;
    }
    const name = text.slice(at, equals).trim();
    let i = equals + 1;
    while (text[i] === ' ' || text[i] === '\t') i++;
    let value: string;
    if (text[i] === '"') {
      // RFC 5322 §3.2.4 quoted-string: a backslash quotes the next character.
      value = '';
      for (i++; i < text.length && text[i] !== '"'; i++) value += text[i] === '\\' && i + 1 < text.length ? text[++i] : text[i];
      const end = text.indexOf(';', i);
      at = end < 0 ? text.length : end + 1;
    } else {
      const end = text.indexOf(';', i);
      value = text.slice(i, end < 0 ? text.length : end).trim();
      at = end < 0 ? text.length : end + 1;
    }
    if (name !== '') list.push({ name, value });
  }
  return list;
}

function joinSections(name: string, sections: Sections, warnings: MimeWarning[]): DecodedParameter {
  if (sections.numbered.size > 0) return joinContinuations(name, sections.numbered, warnings);
  if (sections.extended !== undefined) return decodeExtended([sections.extended], name, warnings);
  const plain = sections.plain ?? '';
  return { value: plain.includes('=?') ? decodeWords(plain).text : plain };
}

/** RFC 2231 §3: sections 0, 1, 2 … joined in order; §4.1: only section 0 carries charset and language. */
function joinContinuations(name: string, numbered: Sections['numbered'], warnings: MimeWarning[]): DecodedParameter {
  const numbers = [...numbered.keys()].sort((a, b) => a - b);
  if (numbers.some((n, i) => n !== i)) {
    warnings.push({ code: 'missing-continuation', message: `parameter ${name}: sections ${numbers.join(', ')} are not 0, 1, 2 …` });
  }
  const pieces = numbers.map((n) => numbered.get(n)!);
  if (!pieces.some((p) => p.encoded)) return { value: pieces.map((p) => p.value).join('') };
  // Encoded and plain sections may mix (§4.1); plain ones are taken as their ASCII bytes.
  return decodeExtended(
    pieces.map((p, i) => (p.encoded || i === 0 ? p.value : percentEncodeAscii(p.value))),
    name,
    warnings,
    pieces[0]?.encoded === true,
  );
}

/** RFC 2231 §4: `charset'language'%XX…` in the first piece, percent-encoded octets in the rest. */
function decodeExtended(pieces: string[], name: string, warnings: MimeWarning[], firstHasCharset = true): DecodedParameter {
  let first = pieces[0] ?? '';
  let charset = '';
  let language = '';
  if (firstHasCharset) {
    const quote1 = first.indexOf("'");
    const quote2 = quote1 < 0 ? -1 : first.indexOf("'", quote1 + 1);
    if (quote2 >= 0) {
      charset = first.slice(0, quote1);
      language = first.slice(quote1 + 1, quote2);
      first = first.slice(quote2 + 1);
    } else {
      warnings.push({ code: 'invalid-encoding', message: `parameter ${name}: no charset'language' prefix` });
    }
  } else {
    first = percentEncodeAscii(first);
  }
  const encoded = [first, ...pieces.slice(1)].join('');
  const decoded = decodeCharset(percentDecode(encoded), charset === '' ? 'utf-8' : charset);
  const result: DecodedParameter = { value: decoded ?? encoded };
  if (charset !== '') result.charset = charset;
  if (language !== '') result.language = language;
  if (decoded === undefined) warnings.push({ code: 'unknown-charset', message: `parameter ${name}: unknown charset ${charset}, value kept percent-encoded` });
  return result;
}

function percentDecode(text: string): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const pair = text.slice(i + 1, i + 3);
    if (text[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(pair)) {
      out[o++] = parseInt(pair, 16);
      i += 2;
    } else {
      out[o++] = text.charCodeAt(i) & 0xff;
    }
  }
  return out.subarray(0, o);
}

function percentEncodeAscii(text: string): string {
  return text.replace(/%/g, '%25');
}

/** RFC 2045 §5.1 tspecials, which a token may not contain. */
const TSPECIALS = '()<>@,;:\\"/[]?=';
/** RFC 2231 §7 attribute-char: not SPACE, CTL, '*', "'", '%' or a tspecial. */
function isAttributeChar(byte: number): boolean {
  return byte > 0x20 && byte < 0x7f && !TSPECIALS.includes(String.fromCharCode(byte)) && byte !== 0x2a && byte !== 0x27 && byte !== 0x25;
}
function isToken(text: string): boolean {
  return text !== '' && /^[\x21-\x7e]+$/.test(text) && ![...TSPECIALS].some((c) => text.includes(c));
}

/**
 * One parameter as `name=value`, quoted or continued (RFC 2231 §3) when needed, percent-encoded with
 * charset (RFC 2231 §4) when the value is not ASCII. Long values come back as several segments joined by
 * ";" CRLF SPACE, each fitting on a line of `lineLength`: write the result after "; " (or ";" CRLF SPACE).
 */
export function encodeParameter(name: string, value: string, options: EncodeParameterOptions = {}): string {
  const room = (options.lineLength ?? 76) - 2;
  // A value holding "=?" goes percent-encoded, or a lenient reader would take it for an encoded word.
  const plain = /^[\x20-\x7e]*$/.test(value) && !value.includes('=?');
  if (plain && options.language === undefined) {
    const single = `${name}=${isToken(value) ? value : quote(value)}`;
    if (single.length <= room) return single;
    return continuedQuoted(name, value, room);
  }
  return continuedExtended(name, value, options.charset ?? 'UTF-8', options.language ?? '', room);
}

function quote(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

/** RFC 2231 §3: `name*0="…"; name*1="…"`, never splitting a backslash pair. */
function continuedQuoted(name: string, value: string, room: number): string {
  const segments: string[] = [];
  let piece = '';
  for (const c of value) {
    const quoted = c === '"' || c === '\\' ? `\\${c}` : c;
    if (`${name}*${segments.length}="${piece}${quoted}"`.length > room && piece !== '') {
      segments.push(`${name}*${segments.length}="${piece}"`);
      piece = '';
    }
    piece += quoted;
  }
  segments.push(`${name}*${segments.length}="${piece}"`);
  return segments.join(';\r\n ');
}

/** RFC 2231 §4.1: `name*0*=charset'lang'%XX…; name*1*=%XX…`, splitting only between characters. */
function continuedExtended(name: string, value: string, charset: string, language: string, room: number): string {
  const pieces: string[] = [];
  for (const c of value) {
    let piece = '';
    for (const b of encodeCharset(c, charset)) piece += isAttributeChar(b) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    pieces.push(piece);
  }
  const prefix = `${charset}'${language}'`;
  const whole = `${name}*=${prefix}${pieces.join('')}`;
  if (whole.length <= room) return whole;
  const segments: string[] = [];
  let current = `${name}*0*=${prefix}`;
  for (const piece of pieces) {
    if (current.length + piece.length > room && !current.endsWith('*=') && !current.endsWith("'")) {
      segments.push(current);
      current = `${name}*${segments.length}*=`;
    }
    current += piece;
  }
  segments.push(current);
  return segments.join(';\r\n ');
}

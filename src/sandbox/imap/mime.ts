/**
 * A small reader of message structure for FETCH and SEARCH: header fields (RFC 5322 §2.2, unfolding
 * §2.2.3), Content-Type with its parameters (RFC 2045 §5.1), multipart bodies cut at their boundary lines
 * (RFC 2046 §5.1.1) and message/rfc822 parts holding a message (§5.2.1). Offsets point into the stored
 * bytes, so that sections are returned exactly as stored. Lenient: a malformed message still has a
 * structure (text/plain, RFC 2045 §5.2). The full MIME parser in src/mime/ may replace this later.
 * Pure; imports sandbox/imap/limits only.
 */
import { ImapServerLimits } from './limits.js';

const LF = 0x0a;
const CR = 0x0d;
/** RFC 2045 §5.2: the type of an entity without (or with a broken) Content-Type. */
const PLAIN_TEXT = 'text/plain; charset=us-ascii';

export interface HeaderField {
  /** Lower case. */
  name: string;
  /** The field's value after the colon, unfolded, with leading and trailing blanks removed. */
  value: string;
  /** The field's lines exactly as stored, CRLF included. */
  raw: Buffer;
}

export interface Entity {
  /** Offsets into the message: header from `start`, body from `bodyStart` to `end`. */
  start: number;
  bodyStart: number;
  end: number;
  headers: HeaderField[];
  /** Lower case, e.g. "text", "plain". */
  type: string;
  subtype: string;
  /** Content-Type parameters, names in lower case, in order. */
  params: [string, string][];
  /** The parts of a multipart entity. */
  children: Entity[];
  /** The message inside a message/rfc822 entity. */
  message?: Entity;
}

/** Where the header ends: the offset after the empty line, or `end` when there is no body. */
function findBodyStart(bytes: Buffer, start: number, end: number): number {
  let lineStart = start;
  while (lineStart < end) {
    const lf = bytes.indexOf(LF, lineStart);
    if (lf < 0 || lf >= end) return end;
    const lineLength = lf - lineStart;
    if (lineLength === 0 || (lineLength === 1 && bytes[lineStart] === CR)) return lf + 1;
    lineStart = lf + 1;
  }
  return end;
}

// RFC 5322 §2.2 header fields; §2.2.3 unfolding
export function parseHeaderFields(bytes: Buffer, start: number, end: number): HeaderField[] {
  const fields: HeaderField[] = [];
  let at = start;
  while (at < end) {
    let next = at;
    do {
      const lf = bytes.indexOf(LF, next);
      next = lf < 0 || lf >= end ? end : lf + 1;
    } while (next < end && (bytes[next] === 0x20 || bytes[next] === 0x09));
    const raw = bytes.subarray(at, next);
    const text = raw.toString('utf8');
    const colon = text.indexOf(':');
    if (colon > 0) {
      const value = text.slice(colon + 1).replace(/\r?\n(?=[ \t])/g, '').replace(/\r?\n$/, '').trim();
      fields.push({ name: text.slice(0, colon).trim().toLowerCase(), value, raw });
    }
    at = next;
  }
  return fields;
}

export function headerValue(fields: readonly HeaderField[], name: string): string | undefined {
  return fields.find((field) => field.name === name)?.value;
}

/** Splits at `separator` outside double quotes (RFC 5322 §3.2.4) and parentheses (comments, §3.2.2). */
export function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let depth = 0;
  let angle = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '\\') {
      current += c + (text[++i] ?? '');
      continue;
    }
    if (c === '"' && depth === 0) quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')' && depth > 0) depth--;
    else if (!quoted && depth === 0 && c === '<') angle = true;
    else if (!quoted && depth === 0 && c === '>') angle = false;
    if (c === separator && !quoted && depth === 0 && !angle) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

/** RFC 5322 §3.2.4: a quoted string's content without quotes and escapes. */
export function unquote(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length < 2 || !trimmed.startsWith('"') || !trimmed.endsWith('"')) return trimmed;
  return trimmed.slice(1, -1).replace(/\\(.)/g, '$1');
}

// RFC 2045 §5.1 content := "Content-Type" ":" type "/" subtype *(";" parameter)
function parseContentType(value: string | undefined, fallback: string): { type: string; subtype: string; params: [string, string][] } {
  const [media = '', ...rest] = splitOutsideQuotes(value ?? fallback, ';');
  const m = /^\s*([^\s/]+)\s*\/\s*([^\s;]+)\s*$/.exec(media.replace(/\([^)]*\)/g, ''));
  if (!m) return value === undefined ? { type: 'text', subtype: 'plain', params: [] } : parseContentType(undefined, PLAIN_TEXT);
  const params: [string, string][] = [];
  for (const parameter of rest) {
    const eq = parameter.indexOf('=');
    if (eq > 0) params.push([parameter.slice(0, eq).trim().toLowerCase(), unquote(parameter.slice(eq + 1))]);
  }
  return { type: m[1]!.toLowerCase(), subtype: m[2]!.toLowerCase(), params };
}

/** RFC 2046 §5.1.1: the parts between "--boundary" lines, up to "--boundary--". */
function splitMultipart(bytes: Buffer, start: number, end: number, boundary: string): { start: number; end: number }[] {
  const delimiter = `--${boundary}`;
  const parts: { start: number; end: number }[] = [];
  let partStart: number | undefined;
  let lineStart = start;
  while (lineStart < end) {
    const lf = bytes.indexOf(LF, lineStart);
    const lineEnd = lf < 0 || lf >= end ? end : lf + 1;
    const text = bytes.subarray(lineStart, lineEnd).toString('latin1').trimEnd();
    if (text === delimiter || text === `${delimiter}--`) {
      // The CRLF before a delimiter line belongs to the delimiter (RFC 2046 §5.1.1).
      if (partStart !== undefined) {
        const before = lineStart >= 2 && bytes[lineStart - 2] === CR ? lineStart - 2 : lineStart - 1;
        parts.push({ start: partStart, end: Math.max(partStart, before) });
      }
      if (text !== delimiter) return parts;
      partStart = lineEnd;
    }
    lineStart = lineEnd;
  }
  if (partStart !== undefined && partStart < end) parts.push({ start: partStart, end });
  return parts;
}

/**
 * The structure of the entity in bytes[start, end): its header, its type, and its parts.
 * `defaultType` is text/plain, or message/rfc822 inside multipart/digest (RFC 2046 §5.1.5).
 */
export function parseEntity(bytes: Buffer, start = 0, end = bytes.length, defaultType = PLAIN_TEXT, depth = 0): Entity {
  const bodyStart = findBodyStart(bytes, start, end);
  const headers = parseHeaderFields(bytes, start, bodyStart);
  const { type, subtype, params } = parseContentType(headerValue(headers, 'content-type'), defaultType);
  const entity: Entity = { start, bodyStart, end, headers, type, subtype, params, children: [] };
  if (depth >= ImapServerLimits.nesting) return entity;
  const boundary = params.find(([name]) => name === 'boundary')?.[1];
  if (type === 'multipart' && boundary) {
    const childType = subtype === 'digest' ? 'message/rfc822' : PLAIN_TEXT;
    entity.children = splitMultipart(bytes, bodyStart, end, boundary).map((part) => parseEntity(bytes, part.start, part.end, childType, depth + 1));
  } else if (type === 'message' && subtype === 'rfc822') {
    entity.message = parseEntity(bytes, bodyStart, end, PLAIN_TEXT, depth + 1);
  }
  return entity;
}

/** Lines of a body, as IMAP counts them for text parts (RFC 3501 §7.4.2 body-fld-lines). */
export function countLines(bytes: Buffer, start: number, end: number): number {
  let lines = 0;
  for (let at = bytes.indexOf(LF, start); at >= 0 && at < end; at = bytes.indexOf(LF, at + 1)) lines++;
  if (end > start && bytes[end - 1] !== LF) lines++;
  return lines;
}

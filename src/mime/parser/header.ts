/**
 * Header sections (RFC 5322 §2.2, §3.5): split `field-name ":" field-body` lines with their folds into
 * fields with exact byte ranges, unfold them (§2.2.3), and find where the body begins. Tolerant: LF-only
 * lines, obsolete space before the colon (§4.5), a missing empty line, and lines that are not fields
 * (the body is taken to start there) each give a warning, never an exception. Imports node:buffer and
 * parser types only.
 */
import { isUtf8 } from 'node:buffer';
import type { ByteRange, HeaderField, ParseWarning } from './types.js';

const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const COLON = 0x3a;

export interface HeaderSection {
  fields: HeaderField[];
  header: ByteRange;
  /** Where the body starts (after the empty line) — or `end` when there is no body. */
  bodyStart: number;
}

/** End of the line starting at `at` (the LF's offset + 1, or `end`), and where its content ends (before CR LF / LF). */
export function lineAt(bytes: Buffer, at: number, end: number): { next: number; contentEnd: number } {
  const lf = bytes.indexOf(LF, at);
  if (lf < 0 || lf >= end) return { next: end, contentEnd: end };
  return { next: lf + 1, contentEnd: lf > at && bytes[lf - 1] === CR ? lf - 1 : lf };
}

// RFC 5322 §3.6.8 field-name: printable ASCII except colon; §4.5 (obsolete) allows WSP before the colon.
function fieldNameEnd(bytes: Buffer, at: number, contentEnd: number): number {
  let i = at;
  while (i < contentEnd && bytes[i]! > 0x20 && bytes[i]! < 0x7f && bytes[i] !== COLON) i++;
  if (i === at) return -1;
  let colon = i;
  while (colon < contentEnd && (bytes[colon] === SPACE || bytes[colon] === TAB)) colon++;
  return bytes[colon] === COLON ? colon : -1;
}

/** Parses the header section of the entity in [start, end). */
export function parseHeaderSection(bytes: Buffer, start: number, end: number, path: string, warnings: ParseWarning[]): HeaderSection {
  const fields: HeaderField[] = [];
  let current: { nameEnd: number; colon: number; start: number; end: number } | undefined;
  const close = (): void => {
    if (!current) return;
    fields.push(fieldOf(bytes, current, path, warnings));
    current = undefined;
  };
  let at = start;
  while (at < end) {
    const { next, contentEnd } = lineAt(bytes, at, end);
    if (contentEnd === at && next > at) {
      // RFC 5322 §2.1: the empty line ends the header section.
      close();
      return { fields, header: { start, end: at }, bodyStart: next };
    }
    const first = bytes[at];
    if ((first === SPACE || first === TAB) && current) {
      current.end = next; // a fold: part of the field above
    } else {
      const colon = fieldNameEnd(bytes, at, contentEnd);
      if (colon < 0) {
        close();
        warnings.push({
          code: 'malformed-header',
          path,
          offset: at,
          message: `line ${JSON.stringify(bytes.subarray(at, Math.min(contentEnd, at + 40)).toString('latin1'))} is not a header field; the body is taken to start there`,
        });
        return { fields, header: { start, end: at }, bodyStart: at };
      }
      close();
      let nameEnd = at;
      while (nameEnd < colon && bytes[nameEnd] !== SPACE && bytes[nameEnd] !== TAB) nameEnd++;
      current = { nameEnd, colon, start: at, end: next };
    }
    at = next;
  }
  close();
  if (end > start) warnings.push({ code: 'no-header-end', path, offset: end, message: 'no empty line after the header: the part has no body' });
  return { fields, header: { start, end }, bodyStart: end };
}

function fieldOf(bytes: Buffer, f: { nameEnd: number; colon: number; start: number; end: number }, path: string, warnings: ParseWarning[]): HeaderField {
  const name = bytes.subarray(f.start, f.nameEnd).toString('latin1');
  const valueBytes = unfold(bytes.subarray(f.colon + 1, f.end));
  let value: string;
  if (isUtf8(valueBytes)) value = valueBytes.toString('utf8');
  else {
    value = valueBytes.toString('latin1');
    warnings.push({ code: 'header-encoding', path, offset: f.start, message: `${name}: 8-bit bytes that are not UTF-8, read as Latin-1` });
  }
  return { name, key: name.toLowerCase(), value: value.replace(/^[ \t]+|[ \t\r\n]+$/g, ''), raw: { start: f.start, end: f.end } };
}

/** RFC 5322 §2.2.3: unfolding removes each CRLF (here also a bare LF) that is followed by WSP. */
export function unfold(bytes: Buffer): Buffer {
  if (bytes.indexOf(LF) < 0) return bytes;
  const out = Buffer.allocUnsafe(bytes.length);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === CR && bytes[i + 1] === LF) continue;
    if (b === LF) continue;
    out[o++] = b;
  }
  return out.subarray(0, o);
}

/** The first field named `key` (lowercase), if any. */
export function fieldValue(fields: readonly HeaderField[], key: string): string | undefined {
  return fields.find((f) => f.key === key)?.value;
}

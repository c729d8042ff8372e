/**
 * What the structural comparison reports: one StructuralDifference per thing a server changed, with the
 * part it happened in, whether it breaks structural equality, and both sides. Also the wording helpers
 * the comparison modules share. Plain data; imports parser types only.
 */
import type { MimePart } from '../parser/types.js';

export type DifferenceKind =
  | 'shape'
  | 'type'
  | 'parameters'
  | 'boundary'
  | 'header-added'
  | 'header-removed'
  | 'header-changed'
  | 'header-refolded'
  | 'transfer-encoding'
  | 'content'
  | 'line-endings'
  | 'trailing-whitespace'
  | 'signature'
  | 'partial';

export interface StructuralDifference {
  kind: DifferenceKind;
  /** Part path (IMAP section number, "" for the message). */
  path: string;
  /** False for changes structural mode allows: refolded headers, another transfer encoding or boundary
   *  with the same content, line endings of the message as a whole. */
  breaking: boolean;
  /** One sentence naming the part and the change. */
  message: string;
  expected?: string;
  actual?: string;
}

/** "part 1.2 (text/plain)", or "the message (multipart/mixed)". */
export function partName(part: MimePart): string {
  return `${part.path === '' ? 'the message' : `part ${part.path}`} (${part.contentType.mediaType})`;
}

/** A short, quoted, single-line excerpt of `bytes` around `offset`. */
export function excerpt(bytes: Buffer, offset = 0, before = 20, after = 40): string {
  return JSON.stringify(bytes.subarray(Math.max(0, offset - before), offset + after).toString('latin1'));
}

/** Offset of the first byte where `a` and `b` differ (the shorter length when one is a prefix of the other). */
export function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** Equal once CRLF and LF are taken as the same (a change of line endings is reported once, for the message). */
export function sameButLineEnds(a: Buffer, b: Buffer): boolean {
  if (a.equals(b)) return true;
  return a.toString('latin1').replace(/\r\n/g, '\n') === b.toString('latin1').replace(/\r\n/g, '\n');
}

/**
 * Where a difference lies: the deepest part whose header block or body holds an offset, so that an exact
 * round trip can say in which part the first difference is. Pure; imports the parser, compare.ts and the
 * difference helpers.
 */
import { compareExact, stripHeaders, TRACE_HEADERS, type ExactDifference } from '../compare.js';
import { parseMessage } from '../parser/parse.js';
import type { MimePart, ParsedMessage } from '../parser/types.js';
import { partName } from './difference.js';

function contains(range: { start: number; end: number }, offset: number): boolean {
  return offset >= range.start && offset < range.end;
}

function deepest(part: MimePart, offset: number): MimePart {
  for (const child of [...part.children, ...(part.message ? [part.message] : [])]) {
    if (contains(child.range, offset)) return deepest(child, offset);
  }
  return part;
}

/** "in the header of part 1.2 (text/plain)", "in the body of the message (text/plain)" … */
export function describeOffset(parsed: ParsedMessage, offset: number): string {
  const part = deepest(parsed.root, offset);
  const where = contains(part.header, offset) ? 'header' : contains(part.body, offset) ? 'body' : 'delimiters';
  return `in the ${where} of ${partName(part)}`;
}

export interface LocatedDifference extends ExactDifference {
  /** describeOffset() of the first differing byte. */
  where: string;
}

/** compareExact(), and the part of the sent message the first difference lies in. */
export function locateExactDifference(sent: Buffer, received: Buffer, ignoreHeaders: readonly string[]): LocatedDifference | undefined {
  const diff = compareExact(sent, received, ignoreHeaders);
  if (!diff) return undefined;
  // The offset is in the sent message without the ignored headers: parse that to name the part.
  const stripped = stripHeaders(sent, [...TRACE_HEADERS, ...ignoreHeaders]);
  return { ...diff, where: describeOffset(parseMessage(stripped), diff.offset) };
}

/**
 * Where an offset falls in a parsed message: the deepest part whose header block or body holds it, so that
 * the exact round trip can say in which part the first difference lies. Pure; imports parser types and
 * the difference helpers.
 */
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

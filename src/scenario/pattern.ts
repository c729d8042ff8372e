/**
 * Regexes as scenario files write them: `/source/flags`, or any other string taken as the source with no
 * flags. Pure; imports scenario/types only.
 */
import type { Pattern, SourceSpan } from './types.js';

/** `/…/` followed by letters only: the letters are flags (checked when compiled, so `/x/q` is an error
 *  rather than a bare pattern that silently matches "/x/q"). */
const SLASHED = /^\/(.*)\/([A-Za-z]*)$/s;

export function parsePattern(text: string, span: SourceSpan): Pattern {
  const slashed = SLASHED.exec(text);
  if (slashed) return { source: slashed[1]!, flags: slashed[2]!, span };
  return { source: text, flags: '', span };
}

/** `interpolated`: the source after its `${…}` were replaced (the runner's job); defaults to the source.
 *  Throws SyntaxError for a bad regex or flags. */
export function compilePattern(p: Pattern, interpolated?: string): RegExp {
  return new RegExp(interpolated ?? p.source, p.flags);
}

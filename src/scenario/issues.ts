/**
 * Load issues (a problem at file:line:column) and "did you mean" hints by edit distance. Pure; imports
 * scenario/types only.
 */
import type { SourceSpan } from './types.js';

export interface LoadIssue {
  span: SourceSpan;
  message: string;
}

/** "file:line:column: message"; span.file is already relative to the loader's cwd when under it. */
export function formatIssue(issue: LoadIssue): string {
  const { file, line, column } = issue.span;
  return `${file}:${line}:${column}: ${issue.message}`;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions, so `sned` → `send` is 1). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/** The closest candidate when it is close enough to be a likely typo (case ignored). */
export function closest(word: string, candidateNames: Iterable<string>): string | undefined {
  const candidates = [...candidateNames];
  const lower = word.toLowerCase();
  const budget = lower.length <= 4 ? 1 : lower.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (bestDistance <= budget) return best;
  // A truncated word (`user` for `username`, `pass` for `password`).
  if (lower.length < 3) return undefined;
  for (const candidate of candidates) if (candidate.toLowerCase().startsWith(lower)) return candidate;
  return undefined;
}

/** " (did you mean `x`?)" or "". */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const suggestion = closest(word, candidates);
  return suggestion === undefined ? '' : ` (did you mean \`${suggestion}\`?)`;
}

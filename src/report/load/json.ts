/**
 * The load result as JSON: the LoadResult model itself (versioned, histograms encoded), which
 * `mailprobe merge` reads back. Pure; imports load/types.
 */
import type { LoadResult } from '../../load/types.js';

export function renderLoadJson(result: LoadResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

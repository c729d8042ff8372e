/**
 * Ways to cut one input into chunks, so decoder tests can check that chunking does not change results
 * (fed whole, one byte at a time, and at random points).
 */

/** The input cut at each of `points` (taken modulo its length + 1, duplicates merged). */
export function splitAt(input: Buffer, points: number[]): Buffer[] {
  const cuts = [...new Set(points.map((p) => p % (input.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const cut of cuts) {
    chunks.push(input.subarray(from, cut));
    from = cut;
  }
  chunks.push(input.subarray(from));
  return chunks;
}

/** One chunk per byte. */
export function bytewise(input: Buffer): Buffer[] {
  return [...input].map((b) => Buffer.from([b]));
}

/**
 * HDR latency histograms (hdr-histogram-js): values recorded in whole microseconds, summaries in
 * milliseconds, and the compressed base64 encoding that lets results from several shards merge exactly.
 * Imports hdr-histogram-js and load/types only.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { LatencyStats } from './types.js';

/** Three significant digits: 0.1 % resolution at any magnitude. */
const SIGNIFICANT_DIGITS = 3;
/** Initial range, 60 s in µs; the histogram grows past it when a value needs it. */
const INITIAL_HIGHEST_US = 60_000_000;

export type { Histogram };

export function createHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: INITIAL_HIGHEST_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    autoResize: true,
  });
}

/** A duration in milliseconds as the whole microseconds a histogram records (at least 1). */
export function toRecordedUs(ms: number): number {
  return Math.max(1, Math.round(ms * 1000));
}

/** Records a duration in milliseconds (fractions kept to the microsecond; at least 1 µs). */
export function recordMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(toRecordedUs(ms));
}

export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

/** The sum of encoded histograms, as one histogram. */
export function mergeEncoded(encoded: readonly string[]): Histogram {
  const total = createHistogram();
  for (const text of encoded) {
    const part = decodeFromCompressedBase64(text);
    total.add(part);
    part.destroy();
  }
  return total;
}

const toMs = (us: number): number => Math.round(us) / 1000;

export function percentileMs(histogram: Histogram, percentile: number): number {
  return histogram.totalCount === 0 ? 0 : toMs(histogram.getValueAtPercentile(percentile));
}

/**
 * Every figure comes from the histogram's buckets (min and max included, as p0 and p100), never from
 * values tracked on the side: so a result reads the same before and after encoding, and merged figures
 * equal those of one histogram holding all samples.
 */
export function latencyStats(histogram: Histogram): LatencyStats {
  const empty = histogram.totalCount === 0;
  return {
    count: histogram.totalCount,
    minMs: percentileMs(histogram, 0),
    meanMs: empty ? 0 : Math.round(histogram.mean) / 1000,
    p50Ms: percentileMs(histogram, 50),
    p90Ms: percentileMs(histogram, 90),
    p95Ms: percentileMs(histogram, 95),
    p99Ms: percentileMs(histogram, 99),
    p999Ms: percentileMs(histogram, 99.9),
    maxMs: percentileMs(histogram, 100),
    histogram: encodeHistogram(histogram),
  };
}

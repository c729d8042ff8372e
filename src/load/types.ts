/**
 * The load-run result model: plain, JSON-serialisable, versioned data that every load reporter reads and
 * that `mailprobe merge` combines. Latency histograms travel encoded (HDR, compressed base64, values in
 * microseconds) so that shards merge exactly instead of averaging percentiles.
 * Imports nothing but types.
 */

export const LOAD_RESULT_VERSION = 1;
export const LOAD_RESULT_KIND = 'mailprobe-load';

/** Which slice of the work a process runs: shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** What the load run was asked to do (totals, before splitting into shards). */
export interface LoadSettings {
  /** closed: `connections` virtual users loop; open: `rate` new runs per second. */
  mode: 'closed' | 'open';
  /** Closed loop: virtual users. */
  connections: number;
  /** Open loop: new scenario runs per second. */
  rate?: number;
  /** Open loop: most runs in flight at once; arrivals past it are dropped and counted. */
  maxInFlight: number;
  /** Measured time, after the warm-up. */
  durationMs?: number;
  /** Measured scenario runs (started after the warm-up). */
  iterations?: number;
  /** Virtual users (closed) or the rate (open) grow linearly over this time. */
  rampUpMs: number;
  /** Runs started in this first period are not counted. */
  warmupMs: number;
  thresholds: string[];
  shard?: Shard;
}

/** A latency distribution in milliseconds, with its histogram (µs) for exact merging. */
export interface LatencyStats {
  count: number;
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** HDR histogram of microseconds, hdr-histogram-js compressed base64. */
  histogram: string;
}

export interface StepMetrics {
  /** Metric name of the step: the command verb ("EHLO", "MAIL FROM", "DATA"), unique in its scenario. */
  name: string;
  latency: LatencyStats;
  /** Times this step failed (assertion or error). */
  failures: number;
}

export interface ScenarioMetrics {
  name: string;
  file: string;
  runs: number;
  passed: number;
  failed: number;
  errors: number;
  messages: number;
  latency: LatencyStats;
  steps: StepMetrics[];
}

/** One second of the measured window (by completion time). */
export interface SecondSample {
  /** Seconds since the measured window opened. */
  second: number;
  runs: number;
  errors: number;
  messages: number;
  bytesSent: number;
  bytesReceived: number;
  p50Ms: number;
  p99Ms: number;
  /** Scenario latency of the runs that completed in this second (µs, encoded). */
  histogram: string;
}

export interface LoadTotals {
  /** Measured runs that completed (passed + failed + errors). */
  runs: number;
  passed: number;
  /** An expectation did not hold. */
  failed: number;
  /** The run could not check it: timeout, connection refused or dropped … */
  errors: number;
  /** Messages the server accepted (message steps that passed). */
  messages: number;
  bytesSent: number;
  bytesReceived: number;
  /** Open loop: arrivals not started because `maxInFlight` runs were in flight. */
  dropped: number;
  /** Runs in the warm-up, not counted anywhere else. */
  warmupRuns: number;
}

export interface Throughput {
  runsPerSec: number;
  messagesPerSec: number;
  bytesPerSec: number;
}

export interface ErrorSample {
  code: string;
  message: string;
  scenario: string;
  step?: string;
  count: number;
}

export interface ErrorBreakdown {
  /** MP_ERR_* / MP_ASSERT_* → runs. */
  byCause: Record<string, number>;
  /** Reply code of the failing step ("550", "421") → runs. */
  byReplyCode: Record<string, number>;
  /** One example per cause and step, with how often it happened. */
  samples: ErrorSample[];
}

export interface ThresholdResult {
  expression: string;
  ok: boolean;
  /** The measured value, in the threshold's unit (ms, %, /s); undefined when nothing was measured. */
  actual?: number;
  /** "p99 of step DATA was 120.3ms (limit < 100ms)". */
  message: string;
}

export interface LoadResult {
  version: typeof LOAD_RESULT_VERSION;
  kind: typeof LOAD_RESULT_KIND;
  tool: { name: 'mailprobe'; version: string };
  startedAt: string;
  settings: LoadSettings;
  /** The shards this result holds (one entry per process; empty for an unsharded run). */
  shards: Shard[];
  /** The measured window: from the end of the warm-up to the end of the last measured run. */
  elapsedMs: number;
  interrupted: boolean;
  totals: LoadTotals;
  throughput: Throughput;
  /** Every measured run of every scenario. */
  latency: LatencyStats;
  /** TCP connect (for implicit TLS: connect and handshake). */
  connect: LatencyStats;
  /** STARTTLS handshakes (after the 220, until TLS is up). */
  tls: LatencyStats;
  /**
   * Delivery (submit→visible): from a submission's reply to the IMAP IDLE line that shows the message, in
   * scenarios with `idle: { during: … }`; empty (count 0) otherwise. Results written before it existed lack it:
   * readers take it as empty.
   */
  delivery: LatencyStats;
  scenarios: ScenarioMetrics[];
  errors: ErrorBreakdown;
  series: SecondSample[];
  thresholds: ThresholdResult[];
}

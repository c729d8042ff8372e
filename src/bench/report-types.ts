/**
 * The report of `mailprobe bench` — the "encoding core" section of mailprobe's reports — as plain,
 * versioned data: what `--reporter json=FILE` and `--json` write, and what the HTML reporter renders.
 * The shape is documented field by field in docs/bench.md; compatible changes (new fields) keep
 * `version`, anything else bumps it. Imports nothing.
 */

export const BENCH_REPORT_VERSION = 1;

/** The whole JSON document. */
export interface BenchReport {
  version: typeof BENCH_REPORT_VERSION;
  tool: { name: 'mailprobe'; version: string };
  /** ISO 8601 time the run started. */
  startedAt: string;
  /** Wall-clock milliseconds the whole run took. */
  durationMs: number;
  encodingCore: EncodingCoreSection;
}

/** The encoding core's figures: every case timed, on which machine, against which peers. */
export interface EncodingCoreSection {
  machine: MachineFacts;
  /** cpu: user + system time of the process; wall: elapsed time. */
  clock: 'cpu' | 'wall';
  /** Peer libraries found installed and compared, in a fixed order. */
  peers: string[];
  /** Peer libraries not installed, hence skipped. */
  skippedPeers: string[];
  /** One per operation and size, operations in a fixed order, sizes ascending. */
  cases: BenchCase[];
}

export interface MachineFacts {
  /** process.version, e.g. "v20.20.0". */
  node: string;
  v8: string;
  /** os.platform() and os.arch(), e.g. "linux", "x64". */
  platform: string;
  arch: string;
  cpuModel: string;
  /** Logical CPUs. */
  cpuCount: number;
  totalMemoryBytes: number;
  /** os.loadavg() (1, 5 and 15 minutes) when the run started and when it ended: how busy the machine was. */
  loadAverage: { start: [number, number, number]; end: [number, number, number] };
}

export type BenchInput = 'random' | 'text';
export type ImplementationStatus = 'ok' | 'incorrect' | 'error';

/** One operation at one input size. */
export interface BenchCase {
  /** Stable operation id: base64-encode, base64-decode, qp-encode-text, qp-decode-random, word-encode-B … */
  operation: string;
  /** Human title, e.g. "base64 encode, 76-column lines + CRLF". */
  title: string;
  /** random: random bytes; text: mostly-ASCII UTF-8 mail text with CRLF lines. */
  input: BenchInput;
  /** Unencoded bytes per call (the input of an encoder, the output of a decoder). */
  size: number;
  /** Ours first, then Node's native references, then the peers; every one checked before it is timed. */
  implementations: ImplementationResult[];
  /** The performance goals (issue 5) that apply to this operation, evaluated at this size. */
  goals: GoalResult[];
}

export interface ImplementationResult {
  /** "mailprobe", "node", "libqp" … unique within a case. */
  name: string;
  /** One of mailprobe's own implementations. */
  ours: boolean;
  /** How this one's job differs (e.g. "unwrapped"). */
  note?: string;
  /** ok: checked and timed; incorrect: its output failed the check; error: it threw. Only ok ones are timed. */
  status: ImplementationStatus;
  /** Why it was not timed (status incorrect or error). */
  problem?: string;
  /** Unencoded megabytes (10^6 bytes) per second, from the median sample. */
  mbPerSecond?: number;
  /** Median time of one call (ns). */
  medianNs?: number;
  /** Time of one call in each sample (ns), in the order taken; a sample times `batch` calls. */
  samplesNs?: number[];
  /** Calls per sample. */
  batch?: number;
  /** Ours only: our MB/s divided by each other timed implementation's (name → ratio; > 1 means ours is faster). */
  ratios?: Record<string, number>;
}

/** A goal: an implementation of ours at least `minRatio` times as fast as `against`. */
export interface GoalResult {
  /** e.g. "wrapped base64 encode ≥ 0.5× Node's native unwrapped encode". */
  description: string;
  /** Our implementation measured. */
  implementation: string;
  /** The implementation it is measured against. */
  against: string;
  minRatio: number;
  /** Measured ratio; absent when either side was not timed (peer not installed, or failed its check). */
  ratio?: number;
  /** null when not measured. */
  met: boolean | null;
}

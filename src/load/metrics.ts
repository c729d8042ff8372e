/**
 * Collects the figures of a load run as runs complete: HDR histograms per scenario and per step name,
 * connect and STARTTLS times, counts, bytes, errors by cause and by reply code, and a per-second series.
 * A closed second keeps its runs' latencies as raw microseconds and is summarised (percentiles, encoded
 * histogram: 0.3–3 ms of work) only when the load ends, because work done while runs are in flight delays
 * their replies and so shows in their latencies; past MAX_PENDING_VALUES (32 MB) the oldest seconds are
 * summarised as they close, so that memory stays bounded however long the run.
 * Pure bookkeeping: no timers, no I/O; the engine feeds it and asks for snapshots.
 * Imports results/types, scenario/types and load/ modules.
 */
import type { Outcome, ScenarioResult } from '../results/types.js';
import type { Scenario } from '../scenario/types.js';
import { createHistogram, encodeHistogram, latencyStats, percentileMs, recordMs, toRecordedUs, type Histogram } from './histogram.js';
import type { StepPlan } from './step-names.js';
import type { ErrorBreakdown, ErrorSample, LoadTotals, ScenarioMetrics, SecondSample } from './types.js';
import type { RunWire } from './wire-timing.js';

interface StepTrack {
  name: string;
  histogram: Histogram;
  failures: number;
}

interface ScenarioTrack {
  scenario: Scenario;
  plan: StepPlan;
  histogram: Histogram;
  steps: StepTrack[];
  runs: number;
  passed: number;
  failed: number;
  errors: number;
  messages: number;
}

interface SecondTrack {
  runs: number;
  errors: number;
  messages: number;
  bytesSent: number;
  bytesReceived: number;
}

/** A run as the engine hands it over. */
export interface CompletedRun {
  scenarioIndex: number;
  result: ScenarioResult;
  wire: RunWire;
  /** From the run's scheduled start (open loop: the arrival time, so that lag counts) to its end. */
  latencyMs: number;
  /** process.hrtime.bigint() at the run's end. */
  endNs: bigint;
}

/** Live figures for progress displays. */
export interface ProgressSnapshot {
  elapsedMs: number;
  runs: number;
  errors: number;
  /** Runs completed in the last closed second. */
  lastSecondRuns: number;
  p99Ms: number;
}

const MAX_ERROR_SAMPLES = 20;
/** Raw latencies kept for closed seconds not yet summarised: 8 M values, 32 MB (over an hour at 2 000 runs/s). */
const MAX_PENDING_VALUES = 8_000_000;
const emptySecond = (): SecondTrack => ({ runs: 0, errors: 0, messages: 0, bytesSent: 0, bytesReceived: 0 });

export class LoadMetrics {
  private readonly tracks: ScenarioTrack[];
  private readonly all = createHistogram();
  private readonly connect = createHistogram();
  private readonly tls = createHistogram();
  private readonly delivery = createHistogram();
  readonly totals: LoadTotals = { runs: 0, passed: 0, failed: 0, errors: 0, messages: 0, bytesSent: 0, bytesReceived: 0, dropped: 0, warmupRuns: 0 };
  private readonly byCause: Record<string, number> = {};
  private readonly byReplyCode: Record<string, number> = {};
  private readonly samples = new Map<string, ErrorSample>();
  private readonly series: SecondSample[] = [];
  private current = emptySecond();
  /** Latencies (µs) of the runs that ended in the current second. */
  private currentValues = new Uint32Array(1024);
  private currentCount = 0;
  /** The latencies of each closed second not yet summarised, by position in the series. */
  private readonly pending: (Uint32Array | undefined)[] = [];
  private pendingValues = 0;
  /** The oldest second that may still be pending. */
  private oldestPending = 0;
  /** Reused for each second's summary. */
  private readonly secondHistogram = createHistogram();
  private lastEndNs: bigint;

  constructor(
    scenarios: readonly Scenario[],
    plans: readonly StepPlan[],
    private readonly measureStartNs: bigint,
    private readonly maxPendingValues = MAX_PENDING_VALUES,
  ) {
    this.lastEndNs = measureStartNs;
    this.tracks = scenarios.map((scenario, i) => ({
      scenario,
      plan: plans[i]!,
      histogram: createHistogram(),
      steps: plans[i]!.names.map((name) => ({ name, histogram: createHistogram(), failures: 0 })),
      runs: 0,
      passed: 0,
      failed: 0,
      errors: 0,
      messages: 0,
    }));
  }

  recordWarmup(): void {
    this.totals.warmupRuns++;
  }

  recordDropped(): void {
    this.totals.dropped++;
  }

  record(run: CompletedRun): void {
    const { result, wire } = run;
    if (result.outcome === 'interrupted') return;
    this.closeSecondsUntil(run.endNs);
    if (run.endNs > this.lastEndNs) this.lastEndNs = run.endNs;
    const track = this.tracks[run.scenarioIndex]!;
    const ok = result.outcome === 'passed';
    const failed = result.outcome === 'failed';
    track.runs++;
    this.totals.runs++;
    if (ok) {
      track.passed++;
      this.totals.passed++;
    } else if (failed) {
      track.failed++;
      this.totals.failed++;
    } else {
      track.errors++;
      this.totals.errors++;
    }
    recordMs(track.histogram, run.latencyMs);
    recordMs(this.all, run.latencyMs);
    if (this.currentCount === this.currentValues.length) {
      const grown = new Uint32Array(this.currentCount * 2);
      grown.set(this.currentValues);
      this.currentValues = grown;
    }
    this.currentValues[this.currentCount++] = toRecordedUs(run.latencyMs);

    let messages = 0;
    for (const step of result.steps) {
      const stepTrack = track.steps[step.index]!;
      if (step.outcome !== 'passed' && step.outcome !== 'failed' && step.outcome !== 'error') continue;
      if (step.outcome !== 'passed') stepTrack.failures++;
      else if (step.kind === 'message') messages++;
      // A step that got a reply has a latency worth keeping; an error (timeout, drop) is counted, not timed.
      if (step.outcome === 'error') continue;
      const opened = track.plan.opensSession[step.index];
      const connectMs = opened === undefined ? 0 : wire.connectMsOf(opened);
      recordMs(stepTrack.histogram, Math.max(0, step.durationMs - connectMs));
    }
    for (const session of wire.sessions) if (session.connectMs >= 0) recordMs(this.connect, session.connectMs);
    for (const ms of wire.tlsMs) recordMs(this.tls, ms);
    for (const ms of wire.deliveryMs) recordMs(this.delivery, ms);

    track.messages += messages;
    this.totals.messages += messages;
    this.totals.bytesSent += wire.bytesSent;
    this.totals.bytesReceived += wire.bytesReceived;
    const second = this.current;
    second.runs++;
    second.messages += messages;
    second.bytesSent += wire.bytesSent;
    second.bytesReceived += wire.bytesReceived;
    if (!ok) {
      second.errors++;
      this.recordFailure(track, result, result.outcome);
    }
  }

  private recordFailure(track: ScenarioTrack, result: ScenarioResult, outcome: Outcome): void {
    const failure = result.failure;
    const code = failure?.code ?? (outcome === 'failed' ? 'MP_ASSERT' : 'MP_ERR');
    this.byCause[code] = (this.byCause[code] ?? 0) + 1;
    const step = failure?.step === undefined ? undefined : result.steps[failure.step];
    const replyCode = step?.reply?.status;
    if (replyCode !== undefined) this.byReplyCode[replyCode] = (this.byReplyCode[replyCode] ?? 0) + 1;
    const stepName = failure?.step === undefined ? undefined : track.plan.names[failure.step];
    const key = `${code}\0${track.scenario.name}\0${stepName ?? ''}`;
    const sample = this.samples.get(key);
    if (sample) sample.count++;
    else if (this.samples.size < MAX_ERROR_SAMPLES) {
      this.samples.set(key, {
        code,
        message: failure?.message ?? outcome,
        scenario: track.scenario.name,
        ...(stepName === undefined ? {} : { step: stepName }),
        count: 1,
      });
    }
  }

  /** Closes every second that ended before `nowNs`, gaps included, so the series has one entry per second. */
  closeSecondsUntil(nowNs: bigint): void {
    const second = Math.floor(Number(nowNs - this.measureStartNs) / 1e9);
    while (this.series.length < second) {
      this.series.push({ second: this.series.length, ...this.current, p50Ms: 0, p99Ms: 0, histogram: '' });
      this.pending.push(this.currentValues.slice(0, this.currentCount));
      this.pendingValues += this.currentCount;
      this.current = emptySecond();
      this.currentCount = 0;
    }
    while (this.pendingValues > this.maxPendingValues) this.summariseSecond(this.oldestPending++);
  }

  /** Fills in a closed second's percentiles and encoded histogram from its raw latencies. */
  private summariseSecond(index: number): void {
    const values = this.pending[index];
    if (values === undefined) return;
    const histogram = this.secondHistogram;
    for (const us of values) histogram.recordValue(us);
    const sample = this.series[index]!;
    sample.p50Ms = percentileMs(histogram, 50);
    sample.p99Ms = percentileMs(histogram, 99);
    sample.histogram = encodeHistogram(histogram);
    histogram.reset();
    this.pending[index] = undefined;
    this.pendingValues -= values.length;
  }

  progress(nowNs: bigint): ProgressSnapshot {
    this.closeSecondsUntil(nowNs);
    return {
      elapsedMs: Number(nowNs - this.measureStartNs) / 1e6,
      runs: this.totals.runs,
      errors: this.totals.errors + this.totals.failed,
      lastSecondRuns: this.series.at(-1)?.runs ?? 0,
      p99Ms: percentileMs(this.all, 99),
    };
  }

  /** The measured window in ms: from the end of the warm-up to the last measured run's end. */
  elapsedMs(): number {
    return Math.max(0, Number(this.lastEndNs - this.measureStartNs) / 1e6);
  }

  /** Closes the last (partial) second and gives every figure. */
  finish(): {
    latency: ReturnType<typeof latencyStats>;
    connect: ReturnType<typeof latencyStats>;
    tls: ReturnType<typeof latencyStats>;
    delivery: ReturnType<typeof latencyStats>;
    scenarios: ScenarioMetrics[];
    errors: ErrorBreakdown;
    series: SecondSample[];
  } {
    if (this.current.runs > 0) this.closeSecondsUntil(this.measureStartNs + BigInt(this.series.length + 1) * 1_000_000_000n);
    for (let index = this.oldestPending; index < this.series.length; index++) this.summariseSecond(index);
    return {
      latency: latencyStats(this.all),
      connect: latencyStats(this.connect),
      tls: latencyStats(this.tls),
      delivery: latencyStats(this.delivery),
      scenarios: this.tracks.map((t) => ({
        name: t.scenario.name,
        file: t.scenario.file,
        runs: t.runs,
        passed: t.passed,
        failed: t.failed,
        errors: t.errors,
        messages: t.messages,
        latency: latencyStats(t.histogram),
        steps: t.steps.map((s) => ({ name: s.name, latency: latencyStats(s.histogram), failures: s.failures })),
      })),
      errors: { byCause: { ...this.byCause }, byReplyCode: { ...this.byReplyCode }, samples: [...this.samples.values()] },
      series: this.series,
    };
  }
}

/**
 * Timing several functions that do the same job: warm each up, then take samples in rounds, one sample
 * of each function per round, so that a busy neighbour or a GC pause falls on all of them alike; keep
 * each one's median, which such noise moves far less than the mean. Calls on small inputs are batched so
 * that every sample is long enough for the clock. The clock is the process's CPU time by default: on a
 * shared machine (CI, a busy laptop) wall time mostly measures the neighbours. Imports only node:perf_hooks.
 */
import { performance } from 'node:perf_hooks';

/** cpu: user + system time of this process; wall: elapsed time. */
export type BenchClock = 'cpu' | 'wall';

const clocks: Record<BenchClock, () => number> = {
  cpu: () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  },
  wall: () => performance.now(),
};

export interface MeasureOptions {
  /** Time spent sampling, after warm-up, per function (ms). */
  timeMs: number;
  /** Fewest samples of each function, however long a call takes. */
  minSamples: number;
  /** Most samples of each function, however short a call is. */
  maxSamples: number;
  clock: BenchClock;
}

export interface Measurement {
  /** Median time of one call (ns). */
  medianNs: number;
  /** Time of one call in each sample (ns), in the order taken; each sample times `batch` calls. */
  samplesNs: number[];
  batch: number;
}

/** Shortest sample we trust the clock for (ms). */
const MIN_SAMPLE_MS = 2;
/** Warm-up per function: enough calls for the JIT to optimise the hot loop and the allocator to settle. */
const WARMUP_MS = 100;
const WARMUP_MAX_CALLS = 1000;
/** How one function is sampled, decided by its warm-up. */
interface SamplingPlan {
  /** Calls per sample. */
  batch: number;
  /** A call takes longer than the whole sampling time (a slow peer on 16 MiB): one sample is enough. */
  once: boolean;
}

/** Median time of one call of each function (ns), sampled in interleaved rounds. */
export function measureAll(calls: readonly (() => unknown)[], options: MeasureOptions): Measurement[] {
  const now = clocks[options.clock];
  const plans = calls.map((call) => warmUp(call, now, options.timeMs));
  const times: number[][] = calls.map(() => []);
  const end = now() + options.timeMs * calls.length;
  for (let round = 0; round < options.maxSamples && (round < options.minSamples || now() < end); round++) {
    for (const [i, call] of calls.entries()) {
      const { batch, once } = plans[i]!;
      if (once && round > 0) continue;
      const start = now();
      for (let b = 0; b < batch; b++) call();
      times[i]!.push((now() - start) / batch);
    }
  }
  return times.map((samples, i) => ({ medianNs: median(samples) * 1e6, samplesNs: samples.map((ms) => ms * 1e6), batch: plans[i]!.batch }));
}

/** Calls `call` for a while, then plans samples of at least MIN_SAMPLE_MS each. */
function warmUp(call: () => unknown, now: () => number, timeMs: number): SamplingPlan {
  const start = now();
  let count = 0;
  do {
    call();
    count++;
  } while (now() - start < WARMUP_MS && count < WARMUP_MAX_CALLS);
  const perCallMs = (now() - start) / count;
  return { batch: Math.max(1, Math.ceil(MIN_SAMPLE_MS / Math.max(perCallMs, 1e-6))), once: perCallMs > timeMs };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

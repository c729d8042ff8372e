/**
 * Runs the encoding-core benchmarks and returns plain, versioned data: for each operation and size, each
 * implementation's median throughput and our speed relative to it. Every implementation's output is
 * checked before it is timed; a wrong one is reported, not timed. Never prints: progress goes to a
 * callback. Imports sibling bench modules and node:os.
 */
import { cpus } from 'node:os';
import { benchmarks, type Benchmark, type Fixture, type Implementation } from './cases.js';
import { measureAll, type MeasureOptions } from './measure.js';
import { PEER_NAMES, type Peers } from './peers.js';

export const BENCH_SIZES = [64 * 1024, 1024 * 1024, 16 * 1024 * 1024] as const;

export interface BenchOptions extends MeasureOptions {
  sizes: readonly number[];
  /** Only benchmarks whose id contains one of these (all when empty). */
  only: readonly string[];
}

export const DEFAULT_BENCH_OPTIONS: BenchOptions = { sizes: BENCH_SIZES, only: [], timeMs: 400, minSamples: 3, maxSamples: 500, clock: 'cpu' };

export interface ImplementationResult {
  name: string;
  ours: boolean;
  note?: string;
  status: 'ok' | 'incorrect' | 'error';
  /** Why it was not timed (status incorrect or error). */
  problem?: string;
  /** Input bytes (before encoding, after decoding) per second / 1e6, from the median call. */
  mbPerSecond?: number;
  medianNs?: number;
  samples?: number;
  /** Our throughput divided by this one's (> 1: we are faster); absent for ours and untimed ones. */
  ratio?: number;
}

export interface BenchmarkResult {
  id: string;
  title: string;
  input: Benchmark['input'];
  size: number;
  implementations: ImplementationResult[];
}

export interface BenchReport {
  version: 1;
  node: string;
  cpu: string;
  clock: BenchOptions['clock'];
  startedAt: string;
  /** Peers found installed and compared; the others were skipped. */
  peers: string[];
  skippedPeers: string[];
  results: BenchmarkResult[];
}

export type BenchProgress = (benchmark: Benchmark, size: number) => void;

export function runBench(peers: Peers, options: BenchOptions, onProgress: BenchProgress = () => {}): BenchReport {
  const startedAt = new Date().toISOString();
  const selected = benchmarks(peers).filter((b) => options.only.length === 0 || options.only.some((o) => b.id.includes(o)));
  const results: BenchmarkResult[] = [];
  for (const benchmark of selected) {
    for (const size of options.sizes) {
      const fixture = benchmark.prepare(size);
      onProgress(benchmark, size);
      const implementations = timeImplementations(benchmark.implementations, fixture, size, options);
      addRatios(implementations);
      results.push({ id: benchmark.id, title: benchmark.title, input: benchmark.input, size, implementations });
    }
  }
  const installed = PEER_NAMES.filter((name) => peers[name] !== undefined);
  return {
    version: 1,
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    clock: options.clock,
    startedAt,
    peers: installed,
    skippedPeers: PEER_NAMES.filter((name) => !installed.includes(name)),
    results,
  };
}

/** Checks every implementation's output, then times the correct ones together. */
function timeImplementations(impls: Implementation[], fixture: Fixture, size: number, options: MeasureOptions): ImplementationResult[] {
  const results: ImplementationResult[] = [];
  const timed: { result: ImplementationResult; call: () => unknown }[] = [];
  for (const impl of impls) {
    const result: ImplementationResult = { name: impl.name, ours: impl.ours, status: 'ok' };
    if (impl.note !== undefined) result.note = impl.note;
    results.push(result);
    try {
      const call = impl.call(fixture);
      const problem = impl.check(call(), fixture);
      if (problem === undefined) timed.push({ result, call });
      else Object.assign(result, { status: 'incorrect', problem });
    } catch (err) {
      Object.assign(result, { status: 'error', problem: err instanceof Error ? err.message : String(err) });
    }
  }
  const measurements = measureAll(timed.map((t) => t.call), options);
  for (const [i, { result }] of timed.entries()) {
    const { medianNs, samples } = measurements[i]!;
    Object.assign(result, { mbPerSecond: (size / medianNs) * 1e3, medianNs, samples });
  }
  return results;
}

/** Ratio of the first of ours to every other timed implementation. */
function addRatios(results: ImplementationResult[]): void {
  const reference = results.find((r) => r.ours && r.mbPerSecond !== undefined)?.mbPerSecond;
  if (reference === undefined) return;
  for (const result of results) if (!result.ours && result.mbPerSecond !== undefined) result.ratio = reference / result.mbPerSecond;
}

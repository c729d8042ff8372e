/**
 * Runs the encoding-core benchmarks and returns plain, versioned data (report-types.ts): for each operation
 * and size, each implementation's median throughput and samples, our speed relative to each of the
 * others, and the performance goals met or not. Every implementation's output is checked before it is
 * timed; a wrong one is reported, not timed. Never prints: progress goes to a callback.
 * Imports sibling bench modules and node:os.
 */
import { arch, cpus, loadavg, platform, totalmem } from 'node:os';
import { benchmarks, type Benchmark, type Fixture, type Implementation } from './cases.js';
import { evaluateGoals } from './goals.js';
import { measureAll, type MeasureOptions } from './measure.js';
import { PEER_NAMES, type Peers } from './peers.js';
import { BENCH_REPORT_VERSION, type BenchCase, type BenchReport, type ImplementationResult, type MachineFacts } from './report-types.js';

export const BENCH_SIZES = [64 * 1024, 1024 * 1024, 16 * 1024 * 1024] as const;

export interface BenchOptions extends MeasureOptions {
  sizes: readonly number[];
  /** Only benchmarks whose id contains one of these (all when empty). */
  only: readonly string[];
}

export const DEFAULT_BENCH_OPTIONS: BenchOptions = { sizes: BENCH_SIZES, only: [], timeMs: 400, minSamples: 3, maxSamples: 500, clock: 'cpu' };

export type BenchProgress = (benchmark: Benchmark, size: number) => void;

export function runBench(peers: Peers, options: BenchOptions, tool: BenchReport['tool'], onProgress: BenchProgress = () => {}): BenchReport {
  const startedAt = new Date();
  const loadAtStart = loadAverage();
  const selected = benchmarks(peers).filter((b) => options.only.length === 0 || options.only.some((o) => b.id.includes(o)));
  const cases: BenchCase[] = [];
  for (const benchmark of selected) {
    for (const size of [...options.sizes].sort((a, b) => a - b)) {
      const fixture = benchmark.prepare(size);
      onProgress(benchmark, size);
      const implementations = timeImplementations(benchmark.implementations, fixture, size, options);
      addRatios(implementations);
      cases.push({ operation: benchmark.id, title: benchmark.title, input: benchmark.input, size, implementations, goals: evaluateGoals(benchmark.id, implementations) });
    }
  }
  const installed = PEER_NAMES.filter((name) => peers[name] !== undefined);
  return {
    version: BENCH_REPORT_VERSION,
    tool,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    encodingCore: {
      machine: machineFacts(loadAtStart),
      clock: options.clock,
      peers: installed,
      skippedPeers: PEER_NAMES.filter((name) => !installed.includes(name)),
      cases,
    },
  };
}

function loadAverage(): [number, number, number] {
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  return [one, five, fifteen];
}

function machineFacts(loadAtStart: [number, number, number]): MachineFacts {
  const cpuList = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: platform(),
    arch: arch(),
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cpuCount: cpuList.length,
    totalMemoryBytes: totalmem(),
    loadAverage: { start: loadAtStart, end: loadAverage() },
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
    const { medianNs, samplesNs, batch } = measurements[i]!;
    Object.assign(result, { mbPerSecond: (size / medianNs) * 1e3, medianNs, samplesNs, batch });
  }
  return results;
}

/** For each timed implementation of ours: its throughput divided by each timed one not ours. */
function addRatios(results: ImplementationResult[]): void {
  const others = results.filter((r) => !r.ours && r.mbPerSecond !== undefined);
  for (const ours of results) {
    if (!ours.ours || ours.mbPerSecond === undefined) continue;
    ours.ratios = Object.fromEntries(others.map((other) => [other.name, ours.mbPerSecond! / other.mbPerSecond!]));
  }
}

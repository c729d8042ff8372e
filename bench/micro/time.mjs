// Shared timing for the micro-benchmarks: median MB/s of one function over repeated calls, after warm-up.
import { performance } from 'node:perf_hooks';

export const SIZES = [1024, 64 * 1024, 1024 * 1024, 16 * 1024 * 1024];

export function label(size) {
  return size >= 1024 * 1024 ? `${size / (1024 * 1024)} MiB` : `${size / 1024} KiB`;
}

/** Prints and returns the median MB/s of `fn()` processing `bytes` bytes per call. */
export function time(name, bytes, fn, { ms = 300, minSamples = 5 } = {}) {
  const warmupEnd = performance.now() + 100;
  let calls = 0;
  while (performance.now() < warmupEnd || calls < 3) {
    fn();
    calls++;
  }
  const perCall = 100 / calls;
  const batch = Math.max(1, Math.ceil(2 / perCall));
  const samples = [];
  const end = performance.now() + ms;
  while (samples.length < minSamples || performance.now() < end) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) fn();
    samples.push((performance.now() - start) / batch);
  }
  samples.sort((a, b) => a - b);
  const mbPerSecond = bytes / samples[samples.length >> 1] / 1e3;
  console.log(`${name.padEnd(44)} ${mbPerSecond.toFixed(0).padStart(7)} MB/s  (${samples.length} samples)`);
  return mbPerSecond;
}

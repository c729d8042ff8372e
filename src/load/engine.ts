/**
 * The load engine: runs scenarios again and again through the ordinary scenario runner and gathers the
 * figures. Closed loop: each virtual user (started one by one over the ramp-up) runs a scenario, then the
 * next, until the duration or the iterations are spent. Open loop: new runs start at a fixed rate whatever
 * the completions (ramped up linearly), at most `maxInFlight` at once, later arrivals dropped and counted;
 * open-loop latency runs from the scheduled arrival, so a late start counts against the server, not for it.
 * Runs started in the warm-up are not measured. Emits a progress tick each second; never prints.
 * Imports runner/, scenario/ types, protocols/ types, results/ and load/ modules.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Scenario } from '../scenario/types.js';
import type { ProtocolDriver } from '../protocols/types.js';
import { runScenario } from '../runner/scenario-run.js';
import type { TargetContext } from '../runner/targets.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';
import { LoadMetrics, type ProgressSnapshot } from './metrics.js';
import { shareOf } from './settings.js';
import { planSteps } from './step-names.js';
import { evaluateThresholds, parseThresholds } from './thresholds.js';
import { LOAD_RESULT_KIND, LOAD_RESULT_VERSION, type LoadResult, type LoadSettings } from './types.js';
import { RunWire } from './wire-timing.js';

export interface LiveProgress extends ProgressSnapshot {
  inFlight: number;
  warmingUp: boolean;
}

export interface LoadEvents {
  /** About once a second while the load runs. */
  tick?(progress: LiveProgress): void;
}

export interface LoadOptions {
  settings: LoadSettings;
  targets: TargetContext;
  /** Overrides every scenario's reply timeout. */
  timeoutMs?: number;
  /** Aborted on SIGINT: running scenarios stop and are not counted. */
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  driverFor: (protocol: Scenario['protocol']) => ProtocolDriver;
  version: string;
  events?: LoadEvents;
}

const TICK_MS = 1000;
const NS_PER_MS = 1_000_000n;
const msToNs = (ms: number): bigint => BigInt(Math.round(ms)) * NS_PER_MS;

/**
 * Seconds from the start at which arrival k (0-based) is due: the rate grows linearly from 0 to `rate`
 * over `rampUpS` (arrivals so far: rate·t²/2T), then stays.
 */
export function arrivalTimeS(k: number, rate: number, rampUpS: number): number {
  const duringRamp = (rate * rampUpS) / 2;
  if (rampUpS > 0 && k < duringRamp) return Math.sqrt((2 * rampUpS * k) / rate);
  return rampUpS + (k - duringRamp) / rate;
}

type Claim = 'measured' | 'warmup' | undefined;

export async function runLoad(scenarios: readonly Scenario[], options: LoadOptions): Promise<LoadResult> {
  if (scenarios.length === 0) throw new MailprobeError(ErrorCode.CONFIG, 'no scenario to load');
  const { settings } = options;
  const thresholds = parseThresholds(settings.thresholds);
  const share = shareOf(settings);
  const plans = scenarios.map(planSteps);
  const startedAt = new Date().toISOString();
  const startNs = process.hrtime.bigint();
  const measureStartNs = startNs + msToNs(settings.warmupMs);
  const endNs = settings.durationMs === undefined ? undefined : measureStartNs + msToNs(settings.durationMs);
  const metrics = new LoadMetrics(scenarios, plans, measureStartNs);
  const stop = new AbortController();
  // What every run listens to for an interrupt: the caller's signal, forwarded once.
  const interrupt = new AbortController();
  // Every virtual user listens to these (ramp-up waits, running scenarios): thousands of them is normal.
  setMaxListeners(0, stop.signal, interrupt.signal);
  const stopNow = (): void => {
    interrupt.abort(options.signal.reason);
    stop.abort();
  };
  options.signal.addEventListener('abort', stopNow, { once: true });
  if (options.signal.aborted) stopNow();
  const endTimer = endNs === undefined ? undefined : setTimeout(() => stop.abort(), Number((endNs - startNs) / NS_PER_MS));
  let inFlight = 0;
  let localSeq = 0;
  let measuredStarted = 0;
  // Without a listener (no TTY) the snapshot is not even made: its percentile is work that would delay replies.
  const ticker = setInterval(() => {
    const now = process.hrtime.bigint();
    options.events?.tick?.({ ...metrics.progress(now), inFlight, warmingUp: now < measureStartNs });
  }, TICK_MS);

  /** May a run start now, and is it measured? Stops the load once the duration or iterations are spent. */
  const claim = (): Claim => {
    if (stop.signal.aborted) return undefined;
    const now = process.hrtime.bigint();
    if (endNs !== undefined && now >= endNs) {
      stop.abort();
      return undefined;
    }
    if (now < measureStartNs) return 'warmup';
    if (share.iterations !== undefined) {
      if (measuredStarted >= share.iterations) {
        stop.abort();
        return undefined;
      }
      measuredStarted++;
    }
    return 'measured';
  };

  const runOne = async (vu: number, iteration: number, scheduledNs: bigint, measured: boolean, wire: RunWire): Promise<void> => {
    const scenarioIndex = localSeq % scenarios.length;
    localSeq++;
    // Numbered so that runs stay unique across shards.
    const seq = (localSeq - 1) * share.shard.count + share.shard.index;
    inFlight++;
    wire.reset();
    // Every field set, in one order, with no spread: one object shape for every run.
    const result = await runScenario(scenarios[scenarioIndex]!, {
      repetition: iteration,
      builtins: { seq, vu, iteration },
      targets: options.targets,
      timeoutMs: options.timeoutMs,
      signal: interrupt.signal,
      env: options.env,
      driverFor: options.driverFor,
      transcriptSink: wire.sinkFor,
      onDelivery: wire.recordDelivery,
    });
    inFlight--;
    const doneNs = process.hrtime.bigint();
    if (measured) metrics.record({ scenarioIndex, result, wire, latencyMs: Number(doneNs - scheduledNs) / 1e6, endNs: doneNs });
    else metrics.recordWarmup();
  };

  const virtualUser = async (vu: number): Promise<void> => {
    const delayMs = (settings.rampUpMs * (vu - 1)) / settings.connections;
    if (delayMs > 0) {
      try {
        await sleep(delayMs, undefined, { signal: stop.signal });
      } catch {
        return;
      }
    }
    const wire = new RunWire();
    let iteration = 0;
    for (let kind = claim(); kind !== undefined; kind = claim()) {
      iteration++;
      await runOne(vu, iteration, process.hrtime.bigint(), kind === 'measured', wire);
    }
  };

  const openLoop = async (rate: number): Promise<void> => {
    const rampUpS = settings.rampUpMs / 1000;
    const freeSlots: number[] = [];
    for (let slot = share.maxInFlight; slot >= 1; slot--) freeSlots.push(slot);
    const wires = new Map<number, RunWire>();
    const iterations = new Map<number, number>();
    const running = new Set<Promise<void>>();
    const dueNs = (k: number): bigint => startNs + BigInt(Math.round(arrivalTimeS(k, rate, rampUpS) * 1e9));
    let k = 0;
    arrivals: for (;;) {
      const waitMs = Number(dueNs(k) - process.hrtime.bigint()) / 1e6;
      if (waitMs >= 1) {
        try {
          await sleep(Math.floor(waitMs), undefined, { signal: stop.signal });
        } catch {
          break;
        }
      }
      const now = process.hrtime.bigint();
      while (dueNs(k) <= now) {
        const kind = claim();
        if (kind === undefined) break arrivals;
        const scheduledNs = dueNs(k);
        k++;
        const slot = freeSlots.pop();
        if (slot === undefined) {
          if (kind === 'measured') metrics.recordDropped();
          continue;
        }
        let wire = wires.get(slot);
        if (!wire) wires.set(slot, (wire = new RunWire()));
        const iteration = (iterations.get(slot) ?? 0) + 1;
        iterations.set(slot, iteration);
        const vu = (slot - 1) * share.shard.count + share.shard.index;
        const run: Promise<void> = runOne(vu, iteration, scheduledNs, kind === 'measured', wire).finally(() => {
          freeSlots.push(slot);
          running.delete(run);
        });
        running.add(run);
      }
    }
    await Promise.all(running);
  };

  try {
    if (settings.mode === 'open') await openLoop(share.rate!);
    else await Promise.all(share.virtualUsers.map(virtualUser));
  } finally {
    clearTimeout(endTimer);
    clearInterval(ticker);
    options.signal.removeEventListener('abort', stopNow);
  }

  return finishLoad(metrics, options, startedAt, thresholds);
}

/** The load result from the gathered figures, thresholds evaluated: also for the HTTP load (http-load.ts). */
export function finishLoad(
  metrics: LoadMetrics,
  options: Pick<LoadOptions, 'settings' | 'version' | 'signal'>,
  startedAt: string,
  thresholds: ReturnType<typeof parseThresholds>,
): LoadResult {
  const { settings } = options;
  const figures = metrics.finish();
  const elapsedMs = metrics.elapsedMs();
  const seconds = elapsedMs / 1000;
  const { totals } = metrics;
  const perSecond = (n: number): number => (seconds > 0 ? Math.round((n / seconds) * 100) / 100 : 0);
  const result: LoadResult = {
    version: LOAD_RESULT_VERSION,
    kind: LOAD_RESULT_KIND,
    tool: { name: 'mailprobe', version: options.version },
    startedAt,
    settings,
    shards: settings.shard ? [settings.shard] : [],
    elapsedMs: Math.round(elapsedMs * 1000) / 1000,
    interrupted: options.signal.aborted,
    totals,
    throughput: {
      runsPerSec: perSecond(totals.runs),
      messagesPerSec: perSecond(totals.messages),
      bytesPerSec: perSecond(totals.bytesSent + totals.bytesReceived),
    },
    ...figures,
    thresholds: [],
  };
  result.thresholds = evaluateThresholds(thresholds, result);
  return result;
}

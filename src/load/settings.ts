/**
 * Load settings: from command-line values and a scenario's `load:` block (the command line wins), checked
 * into a LoadSettings; `--shard i/n` parsing; and each shard's share of the work, split so that n shards
 * together do exactly what one process would (same virtual-user numbers, same ramp-up schedule, iterations
 * and rate divided without loss).
 * Imports util/ and load/types only.
 */
import { parseDuration } from '../util/duration.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';
import type { LoadSettings, Shard } from './types.js';

/** Settings as written, before checking: strings for durations, as from argv or YAML. */
export interface LoadSettingsInput {
  connections?: number;
  rate?: string | number;
  maxInFlight?: number;
  duration?: string | number;
  iterations?: number;
  rampUp?: string | number;
  warmup?: string | number;
  thresholds?: readonly string[];
  shard?: string;
}

/** When neither --duration nor --iterations is given. */
export const DEFAULT_DURATION_MS = 10_000;
export const DEFAULT_CONNECTIONS = 10;
export const DEFAULT_MAX_IN_FLIGHT = 1000;

function invalid(message: string): MailprobeError {
  return new MailprobeError(ErrorCode.CONFIG, message);
}

function wholeNumber(value: number | undefined, what: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min) throw invalid(`${what} must be a whole number ≥ ${min} (got ${value})`);
  return value;
}

function duration(value: string | number | undefined, what: string, allowZero: boolean): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined || (!allowZero && ms === 0)) throw invalid(`${what}: "${value}" is not a duration (e.g. 30s, 500ms, 2m)`);
  return ms;
}

/** "500", "500/s", "30000/m" → runs per second. */
export function parseRate(value: string | number): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|m))?\s*$/.exec(String(value));
  const perUnit = m ? Number(m[1]) : NaN;
  if (!m || !(perUnit > 0)) throw invalid(`--rate: "${value}" is not a rate (e.g. 500/s, 100, 6000/m)`);
  return m[2] === 'm' ? perUnit / 60 : perUnit;
}

/** "2/4" → shard 2 of 4. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw invalid(`--shard: "${text}" is not i/n with 1 ≤ i ≤ n (e.g. 1/4)`);
  return { index, count };
}

/** Settings from the command line over those of a `load:` block. */
export function resolveSettings(cli: LoadSettingsInput, block: LoadSettingsInput = {}): LoadSettings {
  const pick = <K extends keyof LoadSettingsInput>(key: K): LoadSettingsInput[K] => cli[key] ?? block[key];
  const rateText = pick('rate');
  const rate = rateText === undefined ? undefined : parseRate(rateText);
  const connections = wholeNumber(pick('connections'), '--connections', 1) ?? DEFAULT_CONNECTIONS;
  const maxInFlight = wholeNumber(pick('maxInFlight'), '--max-in-flight', 1) ?? DEFAULT_MAX_IN_FLIGHT;
  const iterations = wholeNumber(pick('iterations'), '--iterations', 1);
  let durationMs = duration(pick('duration'), '--duration', false);
  if (durationMs === undefined && iterations === undefined) durationMs = DEFAULT_DURATION_MS;
  const shardText = pick('shard');
  const settings: LoadSettings = {
    mode: rate === undefined ? 'closed' : 'open',
    connections,
    maxInFlight,
    rampUpMs: duration(pick('rampUp'), '--ramp-up', true) ?? 0,
    warmupMs: duration(pick('warmup'), '--warmup', true) ?? 0,
    // Both lists apply: a scenario's own gates and those the CI job adds.
    thresholds: [...(block.thresholds ?? []), ...(cli.thresholds ?? [])],
  };
  if (rate !== undefined) settings.rate = rate;
  if (durationMs !== undefined) settings.durationMs = durationMs;
  if (iterations !== undefined) settings.iterations = iterations;
  if (shardText !== undefined) settings.shard = parseShard(shardText);
  return settings;
}

/** What one shard runs. */
export interface ShardShare {
  /** Closed loop: the global numbers of this shard's virtual users. */
  virtualUsers: number[];
  /** Measured iterations this shard runs, when the run is bounded by iterations. */
  iterations?: number;
  /** Open loop: this shard's rate. */
  rate?: number;
  maxInFlight: number;
  /** Used to number open-loop slots and runs so that they stay unique across shards. */
  shard: Shard;
}

/** The i-th of n equal parts of `total`, the remainder going to the first shards. */
function part(total: number, shard: Shard): number {
  return Math.floor(total / shard.count) + (shard.index - 1 < total % shard.count ? 1 : 0);
}

export function shareOf(settings: LoadSettings): ShardShare {
  const shard = settings.shard ?? { index: 1, count: 1 };
  const virtualUsers: number[] = [];
  // Round-robin so that each shard's users are spread over the whole ramp-up.
  for (let vu = shard.index; vu <= settings.connections; vu += shard.count) virtualUsers.push(vu);
  const share: ShardShare = {
    virtualUsers,
    maxInFlight: Math.max(1, Math.ceil(settings.maxInFlight / shard.count)),
    shard,
  };
  if (settings.iterations !== undefined) share.iterations = part(settings.iterations, shard);
  if (settings.rate !== undefined) share.rate = settings.rate / shard.count;
  return share;
}

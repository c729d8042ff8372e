/**
 * What the runner does with a step's `when:` (run it or skip it) and `retry:` (send it again while its
 * expectation fails). Only assertion failures are retried: a closed connection, a timeout or a reply the
 * protocol cannot parse is an error, and sending again would hide it. Imports scenario/types and results.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Condition, Pattern, Retry } from '../scenario/types.js';
import type { Failure, ReplySummary } from '../results/types.js';
import { formatDuration } from '../util/duration.js';

/** What one step did. */
export interface StepOutcome {
  failure?: Failure;
  reply?: ReplySummary;
  /** `retry:` steps: how many times the command was sent. */
  attempts?: number;
  /** A step whose `when:` does not hold: why it did not run. */
  skipped?: string;
}

const VALUE_SHOWN = 60;

function describe(value: string): string {
  const quoted = JSON.stringify(value);
  return quoted.length > VALUE_SHOWN ? `${quoted.slice(0, VALUE_SHOWN - 1)}…"` : quoted;
}

/** Why the condition does not hold for `value` (already interpolated), or undefined when it holds. */
export function unmetCondition(when: Condition, value: string, compile: (p: Pattern) => RegExp): string | undefined {
  for (const p of when.match) {
    if (!compile(p).test(value)) return `when: ${describe(value)} does not match /${p.source}/${p.flags}`;
  }
  for (const p of when.notMatch) {
    if (compile(p).test(value)) return `when: ${describe(value)} matches /${p.source}/${p.flags}`;
  }
  return undefined;
}

const elapsedMs = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e6;

/**
 * Runs `attempt` until it passes, fails with something other than an assertion, or another attempt
 * `every` from now would start after `for` has elapsed since the first; the last outcome is returned, its
 * failure saying how many attempts were made over how long. Thrown errors are not caught.
 */
export async function retrying(retry: Retry, attempt: () => Promise<StepOutcome>, signal: AbortSignal): Promise<StepOutcome> {
  const start = process.hrtime.bigint();
  for (let attempts = 1; ; attempts++) {
    const outcome = await attempt();
    const failure = outcome.failure;
    if (!failure || failure.kind !== 'assertion') return { ...outcome, attempts };
    const elapsed = elapsedMs(start);
    if (elapsed + retry.everyMs > retry.forMs) {
      failure.message = `${failure.message} (after ${attempts} attempt${attempts === 1 ? '' : 's'} in ${formatDuration(elapsed)})`;
      return { ...outcome, attempts };
    }
    await delay(retry.everyMs, undefined, { signal });
  }
}

/**
 * Runs a set of scenarios concurrently, with repetitions, --bail and SIGINT, and gathers one RunResult.
 * Runs that share an `exclusive:` key never overlap. Emits an event as each scenario starts and ends;
 * never prints.
 */
import type { Scenario } from '../scenario/types.js';
import type { ProtocolDriver } from '../protocols/types.js';
import { RESULT_VERSION, type RunResult, type RunSummary, type ScenarioResult } from '../results/types.js';
import { ErrorCode } from '../util/errors.js';
import { runScenario } from './scenario-run.js';
import { runExclusive, type KeyedTask } from './exclusive.js';
import { Scope } from './scope.js';
import type { TargetContext } from './targets.js';

export interface RunEvents {
  scenarioStart?(scenario: Scenario, repetition: number): void;
  scenarioEnd?(result: ScenarioResult): void;
}

export interface RunOptions {
  concurrency: number;
  repeat: number;
  bail: boolean;
  timeoutMs?: number;
  targets: TargetContext;
  /** Aborted on SIGINT: running scenarios stop, queued ones are marked interrupted. */
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  driverFor: (protocol: Scenario['protocol']) => ProtocolDriver;
  version: string;
  events?: RunEvents;
}

/** Scenarios with any of `tags` (all when empty) whose name matches `grep` (when given). */
export function selectScenarios(scenarios: Scenario[], tags: readonly string[], grep?: RegExp): Scenario[] {
  return scenarios.filter(
    (s) => (tags.length === 0 || s.tags.some((t) => tags.includes(t))) && (grep === undefined || grep.test(s.name)),
  );
}

/** A scenario that never started: interrupted by SIGINT or skipped after --bail. */
function notRun(scenario: Scenario, repetition: number, outcome: 'skipped' | 'interrupted'): ScenarioResult {
  const message = outcome === 'interrupted' ? 'run interrupted before this scenario started' : 'not run: an earlier scenario failed and --bail is set';
  return {
    name: scenario.name,
    repetition,
    file: scenario.file,
    span: scenario.span,
    tags: scenario.tags,
    protocol: scenario.protocol,
    targets: {},
    outcome,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    steps: [],
    failure: { kind: 'error', code: outcome === 'interrupted' ? ErrorCode.INTERRUPTED : 'MP_SKIPPED_BAIL', message },
    transcript: [],
    transcriptTruncated: false,
  };
}

export function summarize(results: readonly ScenarioResult[]): RunSummary {
  const summary: RunSummary = { total: results.length, passed: 0, failed: 0, errors: 0, skipped: 0, interrupted: 0 };
  for (const r of results) {
    if (r.outcome === 'passed') summary.passed++;
    else if (r.outcome === 'failed') summary.failed++;
    else if (r.outcome === 'error') summary.errors++;
    else if (r.outcome === 'skipped') summary.skipped++;
    else summary.interrupted++;
  }
  return summary;
}

/** A scenario's `exclusive:` keys, interpolated (vars and environment only: the loader allows nothing else). */
export function exclusiveKeys(scenario: Scenario, env: NodeJS.ProcessEnv): string[] {
  if (scenario.exclusive.length === 0) return [];
  const scope = new Scope(scenario.vars, { seq: 0, vu: 0, iteration: 0 }, env);
  return scenario.exclusive.map((key) => scope.text(key));
}

export async function runScenarios(scenarios: readonly Scenario[], options: RunOptions): Promise<RunResult> {
  const startNs = process.hrtime.bigint();
  const startedAt = new Date().toISOString();
  let seq = 0;
  let bailed = false;

  const keys = new Map(scenarios.map((scenario) => [scenario, exclusiveKeys(scenario, options.env)]));
  const tasks: KeyedTask<ScenarioResult>[] = [];
  for (let repetition = 1; repetition <= options.repeat; repetition++) {
    for (const scenario of scenarios) {
      tasks.push({
        keys: keys.get(scenario)!,
        run: async () => {
          if (options.signal.aborted) return notRun(scenario, repetition, 'interrupted');
          if (bailed) return notRun(scenario, repetition, 'skipped');
          options.events?.scenarioStart?.(scenario, repetition);
          const result = await runScenario(scenario, {
            repetition,
            builtins: { seq: ++seq, vu: 0, iteration: repetition },
            targets: options.targets,
            signal: options.signal,
            env: options.env,
            driverFor: options.driverFor,
            ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
          });
          if (options.bail && (result.outcome === 'failed' || result.outcome === 'error')) bailed = true;
          options.events?.scenarioEnd?.(result);
          return result;
        },
      });
    }
  }
  const results = await runExclusive(tasks, Math.max(1, options.concurrency));
  return {
    version: RESULT_VERSION,
    tool: { name: 'mailprobe', version: options.version },
    startedAt,
    durationMs: Number(process.hrtime.bigint() - startNs) / 1e6,
    interrupted: options.signal.aborted,
    summary: summarize(results),
    scenarios: results,
  };
}

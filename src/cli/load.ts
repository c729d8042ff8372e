/**
 * `mailprobe load <paths..>`: runs scenarios as load (closed loop with --connections, or open loop with
 * --rate), prints the console table and writes JSON / Markdown / HTML reports; exits 1 when a threshold is
 * broken. `mailprobe merge <files..>`: merges JSON load results (shards) into one report, thresholds
 * evaluated on the merged figures. Live progress goes to stderr on a TTY only.
 * Exports loadCommand and mergeCommand (yargs command modules).
 */
import { readFile } from 'node:fs/promises';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { loadScenarios } from '../scenario/load.js';
import { selectScenarios } from '../runner/run.js';
import { driverFor } from '../protocols/registry.js';
import { runLoad } from '../load/engine.js';
import { isHttpLoad, runHttpLoad } from '../load/http-load.js';
import { readLoadBlocks } from '../load/load-block.js';
import { asLoadResult, mergeLoadResults } from '../load/merge.js';
import { resolveSettings } from '../load/settings.js';
import { parseThresholds } from '../load/thresholds.js';
import type { LoadResult } from '../load/types.js';
import { renderLoadConsole, renderProgressLine } from '../report/load/console.js';
import { LOAD_REPORTERS } from '../report/load/index.js';
import { describeReporters, parseReporters, writeReportFiles, type Reporters } from '../report/reporters.js';
import { VERSION } from './package-info.js';
import { ExitCode } from './exit-codes.js';
import { interruptOnSigint, parseGrep, parseTimeout, targetsOf, usage } from './options.js';
import { printIssues, settle, useColor } from './output.js';

interface LoadArgs {
  paths: string[];
  target: string[];
  insecure: boolean;
  ca?: string;
  timeout?: string;
  tag: string[];
  grep?: string;
  connections?: number;
  rate?: string;
  maxInFlight?: number;
  duration?: string;
  iterations?: number;
  rampUp?: string;
  warmup?: string;
  threshold: string[];
  shard?: string;
  reporter: string[];
}

interface MergeArgs {
  files: string[];
  threshold: string[];
  reporter: string[];
}

/** Exit 1 when a threshold is broken: that is the CI gate. Failed runs alone are figures, not a verdict. */
function exitCodeOf(result: LoadResult): number {
  if (result.interrupted) return ExitCode.INTERRUPTED;
  return result.thresholds.some((t) => !t.ok) ? ExitCode.FAILED : ExitCode.OK;
}

async function emit(result: LoadResult, reporters: Reporters<LoadResult>): Promise<void> {
  const written = await writeReportFiles(reporters.files, result);
  if (reporters.console) {
    process.stdout.write(renderLoadConsole(result, { color: useColor(process.stdout) }));
    for (const file of written) process.stdout.write(`report: ${file}\n`);
  }
}

async function load(argv: LoadArgs): Promise<number> {
  const reporters = parseReporters(argv.reporter, LOAD_REPORTERS, 'load', process.cwd());
  const grep = parseGrep(argv.grep);
  const timeoutMs = parseTimeout(argv.timeout);
  const loaded = await loadScenarios(argv.paths, { cwd: process.cwd(), env: process.env });
  const scenarios = loaded.issues.length > 0 ? [] : selectScenarios(loaded.scenarios, argv.tag, grep);
  const blocks = await readLoadBlocks(scenarios, process.cwd());
  const issues = [...loaded.issues, ...blocks.issues];
  if (issues.length > 0) {
    printIssues(issues);
    return ExitCode.USAGE;
  }
  if (scenarios.length === 0) throw usage('no scenario matches the given paths, --tag and --grep');
  const settings = resolveSettings(
    {
      ...(argv.connections === undefined ? {} : { connections: argv.connections }),
      ...(argv.rate === undefined ? {} : { rate: argv.rate }),
      ...(argv.maxInFlight === undefined ? {} : { maxInFlight: argv.maxInFlight }),
      ...(argv.duration === undefined ? {} : { duration: argv.duration }),
      ...(argv.iterations === undefined ? {} : { iterations: argv.iterations }),
      ...(argv.rampUp === undefined ? {} : { rampUp: argv.rampUp }),
      ...(argv.warmup === undefined ? {} : { warmup: argv.warmup }),
      ...(argv.shard === undefined ? {} : { shard: argv.shard }),
      thresholds: argv.threshold,
    },
    blocks.settings,
  );
  parseThresholds(settings.thresholds);

  const { targets, sandbox } = await targetsOf(argv, loaded.targets);
  if (sandbox && reporters.console) {
    const services = Object.entries(sandbox.targets).map(([name, url]) => `${name}=${url}`).join(' ');
    process.stdout.write(`no --target given: loading the embedded sandbox (${services}), in this same process\n\n`);
  }
  const controller = new AbortController();
  const stopListening = interruptOnSigint(controller);
  // Progress only where a person watches: a TTY, and never in CI logs.
  const live = process.stderr.isTTY === true && !process.env.CI;
  let result: LoadResult;
  try {
    result = await (isHttpLoad(scenarios) ? runHttpLoad : runLoad)(scenarios, {
      settings,
      targets,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      signal: controller.signal,
      env: process.env,
      driverFor,
      version: VERSION,
      events: live ? { tick: (p) => process.stderr.write(`\r\x1b[K${renderProgressLine(p)}`) } : {},
    });
  } finally {
    if (live) process.stderr.write('\r\x1b[K');
    stopListening();
    await sandbox?.close();
  }
  await emit(result, reporters);
  return exitCodeOf(result);
}

async function merge(argv: MergeArgs): Promise<number> {
  const reporters = parseReporters(argv.reporter, LOAD_REPORTERS, 'merge', process.cwd());
  parseThresholds(argv.threshold);
  const parts: LoadResult[] = [];
  for (const file of argv.files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw usage(`cannot read ${file}: ${(err as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw usage(`${file} is not JSON: ${(err as Error).message}`);
    }
    parts.push(asLoadResult(parsed, file));
  }
  const result = mergeLoadResults(parts, argv.threshold);
  await emit(result, reporters);
  return exitCodeOf(result);
}

const reporterOption = {
  alias: 'r',
  type: 'string',
  array: true,
  default: [] as string[],
  describe: describeReporters(LOAD_REPORTERS),
} as const;
const thresholdOption = {
  type: 'string',
  array: true,
  default: [] as string[],
  describe: 'Fail (exit 1) unless this holds: "p99<250ms", "step:DATA p95<100ms", "errors<0.1%", "rate>500/s"; repeatable',
} as const;

export const loadCommand = {
  command: 'load <paths..>',
  describe: 'Run scenarios as load: latency percentiles, throughput, errors, thresholds for CI',
  builder: (y: Argv) =>
    y
      .positional('paths', { type: 'string', array: true, demandOption: true, describe: 'Scenario files or suite directories' })
      .option('target', { alias: 't', type: 'string', array: true, default: [] as string[], describe: 'Target URL or NAME=URL; repeatable (default: the embedded sandbox)' })
      .option('connections', { alias: 'c', type: 'number', describe: 'Closed loop: virtual users, each running the scenarios again and again (default 10)' })
      .option('rate', { type: 'string', describe: 'Open loop: new scenario runs per second (500, 500/s, 6000/m), whatever the completions' })
      .option('max-in-flight', { type: 'number', describe: 'Open loop: most runs at once; later arrivals are dropped and counted (default 1000)' })
      .option('duration', { alias: 'd', type: 'string', describe: 'Measured time after the warm-up (default 10s unless --iterations)' })
      .option('iterations', { alias: 'n', type: 'number', describe: 'Measured scenario runs in all (instead of or besides --duration)' })
      .option('ramp-up', { type: 'string', describe: 'Start virtual users (or grow the rate) linearly over this time' })
      .option('warmup', { type: 'string', describe: 'Runs started in this first period are not counted' })
      .option('threshold', thresholdOption)
      .option('shard', { type: 'string', describe: 'Run shard i of n (e.g. 2/4): its share of the users, rate and iterations' })
      .option('tag', { type: 'string', array: true, default: [] as string[], describe: 'Only scenarios with this tag; repeatable' })
      .option('grep', { type: 'string', describe: 'Only scenarios whose name matches this regex' })
      .option('timeout', { type: 'string', describe: "Reply timeout for every step, overriding the files' own" })
      .option('insecure', { type: 'boolean', default: false, describe: 'Do not verify TLS certificates' })
      .option('ca', { type: 'string', describe: "Trust the CA certificates in this PEM file instead of the system's" })
      .option('reporter', reporterOption),
  handler: (argv: ArgumentsCamelCase<LoadArgs>): Promise<void> => settle(load(argv)),
};

export const mergeCommand = {
  command: 'merge <files..>',
  describe: 'Merge JSON load results (shards) into one report: histograms merged, thresholds evaluated again',
  builder: (y: Argv) =>
    y
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'JSON reports of mailprobe load' })
      .option('threshold', thresholdOption)
      .option('reporter', reporterOption),
  handler: (argv: ArgumentsCamelCase<MergeArgs>): Promise<void> => settle(merge(argv)),
};

/**
 * `mailprobe run [paths..]`: load every scenario (nothing is sent unless all files are valid), run them
 * against the targets, print one line per scenario, write the file reports, and exit with the outcome.
 */
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { loadScenarios } from '../scenario/load.js';
import { runScenarios, selectScenarios } from '../runner/run.js';
import { parseTargetArgs } from '../runner/targets.js';
import { driverFor } from '../protocols/registry.js';
import { parseReporterSpec, writeReports, type ReporterSpec } from '../report/index.js';
import { renderFailureDetail, renderScenarioLine, renderSummary, type ConsoleOptions } from '../report/console.js';
import type { RunResult } from '../results/types.js';
import { parseDuration } from '../util/duration.js';
import { ErrorCode, MailprobeError, isMailprobeError } from '../util/errors.js';
import { BUILTIN_SCENARIOS, VERSION } from './package-info.js';
import { ExitCode } from './exit-codes.js';
import { printError, printIssues, useColor } from './output.js';

interface RunArgs {
  paths: string[];
  target: string[];
  concurrency: number;
  repeat: number;
  tag: string[];
  grep?: string;
  bail: boolean;
  timeout?: string;
  insecure: boolean;
  reporter: string[];
}

function usage(message: string): MailprobeError {
  return new MailprobeError(ErrorCode.CONFIG, message);
}

function parseOptions(argv: RunArgs): { grep?: RegExp; timeoutMs?: number; reporters: ReporterSpec[] } {
  let grep: RegExp | undefined;
  if (argv.grep !== undefined) {
    try {
      grep = new RegExp(argv.grep);
    } catch (err) {
      throw usage(`--grep: ${(err as Error).message}`);
    }
  }
  let timeoutMs: number | undefined;
  if (argv.timeout !== undefined) {
    timeoutMs = parseDuration(argv.timeout);
    if (timeoutMs === undefined || timeoutMs === 0) throw usage(`--timeout: "${argv.timeout}" is not a duration (e.g. 5s, 500ms)`);
  }
  if (!Number.isInteger(argv.concurrency) || argv.concurrency < 1) throw usage('--concurrency must be a whole number ≥ 1');
  if (!Number.isInteger(argv.repeat) || argv.repeat < 1) throw usage('--repeat must be a whole number ≥ 1');
  const reporters = (argv.reporter.length > 0 ? argv.reporter : ['console']).map(parseReporterSpec);
  return { ...(grep ? { grep } : {}), ...(timeoutMs === undefined ? {} : { timeoutMs }), reporters };
}

/** First Ctrl-C stops the run and still writes reports; a second one exits at once. */
function interruptOnSigint(controller: AbortController): () => void {
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(ExitCode.INTERRUPTED);
    process.stderr.write('\ninterrupted: finishing reports (Ctrl-C again to quit at once)\n');
    controller.abort(new MailprobeError(ErrorCode.INTERRUPTED, 'interrupted by SIGINT'));
  };
  process.on('SIGINT', onSigint);
  return () => process.off('SIGINT', onSigint);
}

function exitCodeOf(run: RunResult): number {
  if (run.interrupted) return ExitCode.INTERRUPTED;
  return run.summary.failed + run.summary.errors + run.summary.interrupted > 0 ? ExitCode.FAILED : ExitCode.OK;
}

async function run(argv: RunArgs): Promise<number> {
  const options = parseOptions(argv);
  const targetArgs = parseTargetArgs(argv.target);
  const paths = argv.paths.length > 0 ? argv.paths : [BUILTIN_SCENARIOS];
  const loaded = await loadScenarios(paths, { cwd: process.cwd(), env: process.env });
  if (loaded.issues.length > 0) {
    printIssues(loaded.issues);
    return ExitCode.USAGE;
  }
  const named = { ...loaded.targets, ...targetArgs.named };
  if (targetArgs.defaultUrl === undefined && Object.keys(named).length === 0) {
    throw usage('no target: give --target URL (e.g. --target smtp://127.0.0.1:2525) or NAME=URL');
  }
  const scenarios = selectScenarios(loaded.scenarios, argv.tag, options.grep);
  if (scenarios.length === 0) throw usage('no scenario matches the given paths, --tag and --grep');

  const live = options.reporters.some((r) => r.name === 'console');
  const consoleOptions: ConsoleOptions = { color: useColor(process.stdout) };
  const controller = new AbortController();
  const stopListening = interruptOnSigint(controller);
  let result: RunResult;
  try {
    result = await runScenarios(scenarios, {
      concurrency: argv.concurrency,
      repeat: argv.repeat,
      bail: argv.bail,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      targets: { ...(targetArgs.defaultUrl === undefined ? {} : { defaultUrl: targetArgs.defaultUrl }), named, insecure: argv.insecure },
      signal: controller.signal,
      env: process.env,
      driverFor,
      version: VERSION,
      events: live
        ? {
            scenarioEnd: (s) => {
              process.stdout.write(`${renderScenarioLine(s, consoleOptions)}\n${renderFailureDetail(s, consoleOptions)}`);
            },
          }
        : {},
    });
  } finally {
    stopListening();
  }
  const written = await writeReports(options.reporters, result, process.cwd());
  if (live) {
    process.stdout.write(`\n${renderSummary(result, consoleOptions)}`);
    for (const file of written) process.stdout.write(`report: ${file}\n`);
  }
  return exitCodeOf(result);
}

export const runCommand = {
  command: 'run [paths..]',
  describe: 'Run scenarios against mail servers and report the outcome',
  builder: (y: Argv) =>
    y
      .positional('paths', { type: 'string', array: true, default: [] as string[], describe: 'Scenario files or suite directories (default: the built-in suites)' })
      .option('target', { alias: 't', type: 'string', array: true, default: [] as string[], describe: 'Target URL (smtp://host:port, smtps://, pop3(s)://, imap(s)://) or NAME=URL; repeatable' })
      .option('concurrency', { alias: 'c', type: 'number', default: 4, describe: 'Scenarios run at once' })
      .option('repeat', { type: 'number', default: 1, describe: 'Run every scenario this many times' })
      .option('tag', { type: 'string', array: true, default: [] as string[], describe: 'Only scenarios with this tag; repeatable (any of)' })
      .option('grep', { type: 'string', describe: 'Only scenarios whose name matches this regex' })
      .option('bail', { type: 'boolean', default: false, describe: 'Stop starting scenarios after the first failure' })
      .option('timeout', { type: 'string', describe: "Reply timeout for every step (e.g. 5s), overriding the files' own" })
      .option('insecure', { type: 'boolean', default: false, describe: 'Do not verify TLS certificates' })
      .option('reporter', { alias: 'r', type: 'string', array: true, default: [] as string[], describe: 'console | json[=FILE] | junit[=FILE] | tap[=FILE]; repeatable (default: console)' }),
  handler: async (argv: ArgumentsCamelCase<RunArgs>): Promise<void> => {
    try {
      process.exitCode = await run(argv);
    } catch (err) {
      if (!isMailprobeError(err)) throw err;
      printError(err.message);
      process.exitCode = ExitCode.USAGE;
    }
  },
};

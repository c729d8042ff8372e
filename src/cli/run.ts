/**
 * `mailprobe run [paths..]`: load every scenario (nothing is sent unless all files are valid), run them
 * against the targets, print one line per scenario, write the file reports, and exit with the outcome.
 */
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { loadScenarios } from '../scenario/load.js';
import { runScenarios, selectScenarios } from '../runner/run.js';
import { driverFor } from '../protocols/registry.js';
import { RUN_REPORTERS } from '../report/index.js';
import { describeReporters, parseReporters, writeReportFiles, type Reporters } from '../report/reporters.js';
import { renderFailureDetail, renderScenarioLine, renderSummary, type ConsoleOptions } from '../report/console.js';
import type { RunResult } from '../results/types.js';
import { BUILTIN_SCENARIOS, VERSION } from './package-info.js';
import { ExitCode } from './exit-codes.js';
import { interruptOnSigint, parseGrep, parseTimeout, targetsOf, usage } from './options.js';
import { printIssues, settle, useColor } from './output.js';

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
  ca?: string;
  maildir?: string;
  reporter: string[];
}

function parseOptions(argv: RunArgs): { grep?: RegExp; timeoutMs?: number; reporters: Reporters<RunResult> } {
  const grep = parseGrep(argv.grep);
  const timeoutMs = parseTimeout(argv.timeout);
  if (!Number.isInteger(argv.concurrency) || argv.concurrency < 1) throw usage('--concurrency must be a whole number ≥ 1');
  if (!Number.isInteger(argv.repeat) || argv.repeat < 1) throw usage('--repeat must be a whole number ≥ 1');
  const reporters = parseReporters(argv.reporter, RUN_REPORTERS, 'run', process.cwd());
  return { ...(grep ? { grep } : {}), ...(timeoutMs === undefined ? {} : { timeoutMs }), reporters };
}

function exitCodeOf(run: RunResult): number {
  if (run.interrupted) return ExitCode.INTERRUPTED;
  return run.summary.failed + run.summary.errors + run.summary.interrupted > 0 ? ExitCode.FAILED : ExitCode.OK;
}

async function run(argv: RunArgs): Promise<number> {
  const options = parseOptions(argv);
  const paths = argv.paths.length > 0 ? argv.paths : [BUILTIN_SCENARIOS];
  // With no --target the sandbox is likely needed: its import (~0.5 s) overlaps the loading of the files.
  const sandboxModule = argv.target.length === 0 ? import('../sandbox/index.js') : undefined;
  sandboxModule?.catch(() => undefined); // awaited (and its failure reported) only if the sandbox is needed
  const loaded = await loadScenarios(paths, { cwd: process.cwd(), env: process.env });
  if (loaded.issues.length > 0) {
    printIssues(loaded.issues);
    return ExitCode.USAGE;
  }
  const scenarios = selectScenarios(loaded.scenarios, argv.tag, options.grep);
  if (scenarios.length === 0) throw usage('no scenario matches the given paths, --tag and --grep');

  const live = options.reporters.console;
  const consoleOptions: ConsoleOptions = { color: useColor(process.stdout) };
  const { targets, sandbox } = await targetsOf(argv, loaded.targets, sandboxModule);
  if (sandbox && live) {
    const services = Object.entries(sandbox.targets).map(([name, url]) => `${name}=${url}`).join(' ');
    process.stdout.write(`no --target given: running against the embedded sandbox (${services})\n\n`);
  }
  const controller = new AbortController();
  const stopListening = interruptOnSigint(controller);
  let result: RunResult;
  try {
    result = await runScenarios(scenarios, {
      concurrency: argv.concurrency,
      repeat: argv.repeat,
      bail: argv.bail,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      targets,
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
    await sandbox?.close();
  }
  const written = await writeReportFiles(options.reporters.files, result);
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
      .option('ca', { type: 'string', describe: "Trust the CA certificates in this PEM file instead of the system's" })
      .option('maildir', { type: 'string', describe: "With no --target: keep the embedded sandbox's mail in Maildirs under this directory (DIR/<user>), as serve --maildir does" })
      .option('reporter', { alias: 'r', type: 'string', array: true, default: [] as string[], describe: describeReporters(RUN_REPORTERS) }),
  handler: (argv: ArgumentsCamelCase<RunArgs>): Promise<void> => settle(run(argv)),
};

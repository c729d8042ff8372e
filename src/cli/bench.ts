/**
 * `mailprobe bench`: throughput of the MIME encoding core beside Node's native base64 and the peer
 * libraries that are installed (libbase64, libqp, libmime, quoted-printable, js-base64): a table on the
 * console, the "encoding core" report as JSON (`--reporter json[=FILE]`, or `--json` on stdout) and as
 * HTML (`--reporter html[=FILE]`).
 * Progress goes to stderr so that `--json > file` stays clean. On Linux it runs itself again with glibc
 * tunables that keep freed memory for reuse (src/bench/allocator.ts).
 */
import { spawnSync } from 'node:child_process';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { steadyAllocatorEnv } from '../bench/allocator.js';
import type { BenchClock } from '../bench/measure.js';
import { loadPeers } from '../bench/peers.js';
import { BENCH_FILE_REPORTERS } from '../bench/reporters.js';
import type { BenchReport } from '../bench/report-types.js';
import { BENCH_SIZES, DEFAULT_BENCH_OPTIONS, runBench } from '../bench/run.js';
import { formatBenchTable, formatSize } from '../bench/table.js';
import { renderBenchHtml } from '../report/html/bench.js';
import { describeReporters, parseReporters, writeReportFiles, type FileReporters } from '../report/reporters.js';
import { ExitCode } from './exit-codes.js';
import { settle } from './output.js';
import { VERSION } from './package-info.js';

interface BenchArgs {
  json: boolean;
  reporter: string[];
  size: number[];
  only: string[];
  time: number;
  'min-samples': number;
  clock: BenchClock;
}

/** The bench's own file reporters and the HTML report's "encoding core" page. */
const FILE_REPORTERS: FileReporters<BenchReport> = { ...BENCH_FILE_REPORTERS, html: { defaultPath: 'reports/bench.html', render: renderBenchHtml } };

async function bench(argv: ArgumentsCamelCase<BenchArgs>): Promise<number> {
  // Run again, once, with freed memory kept for reuse: see src/bench/allocator.ts.
  const steadyEnv = steadyAllocatorEnv(process.env, process.platform);
  if (steadyEnv) return spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: steadyEnv }).status ?? ExitCode.FAILED;
  const reporters = parseReporters(argv.reporter, FILE_REPORTERS, 'bench', process.cwd());
  const peers = await loadPeers(process.cwd());
  const options = { ...DEFAULT_BENCH_OPTIONS, sizes: argv.size, only: argv.only, timeMs: argv.time, minSamples: argv.minSamples, clock: argv.clock };
  const progress = process.stderr.isTTY === true;
  const report = runBench(peers, options, { name: 'mailprobe', version: VERSION }, (benchmark, size) => {
    if (progress) process.stderr.write(`\r\x1b[K${benchmark.id} ${formatSize(size)}`);
  });
  if (progress) process.stderr.write('\r\x1b[K');
  await writeReportFiles(reporters.files, report);
  if (argv.json) process.stdout.write(BENCH_FILE_REPORTERS.json!.render(report));
  else if (reporters.console) process.stdout.write(formatBenchTable(report));
  for (const file of reporters.files) process.stderr.write(`${file.name} report: ${file.path}\n`);
  const wrong = report.encodingCore.cases.some((c) => c.implementations.some((i) => i.ours && i.status !== 'ok'));
  return wrong ? ExitCode.FAILED : ExitCode.OK;
}

export const benchCommand = {
  command: 'bench',
  describe: 'Measure the MIME encoding core (base64, quoted-printable, encoded words) against Node and peer libraries',
  builder: (y: Argv) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON on stdout instead of the table' })
      .option('reporter', { alias: 'r', type: 'string', array: true, default: [] as string[], describe: describeReporters(FILE_REPORTERS) })
      .option('size', { type: 'number', array: true, default: [...BENCH_SIZES], describe: 'Input sizes in bytes' })
      .option('only', { type: 'string', array: true, default: [] as string[], describe: 'Only benchmarks whose id contains this (base64, qp-encode, word …)' })
      .option('time', { type: 'number', default: DEFAULT_BENCH_OPTIONS.timeMs, describe: 'Sampling time per implementation and size (ms)' })
      .option('min-samples', { type: 'number', default: DEFAULT_BENCH_OPTIONS.minSamples, describe: 'Fewest timed runs, however slow' })
      .option('clock', { choices: ['cpu', 'wall'] as const, default: DEFAULT_BENCH_OPTIONS.clock, describe: 'CPU time of this process (steady on a shared machine) or elapsed time' })
      .epilogue('Peers are found in ./node_modules (see bench/package.json) or beside mailprobe; missing ones are skipped. The JSON report is described in docs/bench.md.'),
  handler: (argv: ArgumentsCamelCase<BenchArgs>): Promise<void> => settle(bench(argv)),
};

/**
 * `mailprobe bench`: throughput of the MIME encoding core beside Node's native base64 and the peer
 * libraries that are installed (libbase64, libqp, libmime, quoted-printable, js-base64), as a table or
 * as JSON. Progress goes to stderr so that `--json > file` stays clean.
 */
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { loadPeers } from '../bench/peers.js';
import { BENCH_SIZES, DEFAULT_BENCH_OPTIONS, runBench } from '../bench/run.js';
import { formatBenchTable, formatSize } from '../bench/table.js';
import type { BenchClock } from '../bench/measure.js';
import { ExitCode } from './exit-codes.js';

interface BenchArgs {
  json: boolean;
  size: number[];
  only: string[];
  time: number;
  'min-samples': number;
  clock: BenchClock;
}

export const benchCommand = {
  command: 'bench',
  describe: 'Measure the MIME encoding core (base64, quoted-printable, encoded words) against Node and peer libraries',
  builder: (y: Argv) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON' })
      .option('size', { type: 'number', array: true, default: [...BENCH_SIZES], describe: 'Input sizes in bytes' })
      .option('only', { type: 'string', array: true, default: [] as string[], describe: 'Only benchmarks whose id contains this (base64, qp-encode, word …)' })
      .option('time', { type: 'number', default: DEFAULT_BENCH_OPTIONS.timeMs, describe: 'Sampling time per implementation and size (ms)' })
      .option('min-samples', { type: 'number', default: DEFAULT_BENCH_OPTIONS.minSamples, describe: 'Fewest timed runs, however slow' })
      .option('clock', { choices: ['cpu', 'wall'] as const, default: DEFAULT_BENCH_OPTIONS.clock, describe: 'CPU time of this process (steady on a shared machine) or elapsed time' })
      .epilogue('Peers are found in ./node_modules (see bench/package.json) or beside mailprobe; missing ones are skipped.'),
  handler: async (argv: ArgumentsCamelCase<BenchArgs>): Promise<void> => {
    const peers = await loadPeers(process.cwd());
    const options = { ...DEFAULT_BENCH_OPTIONS, sizes: argv.size, only: argv.only, timeMs: argv.time, minSamples: argv.minSamples, clock: argv.clock };
    const progress = process.stderr.isTTY === true;
    const report = runBench(peers, options, (benchmark, size) => {
      if (progress) process.stderr.write(`\r\x1b[K${benchmark.id} ${formatSize(size)}`);
    });
    if (progress) process.stderr.write('\r\x1b[K');
    process.stdout.write(argv.json ? `${JSON.stringify(report, null, 2)}\n` : formatBenchTable(report));
    const wrong = report.results.some((r) => r.implementations.some((i) => i.ours && i.status !== 'ok'));
    process.exitCode = wrong ? ExitCode.FAILED : ExitCode.OK;
  },
};

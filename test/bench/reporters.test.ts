import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { BENCH_FILE_REPORTERS } from '../../src/bench/reporters.js';
import { parseReporters, writeReportFiles } from '../../src/report/reporters.js';
import type { BenchReport } from '../../src/bench/report-types.js';
import { runBench } from '../../src/bench/run.js';
import { runCli } from '../helpers/cli.js';

t.test('bench reporters: console and json; the default file is reports/bench.json', async (t) => {
  t.same(parseReporters(['console', 'json'], BENCH_FILE_REPORTERS, 'bench', '/tmp/x').files.map((file) => file.path), ['/tmp/x/reports/bench.json']);
  t.throws(() => parseReporters(['junit'], BENCH_FILE_REPORTERS, 'bench', '/tmp/x'), { name: 'MailprobeError', message: 'unknown reporter "junit" in "junit": bench reporters are console, json' });
});

t.test('the JSON report: the BenchReport, keys in the documented order, parsed back equal', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mailprobe-bench-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const report = runBench({}, { sizes: [1024], only: ['base64-encode'], timeMs: 1, minSamples: 3, maxSamples: 3, clock: 'cpu' }, { name: 'mailprobe', version: '1.2.3' });
  await writeReportFiles(parseReporters(['json=r/bench.json'], BENCH_FILE_REPORTERS, 'bench', dir).files, report);
  const text = await readFile(join(dir, 'r/bench.json'), 'utf8');
  t.ok(text.endsWith('}\n'));
  const parsed = JSON.parse(text) as BenchReport;
  t.same(parsed, report);
  t.same(Object.keys(parsed), ['version', 'tool', 'startedAt', 'durationMs', 'encodingCore']);
  t.same(Object.keys(parsed.encodingCore), ['machine', 'clock', 'peers', 'skippedPeers', 'cases']);
  t.same(Object.keys(parsed.encodingCore.cases[0]!), ['operation', 'title', 'input', 'size', 'implementations', 'goals']);
  const ours = parsed.encodingCore.cases[0]!.implementations[0]!;
  t.same(Object.keys(ours), ['name', 'ours', 'status', 'mbPerSecond', 'medianNs', 'samplesNs', 'batch', 'ratios']);
  t.same(Object.keys(ours.ratios!), ['node', 'node→Buffer', 'node+JS wrap']);
  t.same(parsed.encodingCore.cases[0]!.goals.map((g) => [g.against, g.minRatio]), [['node', 0.5], ['libbase64', 8]]);
});

t.test('mailprobe bench --reporter json=FILE writes the report and still prints the table; a bad reporter exits 2', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mailprobe-bench-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const args = ['bench', '--size', '1024', '--only', 'qp-encode-text', '--time', '1', '--min-samples', '1'];
  const ok = await runCli([...args, '--reporter', 'console', '--reporter', 'json=out.json'], { cwd: dir, timeoutMs: 120_000 });
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.stdout, /quoted-printable encode, mostly-ASCII text/);
  t.match(ok.stderr, /json report: .*out\.json/);
  const report = JSON.parse(await readFile(join(dir, 'out.json'), 'utf8')) as BenchReport;
  t.equal(report.encodingCore.cases[0]!.operation, 'qp-encode-text');
  const json = await runCli([...args, '--json'], { cwd: dir, timeoutMs: 120_000 });
  t.equal(json.code, 0, json.stderr);
  t.equal((JSON.parse(json.stdout) as BenchReport).version, 1, '--json prints the same document on stdout');
  const bad = await runCli([...args, '--reporter', 'html5'], { cwd: dir });
  t.equal(bad.code, 2);
  t.match(bad.stderr, /unknown reporter "html5"/);
  t.equal(bad.stdout, '', 'nothing was measured');
});

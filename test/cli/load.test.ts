import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { LoadResult } from '../../src/load/types.js';
import { renderLoadJson } from '../../src/report/load/json.js';
import { fixture, loadAgainst } from '../load/helpers.js';

const DELIVER = 'test/load/fixtures/deliver.yaml';

t.test('mailprobe load: a broken threshold exits 1 and is named in the console and in every file report', async (t) => {
  const sandbox = await startSandbox();
  t.teardown(() => sandbox.close());
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-load-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const res = await runCli([
    'load', DELIVER, '--target', sandbox.targets.smtp, '-c', '2', '-n', '6',
    '--threshold', 'p99<30s', '--threshold', 'rate>1000000/s',
    '-r', 'console', '-r', `json=${dir}/r.json`, '-r', `markdown=${dir}/r.md`, '-r', `html=${dir}/r.html`,
  ], { env: { CI: 'true' } });
  t.equal(res.code, 1, res.stderr);
  t.match(res.stdout, /✗ rate>1000000\/s: rate was [\d.]+\/s \(limit > 1000000\/s\) — broken/);
  t.match(res.stdout, /✓ p99<30s/);
  t.equal(res.stderr, '', 'no progress noise without a TTY');
  const json = JSON.parse(readFileSync(`${dir}/r.json`, 'utf8')) as LoadResult;
  t.equal(json.totals.runs, 6);
  t.same(json.thresholds.map((th) => [th.expression, th.ok]), [['p99<30s', true], ['rate>1000000/s', false]]);
  t.match(readFileSync(`${dir}/r.md`, 'utf8'), /`rate>1000000\/s` \| \*\*broken\*\*/);
  t.match(readFileSync(`${dir}/r.html`, 'utf8'), /✗ rate&gt;1000000\/s/);
});

t.test('mailprobe load: thresholds that hold exit 0', async (t) => {
  const sandbox = await startSandbox();
  t.teardown(() => sandbox.close());
  const res = await runCli(['load', DELIVER, '--target', sandbox.targets.smtp, '-c', '1', '-n', '3', '--threshold', 'errors<1%']);
  t.equal(res.code, 0, res.stdout + res.stderr);
  t.match(res.stdout, /all 1 thresholds held/);
});

t.test('mailprobe load: bad options are usage errors (exit 2) before anything is sent', async (t) => {
  const bad = await runCli(['load', DELIVER, '--target', 'smtp://127.0.0.1:1', '--threshold', 'p99 fast']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /mailprobe: --threshold "p99 fast": expected/);
});

t.test('mailprobe merge: shards into one report, thresholds on the merged figures', async (t) => {
  const sandbox = await startSandbox();
  t.teardown(() => sandbox.close());
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-merge-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // The shards run in-process (each CLI start is slow on a busy machine); their JSON is what the CLI writes.
  const scenarios = await fixture('deliver.yaml');
  for (const i of [1, 2, 3]) {
    const shard = await loadAgainst(sandbox, scenarios, { connections: 3, iterations: 10, shard: `${i}/3` });
    writeFileSync(`${dir}/s${i}.json`, renderLoadJson(shard));
  }
  const res = await runCli(['merge', `${dir}/s1.json`, `${dir}/s2.json`, `${dir}/s3.json`, '--threshold', 'errors<=0', '-r', 'console', '-r', `json=${dir}/all.json`]);
  t.equal(res.code, 0, res.stdout + res.stderr);
  t.match(res.stdout, /3 shards merged/);
  const merged = JSON.parse(readFileSync(`${dir}/all.json`, 'utf8')) as LoadResult;
  t.equal(merged.totals.runs, 10);
  t.equal(merged.latency.count, 10);
  const notJson = await runCli(['merge', DELIVER]);
  t.equal(notJson.code, 2);
  t.match(notJson.stderr, /is not JSON/);
});

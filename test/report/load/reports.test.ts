import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../../src/sandbox/index.js';
import { renderLoadConsole, renderProgressLine } from '../../../src/report/load/console.js';
import { renderLoadMarkdown } from '../../../src/report/load/markdown.js';
import { renderLoadHtml } from '../../../src/report/load/html.js';
import { throughputRows } from '../../../src/report/load/format.js';
import { LOAD_REPORTERS } from '../../../src/report/load/index.js';
import { parseReporters, writeReportFiles } from '../../../src/report/reporters.js';
import { fixture, loadAgainst } from '../../load/helpers.js';

const sandbox = await startSandbox();
t.teardown(() => sandbox.close());
const result = await loadAgainst(sandbox, await fixture('deliver.yaml', 'relay-denied.yaml'), {
  connections: 2,
  iterations: 10,
  thresholds: ['p99<10s', 'errors<1%'],
});

t.test('the run itself: two scenarios, half the runs refused', async (t) => {
  t.equal(result.totals.runs, 10);
  t.equal(result.totals.failed, 5);
  t.same(result.thresholds.map((th) => th.ok), [true, false]);
});

t.test('console: latency and throughput tables, errors, and each threshold named with its verdict', async (t) => {
  const text = renderLoadConsole(result, { color: false });
  t.match(text, /│ Latency\s+│\s+p50 │\s+p90 │\s+p99 │\s+p99\.9 │\s+max │\s+mean │ count │/);
  t.match(text, /│ scenario: deliver one message\s+│/);
  t.match(text, /│   step DATA\s+│/);
  t.match(text, /│ connect\s+│/);
  t.match(text, /│ scenario runs\s+│\s+10 │/);
  t.match(text, /10 runs in [\d.]+s: 5 passed, 5 failed, 0 errors \(50%\)/);
  t.match(text, /errors by cause: MP_ASSERT_STATUS 5/);
  t.match(text, /errors by reply code: 554 5/);
  t.match(text, /✓ p99<10s: p99 of scenario runs was/);
  t.match(text, /✗ errors<1%: 50% of 10 scenario runs failed \(limit < 1%\) — broken/);
  t.match(text, /1 of 2 thresholds broken/);
  t.notMatch(text, /\x1b\[/, 'no colour when asked for none');
});

t.test('markdown: verdict first, thresholds table, latency table', async (t) => {
  const md = renderLoadMarkdown(result);
  t.match(md, /^## mailprobe load: ❌ 1 of 2 thresholds broken\n/);
  t.match(md, /\| `errors<1%` \| \*\*broken\*\* \| 50% of 10 scenario runs failed \(limit < 1%\) — broken \|/);
  t.match(md, /\| `p99<10s` \| held \|/);
  t.match(md, /\| step DATA \|/);
  t.match(md, /\| `MP_ASSERT_STATUS` \| 5 \|/);
});

t.test('html: self-contained, with both charts, the thresholds and escaped text', async (t) => {
  const html = renderLoadHtml(result);
  t.match(html, /^<!doctype html>/i);
  t.notMatch(html, /<script|<link|src="http|href="http/, 'nothing to fetch: it opens offline');
  t.match(html, /<svg[^>]*id="chart-latency"/);
  t.match(html, /<svg[^>]*id="chart-throughput"|shorter than a second/);
  t.match(html, /class="broken">✗ errors&lt;1%: 50% of 10 scenario runs failed/);
  t.match(html, /<p class="verdict fail" id="verdict">1 of 2 thresholds broken<\/p>/);
});

t.test('html: server text is escaped as in every HTML report, controls included', async (t) => {
  const hostile = '550 <b onclick="x">&</b>\x1b[31m';
  const sample = { ...result.errors.samples[0]!, message: hostile };
  const html = renderLoadHtml({ ...result, errors: { ...result.errors, samples: [sample] } });
  t.notMatch(html, /<b onclick/);
  t.match(html, `550 &lt;b onclick=&quot;x&quot;&gt;&amp;&lt;/b&gt;\\x1B[31m`);
});

t.test('console, Markdown and HTML show the same throughput rows', async (t) => {
  const rows = throughputRows(result);
  t.same(rows.map((row) => row[0]), ['scenario runs', 'messages', 'bytes (sent + received)']);
  t.equal(rows[0]![1], '10');
  const console = renderLoadConsole(result, { color: false });
  const md = renderLoadMarkdown(result);
  const html = renderLoadHtml(result);
  for (const row of rows) {
    t.match(console, new RegExp(`│ ${row.map((cell) => cell.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join(' +│ +')} +│`), `console: ${row[0]}`);
    t.ok(md.includes(`| ${row.join(' | ')} |`), `markdown: ${row[0]}`);
    t.ok(html.includes(`<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`), `html: ${row[0]}`);
  }
});

t.test('progress line', async (t) => {
  t.equal(
    renderProgressLine({ elapsedMs: 12_400, runs: 1234, errors: 2, lastSecondRuns: 950, p99Ms: 3.21, inFlight: 20, warmingUp: false }),
    '12s  950/s  in flight 20  runs 1,234  errors 2  p99 3.21ms',
  );
  t.match(renderProgressLine({ elapsedMs: -500, runs: 0, errors: 0, lastSecondRuns: 0, p99Ms: 0, inFlight: 3, warmingUp: true }), /^warming up/);
});

t.test('the load reporters, parsed and written like every command\'s', async (t) => {
  t.throws(() => parseReporters(['junit'], LOAD_REPORTERS, 'load', '/tmp'), { message: /load reporters are console, json, markdown, html/ });
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-load-report-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const reporters = parseReporters(['console', 'json=r.json', 'markdown=r.md', 'html'], LOAD_REPORTERS, 'load', dir);
  const written = await writeReportFiles(reporters.files, result);
  t.same(written, [join(dir, 'r.json'), join(dir, 'r.md'), join(dir, 'reports/load.html')]);
  t.equal(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).totals.runs, 10);
  t.equal(readFileSync(join(dir, 'r.md'), 'utf8'), renderLoadMarkdown(result));
  t.equal(readFileSync(join(dir, 'reports/load.html'), 'utf8'), renderLoadHtml(result));
});

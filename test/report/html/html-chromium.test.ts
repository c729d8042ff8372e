/**
 * Opens the HTML reports in headless Chromium (Debian's `chromium`, driven by playwright-core): those that
 * `mailprobe run`, `audit` and `bench --reporter html=FILE` write (run and audit against the embedded
 * sandbox), and pages rendered from hostile results. Each page must fetch nothing, log no error, render its sections, run its own script under
 * its Content-Security-Policy, and never run or show what a hostile server sent as markup.
 * Skips, saying why, where Chromium is not installed (apt-get install -y chromium).
 */
import t, { type Test } from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startSandbox } from '../../../src/sandbox/index.js';
import { renderAuditHtml } from '../../../src/report/html/audit.js';
import { renderRunHtml } from '../../../src/report/html/run.js';
import { runCli } from '../../helpers/cli.js';
import { hostile, sampleRun } from '../fixtures/results.js';
import { INJECTION, injectionScenario, sampleAudit } from './fixtures.js';

const CHROMIUM = process.env.MAILPROBE_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** PNG signature (RFC 2083 §12.11); the IHDR width is at byte 16. */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const WIDTH = 1000;

const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;

/** Opens `file`; `assertClean` then checks that it made no request off the file and logged no error. */
async function open(browser: Browser, file: string): Promise<{ tab: Page; assertClean: (t: Test) => void }> {
  const tab = await browser.newPage({ viewport: { width: WIDTH, height: 1200 } });
  const requests: string[] = [];
  const errors: string[] = [];
  tab.on('request', (r) => requests.push(r.url()));
  tab.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  tab.on('pageerror', (e) => errors.push(e.message));
  await tab.goto(pathToFileURL(file).href, { timeout: 15_000 });
  const assertClean = (t: Test): void => {
    t.same(requests.filter((url) => !url.startsWith('file:')), [], 'the page fetches nothing');
    t.same(errors, [], 'no console or page error');
  };
  return { tab, assertClean };
}

async function screenshot(t: Test, tab: Page, file: string): Promise<void> {
  await tab.screenshot({ path: file, fullPage: true });
  const png = readFileSync(file);
  t.same(png.subarray(0, 8), PNG_SIGNATURE, 'a PNG screenshot');
  t.equal(png.readUInt32BE(16), WIDTH, 'as wide as the viewport');
  t.ok(png.length > 10_000, `${png.length} bytes: more than a blank page`);
}

t.test('HTML reports in headless Chromium', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-html-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 30_000 });
  t.teardown(() => browser.close());

  await t.test('mailprobe run --reporter html against the sandbox: failures first, tag filter', async (t) => {
    const sandbox = await startSandbox();
    t.teardown(() => sandbox.close());
    const page = join(dir, 'run.html');
    const res = await runCli(['run', 'test/fixtures/runs/basic', '--target', sandbox.targets.smtp, '--repeat', '2', '--reporter', `html=${page}`]);
    t.equal(res.code, 1, `exit 1: a scenario failed (${res.stderr})`);
    const { tab, assertClean } = await open(browser, page);
    t.equal(await tab.title(), 'mailprobe run report');
    t.match(await tab.textContent('#summary .counts'), /6 scenarios\s*4 passed\s*2 failed/);
    const failures = tab.locator('#not-passed article');
    t.equal(await failures.count(), 2, 'the failing scenario, twice (--repeat 2)');
    t.match(await failures.first().textContent(), /step 3 send: DATA at test\/fixtures\/runs\/basic\/wrong-expectation\.yaml:8:5/);
    t.match(await failures.first().textContent(), /MP_ASSERT_STATUS[\s\S]*expected\s*354[\s\S]*got\s*503/);
    t.ok(await tab.locator('#tag-filter').isVisible(), 'the script ran under the page’s CSP and showed the tag filter');
    t.equal(await tab.locator('details.scenario:visible').count(), 6, 'every scenario result listed');
    await tab.locator('#tag-filter label', { hasText: 'fails' }).locator('input').check();
    t.equal(await tab.locator('details.scenario:visible').count(), 2, 'tag "fails" shows only its scenarios');
    t.equal(await tab.locator('#not-passed article:visible').count(), 2);
    await tab.locator('#tag-filter label', { hasText: 'basic' }).locator('input').check();
    t.equal(await tab.locator('details.scenario:visible').count(), 6, 'any of the tags checked');
    assertClean(t);
    await screenshot(t, tab, join(dir, 'run.png'));
  });

  await t.test('hostile server text in a run report neither runs nor renders as markup', async (t) => {
    const page = join(dir, 'hostile.html');
    writeFileSync(page, renderRunHtml(sampleRun([hostile, injectionScenario])));
    const { tab, assertClean } = await open(browser, page);
    t.equal(await tab.evaluate('window.injected'), undefined, 'no injected script ran');
    t.equal(await tab.locator('img').count(), 0, 'no injected element');
    t.ok(await tab.locator('h1').isVisible(), 'no injected stylesheet hid the page');
    t.match(await tab.locator('#not-passed pre.transcript').last().textContent(), INJECTION, 'shown as text');
    assertClean(t);
  });

  await t.test('the audit page: grades, failures first, evidence as text', async (t) => {
    const page = join(dir, 'audit.html');
    writeFileSync(page, renderAuditHtml(sampleAudit));
    const { tab, assertClean } = await open(browser, page);
    t.equal(await tab.title(), 'mailprobe audit report');
    t.equal(await tab.locator('#audit-grades .badge.fail').count(), 1, 'one F');
    t.match(await tab.locator('#audit-worst article').first().textContent(), /^FAIL relay\.external/);
    t.equal(await tab.evaluate('window.injected'), undefined, 'no injected script ran');
    t.ok(await tab.locator('#audit-worst pre').first().isVisible(), 'evidence shown');
    assertClean(t);
    await screenshot(t, tab, join(dir, 'audit.png'));
  });

  await t.test('mailprobe audit --reporter html against the sandbox', async (t) => {
    const sandbox = await startSandbox();
    t.teardown(() => sandbox.close());
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, sandbox.ca);
    const page = join(dir, 'sandbox-audit.html');
    const res = await runCli(['audit', sandbox.targets.smtp, '--checks', 'smtp.*', 'tls.*', 'relay.*', '--ca', ca, '--reporter', `html=${page}`], { timeoutMs: 120_000 });
    t.not(res.code, 2, res.stderr);
    const { tab, assertClean } = await open(browser, page);
    t.match(await tab.textContent('#verdict'), /(Passed|Failed): \d+ failed, \d+ warnings, \d+ passed/);
    t.same(await tab.locator('#audit-grades th').allTextContents(), ['', 'smtp', 'tls', 'relay'], 'a grade column per area checked');
    t.equal(await tab.locator('#audit-subjects code', { hasText: /^tls\.starttls$/ }).count(), 1, 'every finding listed');
    assertClean(t);
  });

  await t.test('mailprobe bench --reporter html: the encoding core section with bars', async (t) => {
    const page = join(dir, 'bench.html');
    const args = ['bench', '--size', '1024', '65536', '--only', 'base64-encode', '--time', '1', '--min-samples', '1', '--reporter', `html=${page}`];
    const res = await runCli(args, { timeoutMs: 120_000 });
    t.equal(res.code, 0, res.stderr);
    const { tab, assertClean } = await open(browser, page);
    t.equal(await tab.title(), 'mailprobe bench report');
    t.equal(await tab.locator('#encoding-core table.bench tbody tr').count(), 2, 'a row per size');
    t.ok((await tab.locator('#encoding-core table.goals tbody tr').count()) >= 2, 'the goals of base64 encode, per size');
    const widths = await tab.locator('#encoding-core .speed').evaluateAll((spans) => spans.map((span) => span.getBoundingClientRect().width));
    t.ok(widths.length >= 4 && widths.every((w) => w > 0), `bars drawn (${widths.map((w) => w.toFixed(0)).join(', ')} px)`);
    assertClean(t);
    await screenshot(t, tab, join(dir, 'bench.png'));
  });
});

/**
 * Opens the HTML load report in headless Chromium (Debian's `chromium`, driven by playwright-core) and
 * checks that the charts render. Skips, saying why, where Chromium is not installed
 * (apt-get install -y chromium).
 */
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { startSandbox } from '../../../src/sandbox/index.js';
import { renderLoadHtml } from '../../../src/report/load/html.js';
import { fixture, loadAgainst } from '../../load/helpers.js';

const CHROMIUM = process.env.MAILPROBE_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** PNG signature (RFC 2083 §12.11) and the IHDR width/height offsets. */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

t.test('the HTML report renders its charts in headless Chromium', { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)` }, async (t) => {
  const sandbox = await startSandbox();
  t.teardown(() => sandbox.close());
  const result = await loadAgainst(sandbox, await fixture('deliver.yaml'), { connections: 2, duration: '1500ms', thresholds: ['p99<10s', 'rate>1000000/s'] });
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-html-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const page = join(dir, 'load.html');
  writeFileSync(page, renderLoadHtml(result));

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 30_000 });
  t.teardown(() => browser.close());
  const tab = await browser.newPage({ viewport: { width: 900, height: 1400 } });
  const requests: string[] = [];
  tab.on('request', (r) => requests.push(r.url()));
  await tab.goto(pathToFileURL(page).href, { timeout: 15_000 });
  t.same(requests.filter((url) => !url.startsWith('file:')), [], 'the page fetches nothing');
  t.equal(await tab.title(), 'mailprobe load report');
  t.equal((await tab.textContent('#verdict'))?.trim(), '1 of 2 thresholds broken');
  for (const id of ['chart-latency', 'chart-throughput']) {
    const box = await tab.locator(`#${id}`).first().boundingBox();
    t.ok(box && box.width > 300 && box.height > 80, `${id} is laid out (${box?.width}×${box?.height})`);
  }
  t.ok((await tab.locator('#chart-latency path').count()) >= 1, 'a percentile curve is drawn');
  t.ok((await tab.locator('#chart-throughput rect').count()) >= 1, 'throughput bars are drawn');
  const shot = join(dir, 'load.png');
  await tab.screenshot({ path: shot, fullPage: true });
  const png = readFileSync(shot);
  t.same(png.subarray(0, 8), PNG_SIGNATURE, 'a PNG screenshot');
  t.equal(png.readUInt32BE(16), 900, 'as wide as the viewport');
  t.ok(png.length > 10_000, `${png.length} bytes: more than a blank page`);
});

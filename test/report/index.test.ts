import t from 'tap';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_REPORT_PATHS, parseReporterSpec, renderReport, writeReports } from '../../src/report/index.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderTap } from '../../src/report/tap.js';
import { renderRunHtml } from '../../src/report/html/run.js';
import { MailprobeError } from '../../src/util/errors.js';
import { sampleRun } from './fixtures/results.js';

t.test('parseReporterSpec', async (t) => {
  t.same(parseReporterSpec('console'), { name: 'console' });
  t.same(parseReporterSpec('json'), { name: 'json' });
  t.same(parseReporterSpec('junit=reports/junit.xml'), { name: 'junit', path: 'reports/junit.xml' });
  t.same(parseReporterSpec('tap=out/a=b.tap'), { name: 'tap', path: 'out/a=b.tap' }, 'only the first = splits');
  for (const bad of ['xml', 'junit=', 'console=out.txt', '', 'JSON']) {
    t.throws(() => parseReporterSpec(bad), { name: 'MailprobeError', code: 'MP_ERR_CONFIG' }, `refuses "${bad}"`);
  }
  t.throws(() => parseReporterSpec('xml'), { message: /valid reporters are console, json, junit, tap, html/ }, 'names the valid ones');
});

t.test('renderReport dispatches by name', async (t) => {
  const run = sampleRun();
  t.equal(renderReport('json', run), renderJson(run));
  t.equal(renderReport('junit', run), renderJunit(run));
  t.equal(renderReport('tap', run), renderTap(run));
  t.equal(renderReport('html', run), renderRunHtml(run));
});

t.test('writeReports writes every file reporter, default paths under cwd', async (t) => {
  const cwd = await mkdtemp(join(tmpdir(), 'mailprobe-report-'));
  t.teardown(() => rm(cwd, { recursive: true, force: true }));
  const run = sampleRun();
  const written = await writeReports([{ name: 'console' }, { name: 'json' }, { name: 'junit', path: 'ci/out/junit.xml' }, { name: 'tap' }, { name: 'html' }], run, cwd);
  t.same(written, [join(cwd, DEFAULT_REPORT_PATHS.json), join(cwd, 'ci/out/junit.xml'), join(cwd, DEFAULT_REPORT_PATHS.tap), join(cwd, DEFAULT_REPORT_PATHS.html)]);
  t.equal(await readFile(join(cwd, 'reports/results.json'), 'utf8'), renderJson(run));
  t.equal(await readFile(join(cwd, 'ci/out/junit.xml'), 'utf8'), renderJunit(run));
  t.equal(await readFile(join(cwd, 'reports/results.html'), 'utf8'), renderRunHtml(run));
  t.same((await readdir(join(cwd, 'reports'))).sort(), ['results.html', 'results.json', 'results.tap'], 'no temporary file left');
});

t.test('two reports aimed at one path are refused before writing', async (t) => {
  const cwd = await mkdtemp(join(tmpdir(), 'mailprobe-report-'));
  t.teardown(() => rm(cwd, { recursive: true, force: true }));
  const specs = [{ name: 'json' as const, path: 'same.out' }, { name: 'tap' as const, path: './same.out' }];
  await t.rejects(writeReports(specs, sampleRun(), cwd), MailprobeError);
  t.same(await readdir(cwd), [], 'nothing written');
});

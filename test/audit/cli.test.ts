/**
 * `mailprobe audit` through the built CLI, as a user runs it: --help documents every check id; usage
 * errors exit 2 before anything is sent; a failed check exits 1 and the JUnit report has one case per
 * check; a clean audit exits 0.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { CHECKS } from '../../src/audit/catalogue.js';
import { runCli } from '../helpers/cli.js';
import { childrenNamed, parseXml } from '../report/fixtures/xml-parse.js';
import { startScriptedSmtp } from './helpers/scripted-smtp.js';

t.test('--help documents every check id', async (t) => {
  const result = await runCli(['audit', '--help']);
  t.equal(result.code, 0);
  for (const check of CHECKS) t.ok(result.stdout.includes(check.id), check.id);
  t.match(result.stdout, /Exit codes: 0 no check failed, 1 a check failed, 2 usage error/);
});

t.test('usage errors exit 2 and send nothing', async (t) => {
  const server = await startScriptedSmtp();
  t.teardown(() => server.close());
  const cases: Array<[string[], RegExp]> = [
    [[], /give at least one domain/],
    [[server.url, '--checks', 'tsl.*'], /no check id matches "tsl\.\*"/],
    [[server.url, '--intrusive'], /--intrusive needs --rcpt/],
    [['bad_host!:25'], /not a host name/],
    [[server.url, '--reporter', 'tap'], /audit reporters are/],
  ];
  // In parallel: each CLI start costs seconds on a busy machine.
  const results = await Promise.all(cases.map(([args]) => runCli(['audit', ...args])));
  cases.forEach(([args, message], i) => {
    t.equal(results[i]!.code, 2, args.join(' '));
    t.match(results[i]!.stderr, message, args.join(' '));
  });
  t.same(server.commands, [], 'nothing was sent');
});

t.test('a failed check exits 1; the JUnit report has one testcase per selected check', async (t) => {
  const server = await startScriptedSmtp({ openRelay: true });
  const dir = await mkdtemp(join(tmpdir(), 'mailprobe-audit-cli-'));
  t.teardown(async () => { await server.close(); await rm(dir, { recursive: true, force: true }); });
  const result = await runCli(['audit', server.url, '--checks', 'net', 'relay', '--reporter', 'console', '--reporter', `junit=${join(dir, 'audit.xml')}`]);
  t.equal(result.code, 1, result.stderr);
  t.match(result.stdout, /✘ FAIL relay\.external\s+relay recipient accepted/);
  t.match(result.stdout, /audit failed: 8 failed/);
  const { root, errors } = parseXml(await readFile(join(dir, 'audit.xml'), 'utf8'));
  t.same(errors, []);
  const cases = childrenNamed(root!, 'testsuite').flatMap((suite) => childrenNamed(suite, 'testcase'));
  t.equal(cases.length, 9, 'net.connect and the eight relay probes');
  t.equal(cases.filter((c) => childrenNamed(c, 'failure').length === 1).length, 8);
});

t.test('a clean audit exits 0', async (t) => {
  const server = await startScriptedSmtp();
  t.teardown(() => server.close());
  const result = await runCli(['audit', server.url, '--checks', 'relay', 'smtp.banner', '--rate', '10ms']);
  t.equal(result.code, 0, result.stdout + result.stderr);
  t.match(result.stdout, /audit passed: 0 failed, 0 warnings, 9 passed/);
});

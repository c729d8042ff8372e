import t, { type Test } from 'tap';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { runCli } from '../helpers/cli.js';
import { startSmtpServer } from '../helpers/smtp-server.js';
import { closesAfterGreeting, neverAnswers, startRawServer } from '../helpers/raw-server.js';
import type { RunResult } from '../../src/results/types.js';

const FIXTURES = 'test/fixtures/runs';

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function readJson(path: string): RunResult {
  return JSON.parse(readFileSync(path, 'utf8')) as RunResult;
}

function assertWellFormedXml(t: Test, xml: string): void {
  const parser = new SaxesParser();
  let error: Error | undefined;
  parser.on('error', (e) => (error = e));
  parser.write(xml).close();
  t.equal(error, undefined, 'JUnit report is well-formed XML');
}

t.test('a run against a real SMTP server: passes, a broken expectation, reports written', async (t) => {
  const server = await startSmtpServer();
  t.teardown(() => server.close());
  const dir = tempDir(t);
  const res = await runCli([
    'run', `${FIXTURES}/basic`, '--target', `smtp://127.0.0.1:${server.port}`,
    '--reporter', 'console', '--reporter', `json=${dir}/r.json`, '--reporter', `junit=${dir}/j.xml`, '--reporter', `tap=${dir}/r.tap`,
  ]);
  t.equal(res.code, 1, 'exit 1: a scenario failed');
  t.match(res.stdout, /PASS\s+greeting and EHLO/);
  t.match(res.stdout, /FAIL\s+an expectation the server breaks/);
  t.match(res.stdout, /expected: 354/);
  t.match(res.stdout, /wrong-expectation\.yaml:8:5/, 'the failing step is named by file:line:column');
  const json = readJson(`${dir}/r.json`);
  t.same(json.summary, { total: 3, passed: 2, failed: 1, errors: 0, skipped: 0, interrupted: 0 });
  const failed = json.scenarios.find((s) => s.outcome === 'failed')!;
  t.equal(failed.failure?.code, 'MP_ASSERT_STATUS');
  t.equal(failed.failure?.expected, '354');
  t.match(failed.failure?.actual, /^503 /);
  assertWellFormedXml(t, readFileSync(`${dir}/j.xml`, 'utf8'));
  t.match(readFileSync(`${dir}/r.tap`, 'utf8'), /^TAP version 14\n1\.\.3\n/);
  t.equal(server.messages.length, 1, 'one message delivered');
  const body = server.messages[0]!.data.toString();
  t.match(body, /\r\n\.leading dot\r\n\.\.two dots\r\n$/, 'dot-stuffing undone by the server: the lines arrive as written');
  t.same(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary files left');
});

t.test('a server that drops or stalls fails only its own scenario, with the cause named, within the timeout', async (t) => {
  const good = await startSmtpServer();
  const closer = await startRawServer(closesAfterGreeting);
  const silent = await startRawServer(neverAnswers);
  t.teardown(() => Promise.all([good.close(), closer.close(), silent.close()]));
  const dir = tempDir(t);
  const res = await runCli([
    'run', `${FIXTURES}/faults`, `${FIXTURES}/basic/greeting.yaml`,
    '--target', `smtp://127.0.0.1:${good.port}`, '--target', `closer=${closer.url}`, '--target', `silent=${silent.url}`,
    '--reporter', `json=${dir}/r.json`, '--reporter', `junit=${dir}/j.xml`,
  ]);
  t.equal(res.code, 1);
  const json = readJson(`${dir}/r.json`);
  const byName = Object.fromEntries(json.scenarios.map((s) => [s.name, s]));
  t.equal(byName['greeting and EHLO']?.outcome, 'passed', 'the other scenario still passes');
  const closed = byName['server that closes after accepting']!;
  t.equal(closed.outcome, 'error');
  t.equal(closed.failure?.code, 'MP_ERR_CLOSED');
  t.match(closed.failure?.message, /closed by server.*EHLO/);
  const stalled = byName['server that never answers']!;
  t.equal(stalled.outcome, 'error');
  t.equal(stalled.failure?.code, 'MP_ERR_TIMEOUT');
  t.match(stalled.failure?.message, /no reply within 1s/);
  t.ok(stalled.durationMs < 1000 + 1000, `failed within its timeout + 1s (${Math.round(stalled.durationMs)}ms)`);
  const xml = readFileSync(`${dir}/j.xml`, 'utf8');
  assertWellFormedXml(t, xml);
  t.match(xml, /<error /, 'errors are JUnit <error>, not <failure>');
});

t.test('AUTH leaves no password and no AUTH payload in any report', async (t) => {
  const server = await startSmtpServer();
  t.teardown(() => server.close());
  const dir = tempDir(t);
  const res = await runCli([
    'run', `${FIXTURES}/auth`, '--target', `smtp://127.0.0.1:${server.port}`, '--insecure',
    '--reporter', 'console', '--reporter', `json=${dir}/r.json`, '--reporter', `junit=${dir}/j.xml`, '--reporter', `tap=${dir}/r.tap`,
  ], { env: { MAILPROBE_TEST_PASSWORD: 'alicepw' } });
  const json = readJson(`${dir}/r.json`);
  t.equal(res.code, 0, res.stdout);
  t.equal(json.summary.passed, 4, 'PLAIN, LOGIN, CRAM-MD5 accepted; a wrong XOAUTH2 token refused with 535');
  const secrets = [
    'alicepw',
    'wrongpw-secret',
    Buffer.from('\0alice@example.test\0alicepw').toString('base64'),
    Buffer.from('alicepw').toString('base64'),
  ];
  const reports = [res.stdout, res.stderr, ...['r.json', 'j.xml', 'r.tap'].map((f) => readFileSync(join(dir, f), 'utf8'))];
  for (const secret of secrets) {
    t.notOk(reports.some((r) => r.includes(secret)), `no report holds ${JSON.stringify(secret)}`);
  }
  t.ok(json.scenarios.every((s) => s.transcript.some((e) => e.dir === 'c' && /^AUTH /.test(e.text))), 'the AUTH command itself is in the transcript');
});

t.test('a malformed scenario exits 2 before anything is sent', async (t) => {
  const server = await startRawServer(closesAfterGreeting);
  t.teardown(() => server.close());
  const res = await runCli(['run', `${FIXTURES}/basic`, 'test/fixtures/scenarios/bad/bad-regex.yaml', '--target', server.url]);
  t.equal(res.code, 2);
  t.match(res.stderr, /bad-regex\.yaml:\d+:\d+: /, 'names file:line:column');
  t.notMatch(res.stderr, /\n\s+at /, 'no stack trace');
  t.equal(server.received.length, 0, 'no connection was made');

  const validate = await runCli(['validate', 'test/fixtures/scenarios/bad']);
  t.equal(validate.code, 2);
  const lines = validate.stderr.split('\n').filter((l) => /\.yaml:\d+:\d+: /.test(l));
  t.ok(lines.length >= 20, `one line per problem (${lines.length})`);
});

t.test('two reporters on one file: a usage error before any scenario runs', async (t) => {
  const dir = tempDir(t);
  const res = await runCli(['run', `${FIXTURES}/basic`, '--target', 'smtp://127.0.0.1:1', '--reporter', 'console', '--reporter', `json=${dir}/r.out`, '--reporter', `tap=${dir}/./r.out`]);
  t.equal(res.code, 2);
  t.equal(res.stderr, `mailprobe: reporters "json" and "tap" would both write ${dir}/r.out\n`);
  t.equal(res.stdout, '', 'no scenario line: nothing ran');
  t.same(readdirSync(dir), [], 'nothing written');
});

t.test('usage errors exit 2', async (t) => {
  for (const args of [
    ['run', `${FIXTURES}/basic`, '--target', 'ftp://example.test'],
    ['run', `${FIXTURES}/basic`, '--target', 'smtp://127.0.0.1:1', '--timeout', 'soon'],
    ['run', `${FIXTURES}/basic`, '--target', 'smtp://127.0.0.1:1', '--reporter', 'xml'],
    ['run', `${FIXTURES}/basic`, '--target', 'smtp://127.0.0.1:1', '--grep', 'no scenario has this name'],
    ['run', `${FIXTURES}/basic`, '--no-such-option'],
    ['frobnicate'],
  ]) {
    const res = await runCli(args);
    t.equal(res.code, 2, args.join(' '));
    t.notMatch(res.stderr, /\n\s+at /, 'no stack trace');
  }
});

t.test('--tag, --grep, --repeat and --bail select and repeat scenarios', async (t) => {
  const server = await startSmtpServer();
  t.teardown(() => server.close());
  const dir = tempDir(t);
  const target = `smtp://127.0.0.1:${server.port}`;
  const tagged = await runCli(['run', `${FIXTURES}/basic`, '--target', target, '--tag', 'basic', '--repeat', '2', '--reporter', `json=${dir}/a.json`]);
  t.equal(tagged.code, 0);
  const a = readJson(`${dir}/a.json`);
  t.equal(a.summary.passed, 4, 'two tagged scenarios, twice');
  t.same(new Set(a.scenarios.map((s) => s.repetition)), new Set([1, 2]));
  const grep = await runCli(['run', `${FIXTURES}/basic`, '--target', target, '--grep', '^greeting', '--reporter', `json=${dir}/b.json`]);
  t.equal(grep.code, 0);
  t.same(readJson(`${dir}/b.json`).scenarios.map((s) => s.name), ['greeting and EHLO']);
  const bail = await runCli(['run', `${FIXTURES}/basic/wrong-expectation.yaml`, `${FIXTURES}/basic`, '--target', target, '--concurrency', '1', '--bail', '--reporter', `json=${dir}/c.json`]);
  t.equal(bail.code, 1);
  const c = readJson(`${dir}/c.json`);
  t.equal(c.scenarios[0]?.outcome, 'failed');
  t.ok(c.scenarios.slice(1).every((s) => s.outcome === 'skipped'), 'after the failure nothing else starts');
});

t.test('SIGINT writes the results so far, marks unfinished scenarios interrupted, exits 130', async (t) => {
  let connected: () => void = () => {};
  const inFlight = new Promise<void>((resolve) => (connected = resolve));
  const silent = await startRawServer(() => connected());
  t.teardown(() => silent.close());
  const dir = tempDir(t);
  const res = await runCli(
    ['run', `${FIXTURES}/faults/silent.yaml`, '--target', `silent=${silent.url}`, '--timeout', '30s', '--reporter', `json=${dir}/r.json`, '--reporter', `junit=${dir}/j.xml`],
    { onSpawn: (kill) => void inFlight.then(() => kill('SIGINT')), timeoutMs: 20_000 },
  );
  t.equal(res.code, 130);
  t.ok(res.ms < 15_000, 'stops long before the 30s timeout');
  const json = readJson(`${dir}/r.json`);
  t.equal(json.interrupted, true);
  t.equal(json.scenarios[0]?.outcome, 'interrupted');
  t.equal(json.scenarios[0]?.failure?.code, 'MP_ERR_INTERRUPTED');
  assertWellFormedXml(t, readFileSync(`${dir}/j.xml`, 'utf8'));
});

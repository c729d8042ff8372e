import t, { type Test } from 'tap';
import { loadScenarios } from '../../src/scenario/load.js';
import { runScenarios } from '../../src/runner/run.js';
import { driverFor } from '../../src/protocols/registry.js';
import type { RunResult, ScenarioResult } from '../../src/results/types.js';
import { startSmtpServer } from '../helpers/smtp-server.js';
import { startRawServer } from '../helpers/raw-server.js';

/** Greets one byte every 100 ms and then stays open. */
function slowGreeting(socket: import('node:net').Socket): void {
  const greeting = Buffer.from('220 slow.example ESMTP\r\n');
  let at = 0;
  const timer = setInterval(() => {
    if (at >= greeting.length || socket.destroyed) return clearInterval(timer);
    socket.write(greeting.subarray(at, ++at));
  }, 100);
  socket.on('close', () => clearInterval(timer));
}

async function run(t: Test, files: string[], named: Record<string, string>, defaultUrl?: string): Promise<RunResult> {
  const loaded = await loadScenarios(files.map((f) => `test/fixtures/runs/runner/${f}`));
  t.same(loaded.issues, [], 'fixtures load');
  return runScenarios(loaded.scenarios, {
    concurrency: 4,
    repeat: 1,
    bail: false,
    targets: { ...(defaultUrl ? { defaultUrl } : {}), named, tls: {} },
    signal: new AbortController().signal,
    env: {},
    driverFor,
    version: 'test',
  });
}

const byName = (run: RunResult, name: string): ScenarioResult => run.scenarios.find((s) => s.name.startsWith(name))!;

t.test('scenario deadline, latency budget and expect_close against a slow server', async (t) => {
  const slow = await startRawServer(slowGreeting);
  t.teardown(() => slow.close());
  const result = await run(t, ['deadline.yaml', 'within.yaml', 'stays-open.yaml'], { slow: slow.url });
  const deadline = byName(result, 'a slow server');
  t.equal(deadline.outcome, 'error');
  t.equal(deadline.failure?.code, 'MP_ERR_DEADLINE');
  t.match(deadline.failure?.message, /scenario deadline of 600ms exceeded/);
  t.ok(deadline.durationMs < 600 + 1000, `stopped at the deadline (${Math.round(deadline.durationMs)}ms)`);

  const within = byName(result, 'a reply later');
  t.equal(within.outcome, 'failed');
  t.equal(within.failure?.code, 'MP_ASSERT_WITHIN');
  t.match(within.failure?.message, /over the 50ms budget/);

  const open = byName(result, 'a server that does not close');
  t.equal(open.outcome, 'failed');
  t.equal(open.failure?.code, 'MP_ASSERT_CLOSE');
  t.equal(open.failure?.step, 1);
});

t.test('captures (named groups, first group) feed later steps; a missing capture fails', async (t) => {
  const server = await startSmtpServer({ size: 1000 });
  t.teardown(() => server.close());
  const result = await run(t, ['captures.yaml', 'capture-missing.yaml'], {}, `smtp://127.0.0.1:${server.port}`);
  const captures = byName(result, 'captures feed');
  t.equal(captures.outcome, 'passed', JSON.stringify(captures.failure));
  t.match(captures.transcript.find((e) => e.dir === 'c')?.text, /^EHLO \S+/);
  t.match(captures.transcript.find((e) => e.dir === 'c' && e.text.startsWith('MAIL'))?.text, /SIZE=10000/, 'SIZE captured and reused');

  const missing = byName(result, 'a capture that does not');
  t.equal(missing.outcome, 'failed');
  t.equal(missing.failure?.code, 'MP_ASSERT_CAPTURE');
  t.same(missing.steps.map((s) => s.outcome), ['failed', 'skipped'], 'steps after a failure are skipped');
});

t.test('a scenario whose target is not given is skipped with the reason', async (t) => {
  const result = await run(t, ['needs-target.yaml'], {}, 'smtp://127.0.0.1:9');
  const skipped = result.scenarios[0]!;
  t.equal(skipped.outcome, 'skipped');
  t.match(skipped.failure?.message, /needs target "submission"/);
  t.same(result.summary, { total: 1, passed: 0, failed: 0, errors: 0, skipped: 1, interrupted: 0 });
});

t.test('a long reply is matched whole but kept cut at the result limit', async (t) => {
  const long = await startRawServer((socket) => socket.write(`220 ${'X'.repeat(20_000)} end\r\n`));
  t.teardown(() => long.close());
  const result = await run(t, ['long-reply.yaml'], { long: long.url });
  const scenario = result.scenarios[0]!;
  t.equal(scenario.outcome, 'passed', 'the regex saw the whole reply');
  const text = scenario.steps[0]!.reply!.text;
  t.ok(text.length < 9000, `kept ${text.length} characters`);
  t.match(text, /… \(\d+ more characters\)$/);
});

import t, { type Test } from 'tap';
import type { Socket } from 'node:net';
import { loadScenarios } from '../../src/scenario/load.js';
import { runScenarios } from '../../src/runner/run.js';
import { driverFor } from '../../src/protocols/registry.js';
import type { RunResult, ScenarioResult } from '../../src/results/types.js';
import { closesAfterGreeting, startRawServer } from '../helpers/raw-server.js';

/** An SMTP server whose VRFY answers 550 the first `refusals` times on a connection, then 250. */
function vrfyAfter(refusals: number) {
  return (socket: Socket): void => {
    let vrfys = 0;
    let pending = '';
    socket.write('220 counting.example ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n'); end >= 0; end = pending.indexOf('\r\n')) {
        const verb = pending.slice(0, end).split(' ')[0]!.toUpperCase();
        pending = pending.slice(end + 2);
        if (verb === 'VRFY') socket.write(++vrfys > refusals ? '250 carol@example.test\r\n' : '550 5.1.1 not yet\r\n');
        else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  };
}

async function run(t: Test, files: string[], repeat = 1): Promise<RunResult> {
  const counting = await startRawServer(vrfyAfter(2));
  const never = await startRawServer(vrfyAfter(Infinity));
  const closer = await startRawServer(closesAfterGreeting);
  t.teardown(() => Promise.all([counting.close(), never.close(), closer.close()]));
  const loaded = await loadScenarios(files.map((f) => `test/fixtures/runs/modifiers/${f}`));
  t.same(loaded.issues, [], 'fixtures load');
  return runScenarios(loaded.scenarios, {
    concurrency: 4,
    repeat,
    bail: false,
    targets: { named: { counting: counting.url, never: never.url, closer: closer.url }, tls: {} },
    signal: new AbortController().signal,
    env: {},
    driverFor,
    version: 'test',
  });
}

const named = (run: RunResult, prefix: string): ScenarioResult[] => run.scenarios.filter((s) => s.name.startsWith(prefix));
const sent = (s: ScenarioResult, verb: string): number => s.transcript.filter((e) => e.dir === 'c' && e.text.startsWith(verb)).length;

t.test('retry sends the command again until the expectation and the capture hold', async (t) => {
  const [s] = named(await run(t, ['retry-until.yaml']), 'retry sends');
  t.equal(s?.outcome, 'passed', JSON.stringify(s?.failure));
  t.equal(s?.steps[1]?.attempts, 3, 'two refusals, then 250');
  t.equal(sent(s!, 'VRFY'), 3);
  t.equal(s?.steps[0]?.attempts, undefined, 'only retry steps count attempts');
  t.equal(s?.steps[2]?.outcome, 'passed', 'the capture of the last attempt was kept');
});

t.test('retry gives up once `for` has elapsed, naming the attempts; the last failure is kept', async (t) => {
  const [s] = named(await run(t, ['retry-gives-up.yaml']), 'retry gives up');
  t.equal(s?.outcome, 'failed');
  t.equal(s?.failure?.code, 'MP_ASSERT_STATUS');
  const attempts = s!.steps[1]!.attempts!;
  t.ok(attempts >= 2, `sent more than once (${attempts})`);
  t.equal(sent(s!, 'VRFY'), attempts, 'attempts counts the commands sent');
  t.match(s?.failure?.message, new RegExp(`^expected 250, got 550 \\(after ${attempts} attempts in \\d+ms\\)$`));
  t.equal(s?.steps[2]?.outcome, 'skipped');
});

t.test('retry does not retry errors: a dropped connection fails at once', async (t) => {
  const [s] = named(await run(t, ['retry-error.yaml']), 'retry does not');
  t.equal(s?.outcome, 'error');
  t.equal(s?.failure?.code, 'MP_ERR_CLOSED');
  t.equal(sent(s!, 'VRFY'), 1);
});

t.test('when: the step runs only when the value matches; otherwise it is skipped with the reason', async (t) => {
  const [s] = named(await run(t, ['when.yaml']), 'when runs');
  t.equal(s?.outcome, 'passed', 'a step skipped by `when` is not a failure');
  t.same(s?.steps.map((step) => step.outcome), ['passed', 'passed', 'passed', 'skipped', 'passed']);
  t.notOk(s?.steps[2]?.reason);
  t.equal(s?.steps[3]?.reason, 'when: "550" matches /^5/');
  t.equal(sent(s!, 'NOOP'), 1);
  t.equal(sent(s!, 'RSET'), 0, 'a skipped step sends nothing');
});

t.test('exclusive: runs that share a key never overlap, across scenarios and repetitions; others run beside them', async (t) => {
  const result = await run(t, ['exclusive-a.yaml', 'exclusive-b.yaml', 'exclusive-free.yaml'], 2);
  t.equal(result.summary.passed, 6);
  const interval = (s: ScenarioResult): [number, number] => {
    const start = Date.parse(s.startedAt);
    return [start, start + s.durationMs];
  };
  // startedAt has millisecond precision: 1 ms of slack, against 150 ms of overlap if the key were ignored.
  const overlap = (a: ScenarioResult, b: ScenarioResult): boolean => {
    const [aStart, aEnd] = interval(a);
    const [bStart, bEnd] = interval(b);
    return aStart < bEnd - 1 && bStart < aEnd - 1;
  };
  const keyed = named(result, 'exclusive');
  t.equal(keyed.length, 4);
  for (const [i, a] of keyed.entries()) {
    for (const b of keyed.slice(i + 1)) t.notOk(overlap(a, b), `${a.name} #${a.repetition} and ${b.name} #${b.repetition} do not overlap`);
  }
  const free = named(result, 'a scenario without a key');
  t.ok(free.some((f) => keyed.some((k) => overlap(f, k))), 'a scenario without the key ran while a keyed one did');
});

import t from 'tap';
import { startSandbox } from '../../src/sandbox/index.js';
import { arrivalTimeS } from '../../src/load/engine.js';
import { fixture, loadAgainst } from './helpers.js';

const SUBJECT = /Subject: vu (\d+) iteration (\d+) seq (\d+)/;

t.test('closed loop: every iteration runs once, numbered by virtual user, iteration and seq', async (t) => {
  const sandbox = await startSandbox();
  t.teardown(() => sandbox.close());
  const result = await loadAgainst(sandbox, await fixture('deliver.yaml'), { connections: 3, iterations: 20 });
  t.equal(result.totals.runs, 20);
  t.equal(result.totals.passed, 20);
  t.equal(result.totals.messages, 20);
  t.equal(result.latency.count, 20);
  t.equal(result.connect.count, 20, 'one connect per run');
  t.ok(result.totals.bytesSent > 20 * 100 && result.totals.bytesReceived > 0, 'bytes counted both ways');
  t.same(
    result.scenarios[0]!.steps.map((s) => [s.name, s.latency.count]),
    ['greeting', 'EHLO', 'MAIL FROM', 'RCPT TO', 'DATA', 'QUIT'].map((name) => [name, 20]),
  );
  const subjects = sandbox.store.mailbox('bob', 'INBOX')!.messages.map((m) => SUBJECT.exec(m.bytes.toString())!.slice(1).map(Number));
  t.equal(subjects.length, 20, 'the sandbox received every message');
  t.same([...new Set(subjects.map(([vu]) => vu))].sort(), [1, 2, 3], 'three virtual users');
  t.equal(new Set(subjects.map(([vu, iteration]) => `${vu}/${iteration}`)).size, 20, 'each (vu, iteration) once');
  t.same(subjects.map(([, , seq]) => seq).sort((a, b) => a! - b!), Array.from({ length: 20 }, (_, i) => i + 1), 'seq 1..20');
});

t.test('failed runs are counted by cause and by reply code, and break thresholds', async (t) => {
  const sandbox = await startSandbox();
  t.teardown(() => sandbox.close());
  const result = await loadAgainst(sandbox, await fixture('relay-denied.yaml'), {
    connections: 2,
    iterations: 5,
    thresholds: ['errors<1%', 'errors<=5', 'step:RCPT TO p99<10s', 'step:NOPE p99<1s'],
  });
  t.equal(result.totals.failed, 5);
  t.equal(result.totals.passed, 0);
  t.same(result.errors.byCause, { MP_ASSERT_STATUS: 5 });
  t.same(result.errors.byReplyCode, { '554': 5 });
  t.equal(result.errors.samples[0]?.step, 'RCPT TO');
  t.equal(result.errors.samples[0]?.count, 5);
  t.equal(result.scenarios[0]!.steps.find((s) => s.name === 'RCPT TO')!.failures, 5);
  t.same(result.thresholds.map((th) => th.ok), [false, true, true, false]);
  t.match(result.thresholds[0]!.message, /100% of 5 scenario runs failed \(limit < 1%\) — broken/);
  t.match(result.thresholds[3]!.message, /no step named "NOPE" \(steps: greeting, EHLO, MAIL FROM, RCPT TO, QUIT\)/);
});

t.test('warm-up runs are not measured; the per-second series covers the measured window', async (t) => {
  const sandbox = await startSandbox();
  t.teardown(() => sandbox.close());
  const ticks: boolean[] = [];
  const result = await loadAgainst(sandbox, await fixture('deliver.yaml'), { connections: 2, warmup: '300ms', duration: '1200ms' }, { tick: (p) => ticks.push(p.warmingUp) });
  t.ok(result.totals.warmupRuns > 0, `${result.totals.warmupRuns} warm-up runs`);
  t.ok(result.totals.runs > 0);
  t.equal(result.latency.count, result.totals.runs, 'only measured runs are in the histogram');
  t.equal(result.series.reduce((n, s) => n + s.runs, 0), result.totals.runs, 'the series adds up to the totals');
  t.ok(result.series.length >= 1 && result.series.length <= 2, `${result.series.length} seconds`);
  t.ok(ticks.length >= 1, 'progress ticks while running');
  t.equal(sandbox.store.mailbox('bob', 'INBOX')!.messages.length, result.totals.runs + result.totals.warmupRuns);
});

t.test('open loop: arrivals beyond the in-flight cap are dropped and counted, not queued', async (t) => {
  const sandbox = await startSandbox();
  t.teardown(() => sandbox.close());
  const result = await loadAgainst(sandbox, await fixture('slow.yaml'), { rate: '100/s', maxInFlight: 1, iterations: 20 });
  t.equal(result.settings.mode, 'open');
  t.equal(result.totals.runs + result.totals.dropped, 20, 'every arrival either ran or was dropped');
  t.ok(result.totals.dropped >= 10, `${result.totals.dropped} dropped while one 150ms run was in flight`);
  t.equal(result.totals.passed, result.totals.runs);
});

t.test('open loop without a cap runs every arrival, its latency measured from the arrival time', async (t) => {
  const sandbox = await startSandbox();
  t.teardown(() => sandbox.close());
  const result = await loadAgainst(sandbox, await fixture('slow.yaml'), { rate: '50/s', iterations: 10 });
  t.equal(result.totals.runs, 10);
  t.equal(result.totals.dropped, 0);
  t.ok(result.latency.minMs >= 150, 'the sleep is inside every run');
});

t.test('arrivals ramp up linearly: rate·T/2 arrivals during a ramp of T seconds, then the full rate', async (t) => {
  t.equal(arrivalTimeS(0, 100, 0), 0);
  t.equal(arrivalTimeS(50, 100, 0), 0.5);
  t.equal(arrivalTimeS(50, 100, 1), 1, 'the 50th arrival comes at the end of a 1s ramp to 100/s');
  t.ok(Math.abs(arrivalTimeS(12.5, 100, 1) - 0.5) < 1e-9, 'a quarter of those by half-time');
  t.ok(Math.abs(arrivalTimeS(150, 100, 1) - 2) < 1e-9, 'then 100/s');
});

t.test('an interrupt stops the load at once and marks the result', async (t) => {
  const sandbox = await startSandbox();
  t.teardown(() => sandbox.close());
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('stop')), 300);
  const started = Date.now();
  const result = await loadAgainst(sandbox, await fixture('slow.yaml'), { connections: 2, duration: '20s' }, undefined, controller.signal);
  t.ok(Date.now() - started < 5000, 'stopped long before the duration');
  t.equal(result.interrupted, true);
});

t.test('a malformed threshold stops the run before anything is sent', async (t) => {
  const sandbox = await startSandbox();
  t.teardown(() => sandbox.close());
  await t.rejects(loadAgainst(sandbox, await fixture('deliver.yaml'), { iterations: 1, thresholds: ['p99 fast'] }), { code: 'MP_ERR_CONFIG' });
  t.equal(sandbox.store.mailbox('bob', 'INBOX')?.messages.length ?? 0, 0);
});

import t from 'tap';
import { loadScenarios } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/types.js';
import { driverFor } from '../../src/protocols/registry.js';
import { isHttpLoad, runHttpLoad } from '../../src/load/http-load.js';
import { mergeLoadResults } from '../../src/load/merge.js';
import { resolveSettings, type LoadSettingsInput } from '../../src/load/settings.js';
import type { LoadResult } from '../../src/load/types.js';
import type { TlsPolicy } from '../../src/runner/targets.js';
import { TOKEN, startJmapServer, type JmapServer } from '../protocols/http/jmap-server.js';

const env = { JMAP_TOKEN: TOKEN };

async function scenarios(...names: string[]): Promise<Scenario[]> {
  const loaded = await loadScenarios(names.map((n) => `test/fixtures/runs/http/${n}`), { env });
  if (loaded.issues.length > 0) throw new Error(JSON.stringify(loaded.issues));
  return loaded.scenarios;
}

function load(server: JmapServer, list: Scenario[], input: LoadSettingsInput, tls: TlsPolicy = {}): Promise<LoadResult> {
  return runHttpLoad(list, {
    settings: resolveSettings(input),
    targets: { named: { jmap: server.url }, tls },
    signal: new AbortController().signal,
    env,
    driverFor,
    version: 'test',
  });
}

t.test('a JMAP session under load: every run checked like `mailprobe run`, figures per request step', async (t) => {
  const server = await startJmapServer();
  t.teardown(() => server.close());
  const result = await load(server, await scenarios('jmap-session.yaml'), { connections: 4, iterations: 60, thresholds: ['p99<10s', 'errors<1%', 'step:POST ${api} p95<10s'] });
  t.equal(result.totals.runs, 60);
  t.equal(result.totals.passed, 60, JSON.stringify(result.errors));
  t.equal(result.latency.count, 60);
  t.same(
    result.scenarios[0]!.steps.map((s) => [s.name, s.latency.count, s.failures]),
    [['GET /.well-known/jmap', 60, 0], ['POST ${api}', 60, 0], ['GET /status/204', 60, 0]],
  );
  t.ok(result.latency.p99Ms > 0 && result.latency.histogram.length > 0, 'an HDR histogram, as for the mail protocols');
  t.ok(result.totals.bytesSent > 60 * 3 * 50 && result.totals.bytesReceived > 60 * 3 * 100, 'bytes counted both ways');
  t.equal(result.series.reduce((n, s) => n + s.runs, 0), 60, 'the per-second series adds up');
  t.same(result.thresholds.map((th) => th.ok), [true, true, true]);
  t.ok(server.requests.get('/jmap/api')! >= 60, 'the captured apiUrl was called');
  const merged = mergeLoadResults([result, result], []);
  t.equal(merged.latency.count, 120, 'results merge through their histograms');
});

t.test('${vu}, ${iteration}, ${seq} and captures are per virtual user and per run', async (t) => {
  const server = await startJmapServer();
  t.teardown(() => server.close());
  const result = await load(server, await scenarios('numbered.yaml'), { connections: 3, iterations: 30 });
  t.equal(result.totals.passed, 30, JSON.stringify(result.errors));
  const firsts = server.echoed.filter((url) => url.includes('iteration=')).map((url) => Object.fromEntries(new URL(url, 'http://x').searchParams));
  t.same([...new Set(firsts.map((q) => q.vu))].sort(), ['1', '2', '3'], 'three virtual users');
  t.equal(new Set(firsts.map((q) => `${q.vu}/${q.iteration}`)).size, firsts.length, 'each (vu, iteration) once');
  t.equal(new Set(firsts.map((q) => q.seq)).size, firsts.length, 'each run its own seq');
});

t.test('failed runs count by cause and by status code, end the run at the failing step, and break thresholds', async (t) => {
  const server = await startJmapServer();
  t.teardown(() => server.close());
  const result = await load(server, await scenarios('unavailable.yaml'), { connections: 2, iterations: 10, thresholds: ['errors<1%', 'errors<=10'] });
  t.equal(result.totals.failed, 10);
  t.same(result.errors.byCause, { MP_ASSERT_STATUS: 10 });
  t.same(result.errors.byReplyCode, { '503': 10 });
  t.same(result.errors.samples.map((s) => [s.step, s.message, s.count]), [['GET /status/503', 'expected 200, got 503', 10]]);
  t.same(result.thresholds.map((th) => th.ok), [false, true]);
  t.notMatch(JSON.stringify(result), TOKEN, 'no credential in the result');
});

t.test('https: verified with the CA given; an unverified target gets no request at all', async (t) => {
  const server = await startJmapServer({ tls: true });
  t.teardown(() => server.close());
  const list = await scenarios('jmap-session.yaml');
  const result = await load(server, list, { connections: 2, iterations: 10 }, { ca: server.ca! });
  t.equal(result.totals.passed, 10, JSON.stringify(result.errors));
  await t.rejects(load(server, list, { connections: 2, iterations: 10 }), { code: 'MP_ERR_TLS' });
  t.equal(server.requests.size, 3, 'only the verified load sent requests');
});

t.test('a refused connection fails each run with MP_ERR_CONNECT', async (t) => {
  const server = await startJmapServer();
  await server.close();
  const result = await load(server, await scenarios('jmap-session.yaml'), { connections: 1, iterations: 5 });
  t.equal(result.totals.errors, 5);
  t.same(Object.keys(result.errors.byCause), ['MP_ERR_CONNECT']);
});

t.test('a request timing out fails its run with MP_ERR_TIMEOUT on that step (whole seconds: 300ms is 1s)', async (t) => {
  const server = await startJmapServer();
  t.teardown(() => server.close());
  const result = await load(server, await scenarios('slow-second.yaml'), { connections: 1, iterations: 2 });
  t.equal(result.totals.errors, 2);
  t.same(result.errors.samples.map((s) => [s.code, s.step, s.message, s.count]), [['MP_ERR_TIMEOUT', 'GET /slow', 'no response within 1s', 2]]);
  t.same(result.scenarios[0]!.steps.map((s) => [s.name, s.latency.count, s.failures]), [['GET /echo', 2, 0], ['GET /slow', 0, 2]]);
});

t.test('what an HTTP load refuses, before sending anything', async (t) => {
  const server = await startJmapServer();
  t.teardown(() => server.close());
  await t.rejects(load(server, await scenarios('with-sleep.yaml'), { iterations: 1 }), { code: 'MP_ERR_CONFIG', message: /request steps only/ });
  await t.rejects(load(server, await scenarios('numbered.yaml'), { iterations: 1, rampUp: '1s' }), { message: /no ramp-up/ });
  const mail = (await loadScenarios(['test/load/fixtures/deliver.yaml'], { env: {} })).scenarios;
  const http = await scenarios('numbered.yaml');
  t.throws(() => isHttpLoad([...http, ...mail]), { message: /a load of their own/ });
  t.equal(isHttpLoad(mail), false);
  t.equal(server.requests.size, 0);
});

import t, { type Test } from 'tap';
import { loadScenarios } from '../../../src/scenario/load.js';
import { runScenarios } from '../../../src/runner/run.js';
import { driverFor } from '../../../src/protocols/registry.js';
import type { RunResult, ScenarioResult } from '../../../src/results/types.js';
import type { TlsPolicy } from '../../../src/runner/targets.js';
import { TOKEN, startJmapServer, type JmapServer } from './jmap-server.js';

const env = { JMAP_TOKEN: TOKEN };

async function run(t: Test, files: string[], server: JmapServer, tls: TlsPolicy = {}): Promise<RunResult> {
  const loaded = await loadScenarios(files.map((f) => `test/fixtures/runs/http/${f}`), { env });
  t.same(loaded.issues, [], 'fixtures load');
  return runScenarios(loaded.scenarios, {
    concurrency: 2,
    repeat: 1,
    bail: false,
    targets: { named: { jmap: server.url }, tls },
    signal: new AbortController().signal,
    env,
    driverFor,
    version: 'test',
  });
}

const only = (run: RunResult): ScenarioResult => run.scenarios[0]!;
const transcriptText = (result: ScenarioResult): string => result.transcript.map((e) => `${e.dir}: ${e.text}`).join('\n');

t.test('a JMAP session: session resource, captures from body and header, a method call over one connection', async (t) => {
  const server = await startJmapServer();
  t.teardown(() => server.close());
  const result = only(await run(t, ['jmap-session.yaml'], server));
  t.equal(result.outcome, 'passed', JSON.stringify(result.failure));
  t.same(result.steps.map((s) => s.reply?.status), ['200', '200', '204']);
  t.same(result.steps.map((s) => s.label), ['request: GET /.well-known/jmap', 'request: POST ${api}', 'request: GET /status/204?state=${state}']);
  const text = transcriptText(result);
  t.equal(text.match(/connected to 127\.0\.0\.1/g)?.length, 1, 'the session keeps one connection alive');
  t.match(text, /c: POST \/jmap\/api HTTP\/1\.1\r\n/);
  t.match(text, /"accountId":"A13824"/, 'the captured account id went into the body');
  t.match(text, /c: GET \/status\/204\?state=session-7 /, 'the ETag capture (first group) went into the path');
  t.match(text, /s: HTTP\/1\.1 200 OK\r\n/);
  t.notMatch(text, TOKEN, 'the bearer token is masked');
  t.match(text, /Authorization: \*\*\*/);
});

t.test('a wrong status fails with the response as actual; a server that never answers times out', async (t) => {
  const server = await startJmapServer();
  t.teardown(() => server.close());
  const results = await run(t, ['failures.yaml', 'slow.yaml'], server);
  const refused = results.scenarios.find((s) => s.name.startsWith('no token'))!;
  t.equal(refused.outcome, 'failed');
  t.equal(refused.failure?.code, 'MP_ASSERT_STATUS');
  t.equal(refused.failure?.message, 'expected 2xx, got 401', 'a request with no expect must get a 2xx');
  t.match(refused.failure?.actual, /unauthorized/);
  const slow = results.scenarios.find((s) => s.name.startsWith('a server that never'))!;
  t.equal(slow.outcome, 'error');
  t.equal(slow.failure?.code, 'MP_ERR_TIMEOUT');
  t.match(slow.failure?.message, /no response to GET \/slow within 300ms/);
});

t.test('credentials a server echoes stay out of the report: transcript, failure and reply', async (t) => {
  const server = await startJmapServer();
  t.teardown(() => server.close());
  const result = only(await run(t, ['echo-secret.yaml'], server));
  t.equal(result.outcome, 'failed');
  const report = JSON.stringify(result);
  t.match(result.steps[0]?.reply?.text, /"authorization":"\*\*\*","cookie":"\*\*\*"/, 'the echoed header values are masked');
  for (const secret of [TOKEN, 'c00k1e-v4lue', 'sid=c00k1e']) t.notMatch(report, secret, `${secret} is not in the result`);
});

t.test('https: verified against the CA the test trusts; refused without it; a refused connection is MP_ERR_CONNECT', async (t) => {
  const server = await startJmapServer({ tls: true });
  t.teardown(() => server.close());
  const trusted = only(await run(t, ['jmap-session.yaml'], server, { ca: server.ca! }));
  t.equal(trusted.outcome, 'passed', JSON.stringify(trusted.failure));
  t.match(transcriptText(trusted), /i: TLS established: TLSv1\.3 \S+ \(certificate verified\)/);

  const untrusted = only(await run(t, ['jmap-session.yaml'], server));
  t.equal(untrusted.failure?.code, 'MP_ERR_TLS');
  t.match(untrusted.failure?.message, /certificate verification failed/);

  const insecure = only(await run(t, ['jmap-session.yaml'], server, { insecure: true }));
  t.equal(insecure.outcome, 'passed');

  await server.close();
  const refused = only(await run(t, ['jmap-session.yaml'], server, { ca: server.ca! }));
  t.equal(refused.failure?.code, 'MP_ERR_CONNECT');
});

import t from 'tap';
import { formatIssue, loadScenarios } from '../../../src/scenario/load.js';
import type { RequestStep } from '../../../src/scenario/types.js';

const dir = 'test/fixtures/runs/http';

t.test('a request step is checked before anything is sent, each mistake at its file:line:column', async (t) => {
  const { issues, scenarios } = await loadScenarios([`${dir}/bad/request-mistakes.yaml`, `${dir}/bad/mail-mistakes.yaml`], { env: {} });
  t.equal(scenarios.length, 0);
  t.same(issues.map((i) => formatIssue(i).replace(/^.*\/bad\//, '')), [
    'request-mistakes.yaml:6:15: unknown method `FETCH` (did you mean `PATCH`?): use GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE, PATCH',
    'request-mistakes.yaml:7:13: `path: jmap/api` must start with "/" and hold no spaces or line breaks (encode them: %20)',
    'request-mistakes.yaml:9:9: `Bad Name` is not a header name (letters, digits and !#$%&\'*+.^_`|~-)',
    'request-mistakes.yaml:10:13: `250x` is not an HTTP status: write a code from 100 to 599 (200) or a class ("2xx")',
    'request-mistakes.yaml:11:5: `send` steps are not possible on HTTP sessions',
    'request-mistakes.yaml:15:36: bad regex `/(unclosed/`: Unterminated group',
    'mail-mistakes.yaml:3:9: `https://127.0.0.1:8443` is an HTTP URL but the session speaks SMTP',
    'mail-mistakes.yaml:5:5: `request` steps are not possible on SMTP sessions',
    'mail-mistakes.yaml:9:13: `etag: { header: … }` keeps an HTTP response header; SMTP replies have none',
  ]);
});

t.test('a good request step: method upper-cased, GET by default, a 2xx expected unless the step says', async (t) => {
  const { issues, scenarios } = await loadScenarios([`${dir}/jmap-session.yaml`, `${dir}/failures.yaml`], { env: { JMAP_TOKEN: 'x' } });
  t.same(issues, []);
  const [session, failures] = scenarios.map((s) => s.steps as RequestStep[]);
  t.same(session!.map((s) => [s.method, s.path, s.expect?.status]), [['GET', '/.well-known/jmap', ['200']], ['POST', '${api}', ['2xx']], ['GET', '/status/204?state=${state}', ['204']]]);
  t.same(session![1]!.headers, [['Authorization', 'Bearer ${token}'], ['Content-Type', 'application/json']]);
  t.match(session![1]!.body, /^\{"using"/);
  t.match(session![0]!.expect?.captureHeaders, { state: { header: 'ETag', pattern: { source: '"(.*)"', flags: '' } } });
  t.same(failures![0]!.expect?.status, ['2xx'], 'no expect: a 2xx');
  t.equal(failures![0]!.expect?.withinMs, 5000);
});

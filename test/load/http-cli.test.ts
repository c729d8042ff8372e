import t from 'tap';
import { readFile } from 'node:fs/promises';
import { runCli } from '../helpers/cli.js';
import { TOKEN, startJmapServer } from '../protocols/http/jmap-server.js';

const JMAP = 'test/fixtures/runs/http/jmap-session.yaml';

t.test('mailprobe run and load on an HTTP scenario: same checks, load figures, thresholds, reports, no token', async (t) => {
  const server = await startJmapServer({ tls: true });
  t.teardown(() => server.close());
  const dir = t.testdir({ 'ca.pem': server.ca! });
  const env = { JMAP_TOKEN: TOKEN };
  const target = ['--target', `jmap=${server.url}`, '--ca', `${dir}/ca.pem`];

  const run = await runCli(['run', JMAP, ...target, '-r', 'console', '-r', `json=${dir}/run.json`], { env });
  t.equal(run.code, 0, run.stdout + run.stderr);
  t.match(run.stdout, /PASS {2}JMAP session resource/);
  t.notMatch(await readFile(`${dir}/run.json`, 'utf8'), TOKEN, 'the run report holds no token');

  const load = await runCli(['load', JMAP, ...target, '-c', '2', '-n', '20', '--threshold', 'errors<1%', '--threshold', 'step:GET /.well-known/jmap p99<0.001ms', '-r', 'console', '-r', `json=${dir}/load.json`], { env });
  t.equal(load.code, 1, 'a broken threshold exits 1');
  t.match(load.stdout, /20 runs in .*: 20 passed, 0 failed, 0 errors/);
  t.match(load.stdout, /step POST \$\{api\}/);
  t.match(load.stdout, /✓ errors<1%/);
  t.match(load.stdout, /✗ step:GET \/\.well-known\/jmap p99<0\.001ms/);
  const json = await readFile(`${dir}/load.json`, 'utf8');
  t.notMatch(json, TOKEN, 'the load report holds no token');
  t.equal(JSON.parse(json).scenarios[0].steps.length, 3);

  const refused = await runCli(['load', JMAP, ...target, '--ramp-up', '1s', '-n', '1'], { env });
  t.equal(refused.code, 2);
  t.match(refused.stderr, /no ramp-up/);
});

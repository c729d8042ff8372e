/**
 * Ctrl-C in the middle of POP3 and IMAP sessions (the SMTP case is in test/cli/run.test.ts): the CLI
 * writes the results so far to every report, marks the unfinished scenarios interrupted and exits 130.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import t from 'tap';
import type { RunResult } from '../../src/results/types.js';
import { runCli } from '../helpers/cli.js';
import { startRawServer } from '../helpers/raw-server.js';
import { writeScenario, type MatrixProtocol } from './scenarios.js';

t.test('SIGINT during POP3 and IMAP sessions: partial reports, interrupted scenarios, exit 130', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-sigint-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const protocols: MatrixProtocol[] = ['pop3', 'imap'];
  let connections = 0;
  let allConnected: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (allConnected = resolve));
  // Servers that accept and never answer, so that both sessions are in flight when SIGINT comes.
  const servers = await Promise.all(protocols.map(() => startRawServer(() => ++connections === protocols.length && allConnected())));
  t.teardown(() => Promise.all(servers.map((server) => server.close())));
  const targets = protocols.flatMap((protocol, i) => {
    writeScenario(dir, { name: `silent ${protocol}`, protocol, target: `silent-${protocol}`, starttls: false, user: 'alice' });
    return ['--target', `silent-${protocol}=${protocol}://127.0.0.1:${servers[i]!.port}`];
  });
  let interruptedAt = 0;
  const started = Date.now();
  const res = await runCli(['run', dir, ...targets, '--timeout', '30s', '--reporter', `json=${dir}/r.json`, '--reporter', `junit=${dir}/j.xml`], {
    onSpawn: (kill) =>
      void connected.then(() => {
        interruptedAt = Date.now() - started;
        kill('SIGINT');
      }),
    timeoutMs: 60_000,
  });
  t.equal(res.code, 130, res.stderr);
  t.ok(res.ms - interruptedAt < 5000, `exits within 5 s of SIGINT, long before the 30s timeout (${res.ms - interruptedAt} ms)`);
  const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunResult;
  t.equal(json.interrupted, true);
  t.same(json.scenarios.map((s) => s.name).sort(), ['silent imap', 'silent pop3']);
  for (const scenario of json.scenarios) {
    t.equal(scenario.outcome, 'interrupted', scenario.name);
    t.equal(scenario.failure?.code, 'MP_ERR_INTERRUPTED');
  }
  const parser = new SaxesParser();
  let error: Error | undefined;
  parser.on('error', (e) => (error = e));
  parser.write(readFileSync(join(dir, 'j.xml'), 'utf8')).close();
  t.equal(error, undefined, 'JUnit well-formed');
});

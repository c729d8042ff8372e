import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT, runCli } from '../helpers/cli.js';
import type { RunResult } from '../../src/results/types.js';

t.test('with no target, the built-in SMTP suite runs against the embedded sandbox and passes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-sandbox-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const res = await runCli(['run', 'scenarios/smtp', '--reporter', 'console', '--reporter', `json=${dir}/r.json`]);
  t.equal(res.code, 0, res.stdout);
  t.match(res.stdout, /running against the embedded sandbox \(smtp=smtp:\/\/127\.0\.0\.1:\d+ submission=smtp:\/\/127\.0\.0\.1:\d+ smtps=smtps:\/\/127\.0\.0\.1:\d+ /);
  const json = JSON.parse(readFileSync(`${dir}/r.json`, 'utf8')) as RunResult;
  t.ok(json.summary.total >= 15, `${json.summary.total} scenarios`);
  t.equal(json.summary.passed, json.summary.total, 'every scenario passed');
  const tls = json.scenarios.flatMap((s) => s.transcript).filter((e) => e.text.startsWith('TLS established'));
  t.ok(tls.length > 0, 'TLS was used');
  t.ok(tls.every((e) => !e.text.includes('not verified')), "the sandbox's certificate is verified, not skipped");
});

t.test('mailprobe serve runs the sandbox until SIGINT; scenarios run against it with --ca', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-serve-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const server = spawn(process.execPath, [CLI, 'serve', '--smtp-port', '0', '--submission-port', '0', '--smtps-port', '0', '--ca-out', `${dir}/ca.pem`], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => server.on('close', (code) => resolve(code)));
  t.teardown(() => server.kill('SIGKILL'));
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 20_000);
    server.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ctrl-C')) {
        clearTimeout(guard);
        resolve();
      }
    });
  });
  const urls = Object.fromEntries([...out.matchAll(/^(smtp|submission|smtps)\s+(\S+)$/gm)].map((m) => [m[1], m[2]]));
  t.same(Object.keys(urls).sort(), ['smtp', 'smtps', 'submission']);
  const res = await runCli([
    'run', 'scenarios/smtp', '--tag', 'auth',
    '--target', `smtp=${urls.smtp}`, '--target', `submission=${urls.submission}`, '--target', `smtps=${urls.smtps}`, '--ca', `${dir}/ca.pem`,
  ]);
  t.equal(res.code, 0, res.stdout);
  server.kill('SIGINT');
  t.equal(await exited, 0, 'serve exits 0 on SIGINT');
});

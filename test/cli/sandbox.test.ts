import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

t.test('run --maildir DIR: the sandbox keeps what the run delivered in DIR as Maildir++ files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-run-maildir-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const res = await runCli(['run', 'test/fixtures/runs/basic/transaction.yaml', '--maildir', `${dir}/mail`]);
  t.equal(res.code, 0, res.stdout + res.stderr);
  const delivered = readdirSync(join(dir, 'mail', 'bob', 'new'));
  t.equal(delivered.length, 1, "one message in bob's new/");
  const message = readFileSync(join(dir, 'mail', 'bob', 'new', delivered[0]!), 'latin1');
  t.match(message, /\r\nSubject: run [0-9a-f-]{36}\r\n/);
  t.match(message, /\r\n\r\n\.leading dot\r\n\.\.two dots\r\n$/, 'the body as sent, dot-stuffing undone');
  t.equal(readFileSync(join(dir, 'mail', 'bob', 'mailprobe-uidlist'), 'utf8').split('\n')[1], `1 ${delivered[0]!}`, 'UID 1');
  t.same(readdirSync(join(dir, 'mail', 'alice', 'new')), [], 'nothing for the sender');
});

t.test('run --maildir: a DIR that cannot be one, or targets besides, are usage errors before anything runs', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-run-maildir-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a-file'), '');
  for (const bad of [join(dir, 'a-file'), join(dir, 'a-file', 'below')]) {
    const res = await runCli(['run', 'test/fixtures/runs/basic/transaction.yaml', '--maildir', bad]);
    t.equal(res.code, 2, bad);
    t.match(res.stderr, `mailprobe: --maildir: cannot keep mail in ${bad}: `);
    t.equal(res.stdout, '', 'no scenario ran');
  }
  const targeted = await runCli(['run', 'test/fixtures/runs/basic/transaction.yaml', '--target', 'smtp://127.0.0.1:1', '--maildir', dir]);
  t.equal(targeted.code, 2);
  t.match(targeted.stderr, /--maildir keeps the embedded sandbox's mail: it has no use once targets are given/);
});

import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import type { RunResult, ScenarioResult } from '../../src/results/types.js';

/** [start, end] in epoch milliseconds, from the result's own records. */
function interval(s: ScenarioResult): [number, number] {
  const start = Date.parse(s.startedAt);
  return [start, start + s.durationMs];
}

t.test('the POP3 and delivery suites pass against the sandbox at --concurrency 8 --repeat 3', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-modifiers-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const res = await runCli(
    ['run', 'scenarios/pop3', 'scenarios/delivery', '--concurrency', '8', '--repeat', '3', '--reporter', `json=${dir}/r.json`],
    { timeoutMs: 240_000 },
  );
  t.equal(res.code, 0, res.stdout + res.stderr);
  const run = JSON.parse(readFileSync(`${dir}/r.json`, 'utf8')) as RunResult;
  t.equal(run.summary.passed, run.summary.total, 'every run passed');

  // Runs holding the same maildrop key never overlap (startedAt has millisecond precision: 1 ms of slack).
  const byMaildrop = new Map<string, ScenarioResult[]>();
  for (const s of run.scenarios) {
    const logins = s.transcript.filter((e) => /^(USER|AUTH PLAIN)/.test(e.text) && e.dir === 'c').length;
    if (logins === 0 || s.file.endsWith('user-pass-bad.yaml')) continue;
    const user = s.file.endsWith('dele-quit.yaml') ? 'erin' : s.file.endsWith('second-session.yaml') ? 'bob' : s.file.includes('delivery') ? 'carol' : 'dave';
    byMaildrop.set(user, [...(byMaildrop.get(user) ?? []), s]);
  }
  t.same([...byMaildrop.keys()].sort(), ['bob', 'carol', 'dave', 'erin']);
  for (const [user, runs] of byMaildrop) {
    const sorted = runs.map(interval).sort((a, b) => a[0] - b[0]);
    const overlapping = sorted.filter((span, i) => i > 0 && span[0] < sorted[i - 1]![1] - 1).length;
    t.equal(overlapping, 0, `${runs.length} runs on ${user}'s maildrop, one at a time`);
  }

  // Delivery is waited for by retried searches, never by sleeping.
  const searches = run.scenarios.flatMap((s) => s.steps.filter((step) => step.label.includes('SEARCH HEADER Message-ID')));
  t.ok(searches.length >= 6 * 3 + 2 * 3, `${searches.length} retried searches`);
  t.ok(searches.every((step) => step.outcome === 'passed' && step.attempts! >= 1));
  t.notOk(run.scenarios.some((s) => s.steps.some((step) => step.kind === 'sleep')), 'no sleep step left');

  // The sandbox refuses unknown recipients: the bounce branch is skipped, and says why.
  const unknown = run.scenarios.filter((s) => s.file.endsWith('unknown-recipient.yaml'));
  t.equal(unknown.length, 3);
  for (const s of unknown) {
    t.equal(s.steps[3]?.reply?.status, '550');
    t.same(s.steps.filter((step) => step.outcome === 'skipped').map((step) => step.reason), Array(7).fill('when: "5" does not match /^2$/'));
  }
});

/**
 * The built-in SMTP suite (scenarios/smtp) loads without issues and keeps the shape the real-server run and
 * its users rely on: enough scenarios, RFC tags, `core` scenarios that need no extension, and named targets
 * limited to the ones scripts/test-real.sh provides. And it passes, whole, against the embedded sandbox
 * (run through the built CLI), so that a regression in either shows here before it reaches real servers.
 */
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatIssue, loadScenarios } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/types.js';
import type { RunResult } from '../../src/results/types.js';
import { runCli } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SUITE = 'scenarios/smtp';
/** Named targets that scripts/test-real.sh passes besides the default one. */
const PROVIDED_TARGETS = new Set(['submission', 'smtps']);
/** Commands every scenario set must exercise (MAIL-BASICS: the SMTP command list). */
const COMMANDS = ['HELO', 'EHLO', 'MAIL FROM', 'RCPT TO', 'RSET', 'VRFY', 'EXPN', 'NOOP', 'HELP', 'QUIT', 'STARTTLS', 'AUTH', 'TURN', 'SEND FROM', 'SOML FROM', 'SAML FROM'];

async function loadSuite(t: Test): Promise<Scenario[]> {
  const result = await loadScenarios([SUITE], { cwd: ROOT, env: {} });
  t.same(result.issues.map(formatIssue), [], 'no load issues');
  return result.scenarios;
}

/** Every command line a scenario sends, raw steps split into lines. */
function sentLines(scenario: Scenario): string[] {
  return scenario.steps.flatMap((step) => {
    if (step.kind === 'send') return [step.text];
    if (step.kind === 'raw') return step.text.split(/\r\n|\n/);
    if (step.kind === 'auth') return [`AUTH ${step.mechanism}`];
    if (step.kind === 'starttls') return ['STARTTLS'];
    return [];
  });
}

t.test('the suite loads with at least 15 SMTP scenarios, each tagged with an RFC', async (t) => {
  const scenarios = await loadSuite(t);
  t.ok(scenarios.length >= 15, `${scenarios.length} scenarios`);
  for (const scenario of scenarios) {
    t.equal(scenario.protocol, 'smtp', `${scenario.file} is SMTP`);
    t.ok(scenario.tags.some((tag) => /^rfc\d+$/.test(tag)), `${scenario.file} names its RFC in a tag`);
    t.ok(scenario.tags.includes('smtp'), `${scenario.file} has the suite tag`);
  }
});

t.test('scenarios use only the named targets the real-server run provides', async (t) => {
  for (const scenario of await loadSuite(t)) {
    for (const [name, session] of Object.entries(scenario.sessions)) {
      if (session.target === undefined) continue;
      t.ok(PROVIDED_TARGETS.has(session.target), `${scenario.file} session ${name} uses target ${session.target}`);
    }
  }
});

t.test('every SMTP command of MAIL-BASICS is sent by some scenario', async (t) => {
  const sent = (await loadSuite(t)).flatMap(sentLines).map((line) => line.toUpperCase());
  for (const command of COMMANDS) {
    t.ok(sent.some((line) => line.startsWith(command)), `${command} is exercised`);
  }
});

t.test('core scenarios need no extension and no named target, so a minimal server can pass them', async (t) => {
  const core = (await loadSuite(t)).filter((scenario) => scenario.tags.includes('core'));
  t.ok(core.length >= 5, `${core.length} core scenarios`);
  for (const scenario of core) {
    t.notOk(scenario.tags.includes('extension') || scenario.tags.includes('auth'), `${scenario.file} is core only`);
    t.same(Object.values(scenario.sessions).filter((s) => s.target !== undefined), [], `${scenario.file} uses the default target`);
    const needsTls = scenario.steps.some((step) => step.kind === 'starttls' || step.kind === 'auth');
    t.notOk(needsTls, `${scenario.file} needs neither STARTTLS nor AUTH`);
  }
});

t.test('every scenario ends the session properly: QUIT, 221, then the server closes', async (t) => {
  for (const scenario of await loadSuite(t)) {
    const [quit, close] = scenario.steps.slice(-2);
    t.match(quit, { kind: 'send', text: 'QUIT', expect: { status: ['221'] } }, `${scenario.file} sends QUIT last`);
    t.match(close, { kind: 'expect_close' }, `${scenario.file} expects the close`);
  }
});

t.test('the whole suite passes against the embedded sandbox (no --target)', async (t) => {
  const report = join(t.testdir(), 'sandbox.json');
  const { code, stderr } = await runCli(['run', SUITE, '--reporter', `json=${report}`], { timeoutMs: 120_000 });
  t.equal(code, 0, stderr);
  const result = JSON.parse(readFileSync(report, 'utf8')) as RunResult;
  const notPassed = result.scenarios.filter((s) => s.outcome !== 'passed').map((s) => `${s.file}: ${s.failure?.message ?? s.outcome}`);
  t.same(notPassed, [], 'every scenario passed');
  t.equal(result.summary.total, (await loadSuite(t)).length, 'every scenario ran');
});

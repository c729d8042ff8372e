import t, { type Test } from 'tap';
import { loadScenarios } from '../../src/scenario/load.js';
import { runScenarios } from '../../src/runner/run.js';
import { driverFor } from '../../src/protocols/registry.js';
import { startSandbox, type UnknownRecipientPolicy } from '../../src/sandbox/index.js';
import type { ScenarioResult } from '../../src/results/types.js';

/** The built-in scenarios/delivery/unknown-recipient.yaml against a sandbox with this policy. */
async function runAgainst(t: Test, unknownRecipients: UnknownRecipientPolicy): Promise<ScenarioResult> {
  const sandbox = await startSandbox({ unknownRecipients });
  t.teardown(() => sandbox.close());
  const loaded = await loadScenarios(['scenarios/delivery/unknown-recipient.yaml']);
  t.same(loaded.issues, []);
  const run = await runScenarios(loaded.scenarios, {
    concurrency: 1,
    repeat: 1,
    bail: false,
    targets: { named: { ...sandbox.targets }, tls: { ca: sandbox.ca } },
    signal: new AbortController().signal,
    env: {},
    driverFor,
    version: 'test',
  });
  return run.scenarios[0]!;
}

t.test('a server that refuses at RCPT passes; the bounce branch is skipped', async (t) => {
  const s = await runAgainst(t, 'reject');
  t.equal(s.outcome, 'passed', JSON.stringify(s.failure));
  t.equal(s.steps[3]?.reply?.status, '550');
  t.same(s.steps.map((step) => step.outcome === 'skipped'), [false, false, false, false, true, false, true, true, true, true, true, true]);
});

t.test('a server that accepts and bounces passes when the DSN names the recipient and the message', async (t) => {
  const s = await runAgainst(t, 'bounce');
  t.equal(s.outcome, 'passed', JSON.stringify(s.failure));
  t.equal(s.steps[3]?.reply?.status, '250');
  t.notOk(s.steps.some((step) => step.outcome === 'skipped'), 'every step of the bounce branch ran');
  const fetch = s.steps.find((step) => step.label.startsWith('send: FETCH'));
  t.match(fetch?.reply?.text, /report-type=delivery-status/);
  t.match(fetch?.reply?.text, /^Final-Recipient: rfc822; ?no-such-user@example\.test\r?$/m);
});

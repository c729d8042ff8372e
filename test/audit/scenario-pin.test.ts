/**
 * `audit:` steps — audit findings pinned in scenario files: what the loader refuses (file:line:column),
 * and runs through the runner against a scripted SMTP server that accepts TLS 1.0 (the pin fails with the
 * finding named) or not (it passes), and against the embedded sandbox's SMTP, IMAP and POP3 services with
 * its CA trusted. Postfix default vs hardened is in real-postfix.test.ts.
 */
import t, { type Test } from 'tap';
import { formatIssue, loadScenarios } from '../../src/scenario/load.js';
import { runScenarios } from '../../src/runner/run.js';
import { driverFor } from '../../src/protocols/registry.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { RunResult } from '../../src/results/types.js';
import type { TargetMap } from '../../src/scenario/types.js';
import { startScriptedSmtp } from './helpers/scripted-smtp.js';

async function load(t: Test, yaml: string) {
  const dir = t.testdir({ 's.yaml': yaml });
  return loadScenarios(['s.yaml'], { cwd: dir, env: {} });
}

async function run(t: Test, yaml: string, named: TargetMap, ca?: string): Promise<RunResult> {
  const loaded = await load(t, yaml);
  t.same(loaded.issues.map(formatIssue), [], 'the scenario loads');
  return runScenarios(loaded.scenarios, {
    concurrency: 1,
    repeat: 1,
    bail: false,
    targets: { named, tls: ca === undefined ? {} : { ca } },
    signal: new AbortController().signal,
    env: {},
    driverFor,
    version: 'test',
  });
}

t.test('the loader takes a check, a list or { check, level, match } and refuses what cannot be pinned, at file:line:column', async (t) => {
  const good = await load(t, `name: s
protocol: smtp
steps:
  - audit: tls.versions
  - audit: ["tls.certificate-*", relay.external]
    timeout: 5s
  - audit: { check: tls.versions, level: [pass, warn], match: /TLSv1\\.2 +accepted/ }
`);
  t.same(good.issues, []);
  t.match(good.scenarios[0]!.steps, [
    { kind: 'audit', checks: ['tls.versions'], levels: ['pass', 'info'] },
    { kind: 'audit', checks: ['tls.certificate-*', 'relay.external'], timeoutMs: 5000 },
    { kind: 'audit', levels: ['pass', 'warn'], match: { source: 'TLSv1\\.2 +accepted' } },
  ]);
  const bad = await load(t, `name: s
protocol: imap
steps:
  - audit: tls.verisons
  - audit: dns.spf
  - audit: relay.*
  - audit: { check: tls.versions, level: passed, colour: red }
  - audit: tls.cipher
    expect: OK
`);
  t.same(bad.issues.map(formatIssue), [
    's.yaml:4:12: no audit check `tls.verisons` (did you mean `tls.versions`?): see `mailprobe audit --help` for the ids',
    "s.yaml:5:12: `dns.spf` checks a domain's DNS, not a server: run `mailprobe audit DOMAIN` instead",
    's.yaml:6:12: `relay.*` has no check for IMAP services',
    's.yaml:7:42: `passed` is not an audit level (did you mean `pass`?): use fail, warn, pass, info, skipped',
    's.yaml:7:50: unknown key `colour`',
    's.yaml:9:5: `expect` does not apply to `audit` steps: write `audit: { check, level, match }`',
  ], 'each problem where it is');
});

t.test('a pin on tls.versions passes where only TLS ≥ 1.2 is accepted and fails, naming the finding, where TLS 1.0 is', async (t) => {
  const strict = await startScriptedSmtp({ starttls: 'ok', tlsMinVersion: 'TLSv1.2' });
  const legacy = await startScriptedSmtp({ starttls: 'ok', tlsMinVersion: 'TLSv1' });
  t.teardown(async () => { await strict.close(); await legacy.close(); });
  const yaml = `name: TLS 1.0 and 1.1 refused
protocol: smtp
target: mx
steps:
  - audit: { check: tls.versions, level: pass, match: /TLSv1 +refused/ }
`;
  const passed = await run(t, yaml, { mx: strict.url });
  t.equal(passed.scenarios[0]!.outcome, 'passed', JSON.stringify(passed.scenarios[0]!.failure));
  t.ok(passed.scenarios[0]!.transcript.some((e) => e.session === 'default:audit' && /audit tls\.versions: pass/.test(e.text)), 'the finding is in the transcript');
  const failed = await run(t, yaml, { mx: legacy.url });
  const scenario = failed.scenarios[0]!;
  t.equal(scenario.outcome, 'failed');
  t.match(scenario.failure, {
    code: 'MP_ASSERT_AUDIT',
    message: /^audit tls\.versions: expected pass matching \/TLSv1 \+refused\/, got warn: accepts deprecated TLSv1 and TLSv1\.1/,
    expected: 'pass matching /TLSv1 +refused/',
    actual: /TLSv1 +accepted/,
    span: { line: 5, column: 5 },
  });
  t.ok(scenario.transcript.some((e) => e.session === 'default:audit' && e.dir === 'i' && /pinned to TLSv1$/.test(e.text)), 'the evidence of the finding is in the transcript');
});

t.test('against the sandbox with its CA trusted: TLS pinned on SMTP STARTTLS, IMAP STARTTLS, POP3 STLS and implicit TLS', async (t) => {
  const sandbox = await startSandbox();
  t.teardown(() => sandbox.close());
  const yaml = `name: sandbox TLS pinned
sessions:
  smtp: { protocol: smtp, target: smtp }
  imap: { protocol: imap, target: imap }
  pop3: { protocol: pop3, target: pop3 }
  imaps: { protocol: imap, target: imaps }
steps:
  - session: smtp
    audit: [tls.starttls, tls.certificate-chain, tls.starttls-injection]
  - session: smtp
    audit: { check: tls.certificate-expiry, level: pass, match: '/^29 days to expiry/' }   # the sandbox's certificate lives 30 days
  - session: imap
    audit: { check: "tls.*", level: [pass, info, warn] }
  - session: pop3
    audit: [tls.starttls, tls.certificate-chain]
  - session: imaps
    audit: { check: [tls.implicit, tls.certificate-chain], level: pass }
`;
  const result = await run(t, yaml, sandbox.targets, sandbox.ca);
  const scenario = result.scenarios[0]!;
  t.equal(scenario.outcome, 'passed', JSON.stringify(scenario.failure));
  const findings = scenario.transcript.filter((e) => e.dir === 'i' && e.text.startsWith('audit ')).map((e) => `${e.session} ${e.text.split(':').slice(0, 2).join(':')}`);
  t.ok(findings.includes('pop3:audit audit tls.starttls: pass'), findings.join('\n'));
  t.ok(findings.includes('imaps:audit audit tls.implicit: pass'));
  t.notOk(findings.some((line) => line.startsWith('imap:audit audit tls.implicit')), 'a glob leaves out what cannot apply to STARTTLS');
});

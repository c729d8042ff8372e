/**
 * The reliability matrix (issue 4): every fault × every protocol it applies to, run through the real CLI
 * in one run together with healthy scenarios. Each faulty scenario must fail with the fault's cause named,
 * within its step timeout + 1 s; the healthy ones must still pass; the exit code is 1 and the JSON and
 * JUnit reports are complete and parse. Rows whose protocol engine is missing are skipped with the reason.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import t from 'tap';
import { driverFor } from '../../src/protocols/registry.js';
import type { RunResult, ScenarioResult } from '../../src/results/types.js';
import { FAULTS, FAULT_NAMES, startSandbox, type FaultName, type Sandbox } from '../../src/sandbox/index.js';
import { runCli } from '../helpers/cli.js';
import { STEP_TIMEOUT_MS, writeScenario, type MatrixProtocol, type MatrixScenario } from './scenarios.js';

interface Expected {
  code: string;
  /** The cause, named in the failure's message (or, for a refused reply, in the reply itself). */
  cause: RegExp;
}

/** What each row must report. A fault added to the table without a row here fails the test. */
const EXPECTED: Readonly<Record<FaultName, Partial<Record<MatrixProtocol, Expected>>>> = {
  'close-after-greeting': {
    smtp: { code: 'MP_ERR_CLOSED', cause: /^connection closed by server while reading reply to EHLO$/ },
    pop3: { code: 'MP_ERR_CLOSED', cause: /^connection closed by server while reading reply to USER alice$/ },
    imap: { code: 'MP_ERR_CLOSED', cause: /^connection closed by server while reading the response to LOGIN$/ },
  },
  'close-mid-reply': {
    smtp: { code: 'MP_ERR_CLOSED', cause: /^connection closed by server while reading reply to EHLO$/ },
    pop3: { code: 'MP_ERR_CLOSED', cause: /^connection closed by server while reading reply to RETR 1$/ },
    imap: { code: 'MP_ERR_CLOSED', cause: /^connection closed by server while reading the response to SELECT$/ },
  },
  'never-answer': {
    smtp: { code: 'MP_ERR_TIMEOUT', cause: /^no reply within 2s while reading the greeting$/ },
    pop3: { code: 'MP_ERR_TIMEOUT', cause: /^no reply within 2s while reading the greeting$/ },
    imap: { code: 'MP_ERR_TIMEOUT', cause: /^no reply within 2s while reading the greeting$/ },
  },
  'slow-bytes': {
    smtp: { code: 'MP_ERR_TIMEOUT', cause: /^no reply within 2s while reading the greeting$/ },
    pop3: { code: 'MP_ERR_TIMEOUT', cause: /^no reply within 2s while reading the greeting$/ },
    imap: { code: 'MP_ERR_TIMEOUT', cause: /^no reply within 2s while reading the greeting$/ },
  },
  'huge-line': {
    smtp: { code: 'MP_ERR_LIMIT', cause: /^line exceeds 64 KiB while reading the greeting$/ },
    pop3: { code: 'MP_ERR_LIMIT', cause: /^line exceeds 64 KiB while reading the greeting$/ },
    imap: { code: 'MP_ERR_LIMIT', cause: /^line exceeds 64 KiB while reading the greeting$/ },
  },
  garbage: {
    smtp: { code: 'MP_ERR_PROTOCOL', cause: /^expected a reply code \(RFC 5321 §4\.2\) but got ".*" while reading the greeting/s },
    pop3: { code: 'MP_ERR_PROTOCOL', cause: /^expected "\+OK", "-ERR" or a "\+" continuation \(RFC 1939 §3\) but got ".*" while reading the greeting/s },
    // Random octets: a bare LF almost always ends the first line; else it is no greeting, or no response at all.
    imap: { code: 'MP_ERR_PROTOCOL', cause: /^line ends in a bare LF, not CRLF|^expected a greeting|RFC 9051 §9/ },
  },
  'imap-wrong-tag': {
    imap: { code: 'MP_ERR_PROTOCOL', cause: /^tagged response "XA001 OK LOGIN completed" does not carry the command's tag A001 while reading the response to LOGIN/ },
  },
  'imap-short-literal': {
    imap: { code: 'MP_ERR_TIMEOUT', cause: /^no reply within 2s while reading the response to FETCH$/ },
  },
  'pop3-endless-reply': {
    pop3: { code: 'MP_ERR_TIMEOUT', cause: /^multi-line reply to RETR 1 not finished within 2s$/ },
  },
  'tls-handshake-failure': {
    smtp: { code: 'MP_ERR_TLS', cause: /^TLS handshake failed with 127\.0\.0\.1:\d+: .*alert handshake failure/ },
    pop3: { code: 'MP_ERR_TLS', cause: /^TLS handshake failed with 127\.0\.0\.1:\d+: .*alert handshake failure/ },
    imap: { code: 'MP_ERR_TLS', cause: /^TLS handshake failed with 127\.0\.0\.1:\d+: .*alert handshake failure/ },
  },
  'reset-during-data': {
    smtp: { code: 'MP_ERR_CLOSED', cause: /^connection reset by server while (reading reply to|sending) the message$/ },
  },
  'shutdown-mid-transaction': {
    smtp: { code: 'MP_ASSERT_STATUS', cause: /^421 4\.3\.2 .*Service shutting down, closing channel/ },
    pop3: { code: 'MP_ASSERT_STATUS', cause: /^-ERR \[SYS\/TEMP\] Server shutting down/ },
    imap: { code: 'MP_ASSERT_STATUS', cause: /^\* BYE Server shutting down/ },
  },
};

interface Row extends MatrixScenario {
  fault?: FaultName;
  /** Why the row cannot run (its protocol has no engine yet). */
  skip?: string;
}

function engineMissing(protocol: MatrixProtocol): string | undefined {
  try {
    driverFor(protocol);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'mailprobe-reliability-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const faultRows: Row[] = FAULT_NAMES.flatMap((fault) =>
  (FAULTS[fault].protocols as readonly MatrixProtocol[]).map((protocol) => {
    const skip = engineMissing(protocol);
    const target = `${fault}-${protocol}`;
    return { fault, protocol, target, name: `${fault} × ${protocol}`, starttls: fault === 'tls-handshake-failure', user: 'alice', ...(skip ? { skip } : {}) };
  }),
);
/** Healthy rows in the same run, with and without TLS; POP3 rows log in as different users (the maildrop lock). */
const healthyRows: Row[] = (['smtp', 'pop3', 'imap'] as const).flatMap((protocol) =>
  [false, true].map((starttls) => {
    const skip = engineMissing(protocol);
    const target = `healthy-${protocol}${starttls ? '-tls' : ''}`;
    return { protocol, target, name: `healthy ${protocol}${starttls ? ' with STARTTLS' : ''}`, starttls, user: starttls ? 'bob' : 'alice', ...(skip ? { skip } : {}) };
  }),
);

const sandboxes = new Map<FaultName | 'healthy', Sandbox>();
t.teardown(() => Promise.all([...sandboxes.values()].map((sandbox) => sandbox.close())));
for (const fault of FAULT_NAMES) sandboxes.set(fault, await startSandbox({ fault }));
const healthy = await startSandbox();
sandboxes.set('healthy', healthy);
for (const user of ['alice', 'bob']) healthy.store.deliver(user, Buffer.from(`Subject: for ${user}\r\n\r\nhello\r\n`));

const runnable = [...faultRows, ...healthyRows].filter((row) => row.skip === undefined);
const targetArgs = runnable.flatMap((row) => {
  const sandbox = sandboxes.get(row.fault ?? 'healthy')!;
  writeScenario(dir, row);
  return ['--target', `${row.target}=${sandbox.targets[row.protocol]}`];
});
// Only the healthy sandbox's certificate: the faulty rows use plain services, and the TLS fault fails
// before any certificate is seen (self-signed certificates sharing one subject cannot share a CA file).
writeFileSync(join(dir, 'ca.pem'), healthy.ca);

const run = await runCli(
  ['run', dir, ...targetArgs, '--ca', join(dir, 'ca.pem'), '--concurrency', '64', '--reporter', `json=${dir}/r.json`, '--reporter', `junit=${dir}/j.xml`],
  { timeoutMs: 60_000 },
);
const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunResult;
const byName = new Map<string, ScenarioResult>(json.scenarios.map((scenario) => [scenario.name, scenario]));

t.test('the run: exit code 1, every scenario reported, well within a minute', async (t) => {
  t.equal(run.code, 1, run.stderr);
  t.ok(run.ms < 45_000, `took ${run.ms} ms`);
  t.equal(json.summary.total, runnable.length);
  t.same([...byName.keys()].sort(), runnable.map((row) => row.name).sort());
  t.equal(json.interrupted, false);
});

t.test('every fault has an expectation for every protocol it applies to', async (t) => {
  for (const row of faultRows) t.ok(EXPECTED[row.fault!][row.protocol], row.name);
});

for (const row of faultRows) {
  t.test(row.name, { skip: row.skip ?? false }, async (t) => {
    const expected = EXPECTED[row.fault!][row.protocol]!;
    const scenario = byName.get(row.name)!;
    const failure = scenario.failure!;
    t.equal(scenario.outcome, expected.code.startsWith('MP_ASSERT') ? 'failed' : 'error');
    t.equal(failure.code, expected.code);
    // An assertion names the reply it got; an error names its cause in the message.
    t.match(expected.code.startsWith('MP_ASSERT') ? failure.actual : failure.message, expected.cause);
    const step = scenario.steps[failure.step!]!;
    t.equal(step.outcome, scenario.outcome, 'the failing step is the one the fault hit');
    t.ok(step.durationMs < STEP_TIMEOUT_MS + 1000, `the step failed within its timeout + 1 s (${Math.round(step.durationMs)} ms)`);
    t.ok(scenario.transcript.length > 0, 'the transcript is kept');
  });
}

for (const row of healthyRows) {
  t.test(`${row.name} passes in the same run`, { skip: row.skip ?? false }, async (t) => {
    const scenario = byName.get(row.name)!;
    t.equal(scenario.outcome, 'passed', JSON.stringify(scenario.failure));
  });
}

t.test('the JUnit report is complete and well-formed: an <error> or <failure> per faulty row', async (t) => {
  const xml = readFileSync(join(dir, 'j.xml'), 'utf8');
  const parser = new SaxesParser();
  const counts = { testcase: 0, error: 0, failure: 0 };
  let error: Error | undefined;
  parser.on('error', (e) => (error = e));
  parser.on('opentag', (tag) => {
    if (tag.name in counts) counts[tag.name as keyof typeof counts]++;
  });
  parser.write(xml).close();
  t.equal(error, undefined);
  t.equal(counts.testcase, runnable.length);
  t.equal(counts.error, json.summary.errors);
  t.equal(counts.failure, json.summary.failed);
  t.equal(counts.error + counts.failure, runnable.filter((row) => row.fault).length);
});

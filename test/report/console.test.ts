import t from 'tap';
import { renderFailureDetail, renderScenarioLine, renderSummary, type ConsoleOptions } from '../../src/report/console.js';
import type { RunResult } from '../../src/results/types.js';
import { matchGolden } from './fixtures/golden.js';
import { assertionFailure, hostile, HOSTILE_SHOWN, passed, sampleRun, skipped, timeoutError, twoSessions } from './fixtures/results.js';

const ANSI = /\x1b\[/;

/** What the CLI prints: each scenario line with its detail under it, then the summary. */
function renderAll(run: RunResult, opts: ConsoleOptions): string {
  const scenarios = run.scenarios.map((s) => `${renderScenarioLine(s, opts)}\n${renderFailureDetail(s, opts)}`);
  return `${scenarios.join('')}\n${renderSummary(run, opts)}`;
}

t.test('golden, plain and coloured', async (t) => {
  await matchGolden(t, 'console.txt', renderAll(sampleRun(), { color: false }));
  await matchGolden(t, 'console-color.txt', renderAll(sampleRun(), { color: true }));
  await matchGolden(t, 'console-verbose.txt', renderAll(sampleRun([assertionFailure]), { color: false, verbose: true }));
});

t.test('plain output has no escape sequence, even from a hostile server', async (t) => {
  const text = renderAll(sampleRun(), { color: false });
  t.notMatch(text, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/, 'no control character at all');
  t.match(renderAll(sampleRun(), { color: true }), ANSI, 'colour is on when asked');
  t.match(renderFailureDetail(hostile, { color: false }), `  got:      250 ${HOSTILE_SHOWN}\n`, 'hostile bytes shown escaped');
  const detail = renderFailureDetail(hostile, { color: true });
  t.notMatch(detail.replace(/\x1b\[\d+(;\d+)*m/g, ''), /[\x00-\x08\x0b-\x1f\x7f-\x9f]/, 'only our own SGR sequences');
});

t.test('scenario line: outcome, name, repetition, duration, file:line', async (t) => {
  t.equal(renderScenarioLine(passed, { color: false }), 'PASS  Greeting and QUIT  42ms  scenarios/smtp/basic.yaml:1');
  t.equal(renderScenarioLine(assertionFailure, { color: false }), 'FAIL  Relay is refused for strangers (repetition 2)  130ms  scenarios/smtp/basic.yaml:1');
  t.equal(renderScenarioLine(timeoutError, { color: false }), 'ERROR DATA answers in time  10s  scenarios/smtp/slow.yaml:1');
  t.match(renderScenarioLine(passed, { color: true }), /✔/);
});

t.test('failure detail: step, location, expected vs got, transcript tail', async (t) => {
  const detail = renderFailureDetail(assertionFailure, { color: false, transcriptTail: 2 });
  t.match(detail, '  step 3 send: RCPT TO:<bob@elsewhere.example>  at scenarios/smtp/basic.yaml:9:5\n');
  t.match(detail, '  expected: 250, 251\n  got:      554-5.7.1 Relaying denied\n            554 5.7.1 Go away\n');
  t.match(detail, '  transcript (last 2 of 6 entries):\n    C: RCPT TO:<bob@elsewhere.example>\n    S: 554-5.7.1 Relaying denied\n    S: 554 5.7.1 Go away');
  t.notMatch(detail, 'EHLO', 'older entries are left out');
  t.match(renderFailureDetail(timeoutError, { color: false }), '  error MP_ERR_TIMEOUT: no reply within 10s\n');
  t.ok(detail.endsWith('S: 554 5.7.1 Go away\n'), 'complete lines');
  t.equal(renderFailureDetail(passed, { color: false }), '', 'nothing for a pass');
});

t.test('a skipped scenario shows its reason; one without a reason shows nothing', async (t) => {
  t.equal(renderFailureDetail(skipped, { color: false }), '  skipped: server does not offer CHUNKING\n');
  t.equal(renderFailureDetail({ ...skipped, failure: undefined }, { color: false }), '');
});

t.test('a scenario with several sessions names the session on each transcript line', async (t) => {
  const detail = renderFailureDetail(twoSessions, { color: false });
  t.match(detail, '    out S: 220 mx.example ESMTP\n    in  S: * OK IMAP ready\n    in  C: A001 LOGIN bob ***');
  t.notMatch(renderFailureDetail(assertionFailure, { color: false }), 'default C:', 'one session: no name');
});

t.test('summary: counts, duration, the scenarios that did not pass', async (t) => {
  const summary = renderSummary(sampleRun(), { color: false });
  t.match(summary, /^7 scenarios: 1 passed, 3 failed, 1 error, 1 skipped, 1 interrupted \(12\.3s\)\n/);
  t.match(summary, 'run interrupted (SIGINT)');
  t.match(summary, '  FAIL  Relay is refused for strangers (repetition 2)  scenarios/smtp/basic.yaml:1  MP_ASSERT_STATUS');
  t.notMatch(summary, 'Greeting and QUIT', 'passes are not listed');
  t.notMatch(summary, 'CHUNKING', 'skips are not listed');
  t.equal(renderSummary(sampleRun([passed]), { color: false }), '1 scenario: 1 passed, 0 failed, 0 errors, 0 skipped, 0 interrupted (12.3s)\n');
});

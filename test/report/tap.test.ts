import t from 'tap';
import fc from 'fast-check';
import { Parser, type FinalResults } from 'tap-parser';
import { renderTap } from '../../src/report/tap.js';
import { printable } from '../../src/report/text.js';
import { matchGolden } from './fixtures/golden.js';
import { assertionFailure, hostile, HOSTILE_SHOWN, passed, sampleRun } from './fixtures/results.js';

/** Parses TAP with tap's own parser, as a consumer of the report would. */
function parseTap(text: string): FinalResults {
  let results: FinalResults | undefined;
  const parser = new Parser((final) => {
    results = final;
  });
  parser.end(text);
  if (!results) throw new Error('tap-parser did not complete');
  return results;
}

t.test('golden', async (t) => {
  await matchGolden(t, 'results.tap.txt', renderTap(sampleRun()));
});

t.test('tap-parser reads the plan, the counts and the diagnostics', async (t) => {
  const text = renderTap(sampleRun());
  t.ok(text.startsWith('TAP version 14\n1..7\n'), 'version line, then the plan');
  const results = parseTap(text);
  t.same(
    { ok: results.ok, count: results.count, pass: results.pass, fail: results.fail, skip: results.skip, plan: [results.plan.start, results.plan.end] },
    { ok: false, count: 7, pass: 2, fail: 5, skip: 1, plan: [1, 7] },
  );
  t.same(
    results.failures.map((f) => f.name),
    ['Relay is refused for strangers (repetition 2)', 'DATA answers in time', 'Long transfer', 'A message sent by SMTP arrives intact over IMAP', 'Hostile "name" & <b> # 1 \\ \\x07'],
    'names read back through TAP 14 escaping',
  );
  const [relay, timeout, intr] = results.failures;
  t.match(relay!.diag, {
    outcome: 'failed',
    message: 'reply status 554 is not one of 250, 251',
    code: 'MP_ASSERT_STATUS',
    step: 3,
    label: 'send: RCPT TO:<bob@elsewhere.example>',
    at: 'scenarios/smtp/basic.yaml:9:5',
    expected: '250, 251',
    actual: '554-5.7.1 Relaying denied\n554 5.7.1 Go away',
  });
  t.match(timeout!.diag, { outcome: 'error', code: 'MP_ERR_TIMEOUT', at: 'scenarios/smtp/slow.yaml:7:5' });
  t.equal(timeout!.time, 10012, 'duration_ms, which tap-parser reads as the test point\'s time');
  const fractional = parseTap(renderTap(sampleRun([{ ...assertionFailure, durationMs: 201.78 }])));
  t.equal(fractional.failures[0]!.time, 202, 'whole milliseconds');
  t.match(intr!.diag, { outcome: 'interrupted', message: 'interrupted by SIGINT', code: 'MP_ERR_INTERRUPTED' });
  t.same(results.skips.map((s) => [s.name, s.skip]), [['CHUNKING with BDAT', 'server does not offer CHUNKING']]);
});

t.test('hostile bytes keep the stream parseable and the diagnostics intact', async (t) => {
  const text = renderTap(sampleRun([hostile, passed]));
  t.notMatch(text, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/, 'no control character in the stream');
  const results = parseTap(text);
  t.same({ count: results.count, pass: results.pass, fail: results.fail }, { count: 2, pass: 1, fail: 1 }, 'the YAML block did not swallow the next test point');
  const diag = results.failures[0]!.diag;
  t.equal(diag.actual, `250 ${HOSTILE_SHOWN}\n250 second line`);
  t.same(diag.transcript.slice(-3), ['S: 250 second line', 'S:   ...', 'S: ---'], 'a "  ..." from the server does not end the block');
});

t.test('multi-line values read back exactly, leading spaces, blank lines and YAML markers included', async (t) => {
  for (const actual of [' 250 indented\r\n  more\r\n', '250 a\r\n\r\n  b: c\r\n- d\r\n...\r\n', '\r\nafter a blank line', '\r\n  indented after a blank line']) {
    const failure = { ...assertionFailure.failure!, actual };
    const results = parseTap(renderTap(sampleRun([{ ...assertionFailure, failure }])));
    t.equal(results.failures[0]!.diag.actual, actual.replace(/\r\n/g, '\n').replace(/\n+$/, ''), JSON.stringify(actual));
  }
});

t.test('any reply text reads back through tap-parser as the text shown', async (t) => {
  const lines = fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom(' ', '  ...', '---', '- x', '# c', '\t')), { maxLength: 5 });
  fc.assert(
    fc.property(lines, fc.constantFrom('\n', '\r\n'), (parts, eol) => {
      const actual = parts.join(eol);
      const failure = { ...assertionFailure.failure!, actual };
      const results = parseTap(renderTap(sampleRun([{ ...assertionFailure, failure }, passed])));
      if (results.count !== 2 || results.pass !== 1) return false;
      return results.failures[0]!.diag.actual === printable(actual).replace(/\n+$/, '');
    }),
    { numRuns: 300 },
  );
  t.pass('300 random multi-line replies');
});

t.test('an interrupted run says so, and an empty one is a valid stream', async (t) => {
  t.match(renderTap({ ...sampleRun([passed]), interrupted: true }), /\n# run interrupted/);
  const results = parseTap(renderTap(sampleRun([])));
  t.same({ ok: results.ok, count: results.count }, { ok: true, count: 0 });
});

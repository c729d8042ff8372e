// The roundtrip step over fragment lists end to end: `mailprobe run` against the embedded sandbox (fragments
// APPENDed over IMAP and read back; the MIME suite's message/partial scenario over SMTP, IMAP and POP3), and
// `mailprobe validate` on a list that is not all variables.
import t, { type Test } from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import type { RunResult } from '../../src/results/types.js';

function reportPath(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-fragments-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'r.json');
}

t.test('fragments read back over IMAP reassemble; a list with a fragment twice and one missing fails, naming both', async (t) => {
  const json = reportPath(t);
  const res = await runCli(['run', 'test/fixtures/runs/fragments', '--reporter', 'console', '--reporter', `json=${json}`]);
  t.equal(res.code, 1, res.stdout);
  const report = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  const byFile = Object.fromEntries(report.scenarios.map((s) => [s.file.replace(/^.*\//, ''), s]));
  t.equal(byFile['reassembled.yaml']?.outcome, 'passed', 'exact and structural, received in another order');
  const failed = byFile['missing.yaml'];
  t.equal(failed?.outcome, 'failed');
  t.match(failed?.failure, {
    code: 'MP_ASSERT_ROUNDTRIP',
    message: 'the received fragments do not reassemble (RFC 2046 §5.2.2.1):\n- fragment 2 appears twice: ${r2} and ${r2}\n- fragment 3 of 3 is missing',
    span: { line: 44, column: 5 },
  });
  t.match(res.stdout, /MP_ASSERT_ROUNDTRIP: the received fragments do not reassemble/);
});

t.test("the MIME suite's message/partial scenario passes against the sandbox over IMAP and POP3", async (t) => {
  const res = await runCli(['run', 'scenarios/mime/message-partial.yaml']);
  t.equal(res.code, 0, res.stdout);
  t.match(res.stdout, /PASS\s+MIME message\/partial: three fragments delivered reassemble to the message/);
});

t.test('a list item that is not one variable, and an empty list, are named by file:line:column before anything is sent', async (t) => {
  const res = await runCli(['validate', 'test/fixtures/runs/fragments-bad/not-a-reference.yaml']);
  t.equal(res.code, 2);
  const out = res.stdout + res.stderr;
  t.match(out, 'not-a-reference.yaml:5:33: `sent[1]` must be one variable holding a message, e.g. "${fragment2}"');
  t.match(out, 'not-a-reference.yaml:5:61: `received` must not be empty');
});

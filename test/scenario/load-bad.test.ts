import t from 'tap';
import { fileURLToPath } from 'node:url';
import { formatIssue, loadScenarios } from '../../src/scenario/load.js';

/** One fixture per kind of error: the exact file:line:column and message, and how many scenarios still
 *  load (a file with an issue yields none; a directory may hold good files too). */
const badDir = fileURLToPath(new URL('../fixtures/scenarios/bad/', import.meta.url));
const env = { HOME: '/root' };

const CASES: Array<[string, number, string[]]> = [
  ["bad-duration.yaml", 0, [
    "bad-duration.yaml:3:10: `timeout: 10 sec` is not a duration: write 250ms, 10s, 2m or 1h",
  ]],
  ["bad-enum.yaml", 0, [
    "bad-enum.yaml:2:11: `protocol` must be one of smtp, pop3, imap, http (did you mean `smtp`?)",
  ]],
  ["bad-escape.yaml", 0, [
    "bad-escape.yaml:4:21: `\\x` needs two hex digits (e.g. \\x0d); write `\\\\x` for a literal backslash",
  ]],
  ["bad-mechanism.yaml", 0, [
    "bad-mechanism.yaml:4:24: unknown mechanism `PLAN` (did you mean `PLAIN`?): use PLAIN, LOGIN, CRAM-MD5, XOAUTH2, USER, APOP, LOGIN-COMMAND",
  ]],
  ["bad-regex.yaml", 0, [
    "bad-regex.yaml:5:12: bad regex `/AUTH (PLAIN/`: Unterminated group",
  ]],
  ["bad-status-imap.yaml", 0, [
    "bad-status-imap.yaml:4:13: `250` is not an IMAP status: use OK, NO, BAD, PREAUTH, BYE, +",
  ]],
  ["bad-status-pop3.yaml", 0, [
    "bad-status-pop3.yaml:4:13: `OK` is not a POP3 status: use +OK, -ERR (did you mean `+OK`?)",
  ]],
  ["bad-status-smtp.yaml", 0, [
    "bad-status-smtp.yaml:4:19: `600` is not an SMTP reply status: write a code from 200 to 599 (250) or a class (\"2xx\")",
  ]],
  ["bad-target-url.yaml", 0, [
    "bad-target-url.yaml:3:9: unknown URL scheme `smtpx:` (did you mean `smtp`?): use smtp, smtps, pop3, pop3s, imap, imaps, http, https",
  ]],
  ["capture-used-early.yaml", 0, [
    "capture-used-early.yaml:4:22: unknown variable ${uid}: step 2 sets it, so it does not exist yet here",
  ]],
  ["chunking-on-imap.yaml", 0, [
    "chunking-on-imap.yaml:6:5: `chunking` is for SMTP sessions, not IMAP",
  ]],
  ["duplicate-key.yaml", 0, [
    "duplicate-key.yaml:5:5: duplicate key `send` (first at line 4)",
  ]],
  ["duplicate-name", 1, [
    "duplicate-name/b.yaml:2:7: duplicate scenario name `same name` (first in duplicate-name/a.yaml:1:7)",
  ]],
  ["empty-step.yaml", 0, [
    "empty-step.yaml:4:5: this step does nothing: give one of send, raw, starttls, auth, message, idle, sleep, close, expect_close, roundtrip, request, audit, or `expect`",
  ]],
  ["empty.yaml", 0, [
    "empty.yaml:1:1: the file is empty",
  ]],
  ["expect-on-close.yaml", 0, [
    "expect-on-close.yaml:5:5: `close` steps read no reply, so `expect` does not apply",
  ]],
  ["idle-on-smtp.yaml", 0, [
    "idle-on-smtp.yaml:4:5: `idle` steps are not possible on SMTP sessions",
  ]],
  ["key-in-wrong-place.yaml", 0, [
    "key-in-wrong-place.yaml:4:26: `as` belongs on the step, beside `message:`, not inside it",
  ]],
  ["mailbox-on-smtp.yaml", 0, [
    "mailbox-on-smtp.yaml:5:5: `mailbox` is for IMAP sessions, not SMTP",
  ]],
  ["mechanism-not-for-protocol.yaml", 0, [
    "mechanism-not-for-protocol.yaml:4:24: mechanism USER is for POP3, not SMTP",
  ]],
  ["message-id-of-capture.yaml", 0, [
    "message-id-of-capture.yaml:6:17: unknown variable ${host.messageId}: `host` is not a message kept with `as:`",
  ]],
  ["message-on-pop3.yaml", 0, [
    "message-on-pop3.yaml:4:5: `message` steps are not possible on POP3 sessions",
  ]],
  ["message-two-sources.yaml", 0, [
    "message-two-sources.yaml:4:26: `message` needs exactly one of raw, file, mime",
  ]],
  ["missing-attachment.yaml", 0, [
    "missing-attachment.yaml:8:21: attachment not found: missing.png",
  ]],
  ["missing-message-file.yaml", 0, [
    "missing-message-file.yaml:4:22: message file not found: messages/nope.eml",
  ]],
  ["missing-name.yaml", 0, [
    "missing-name.yaml:1:1: a scenario file needs `name`",
  ]],
  ["missing-required.yaml", 0, [
    "missing-required.yaml:4:11: `auth` needs `password`",
  ]],
  ["multiline-on-imap.yaml", 0, [
    "multiline-on-imap.yaml:5:5: `multiline` is for POP3 sessions, not IMAP",
  ]],
  ["nested-placeholder.yaml", 0, [
    "nested-placeholder.yaml:6:17: `${` inside a placeholder: placeholders do not nest",
  ]],
  ["no-protocol.yaml", 0, [
    "no-protocol.yaml:1:1: a scenario needs `protocol:` (smtp, pop3, imap or http), or `sessions:` with a protocol each",
  ]],
  ["roundtrip-not-reference.yaml", 0, [
    "roundtrip-not-reference.yaml:6:45: `received` must be one variable holding a message, e.g. \"${received}\"",
  ]],
  ["send-multiline.yaml", 0, [
    "send-multiline.yaml:5:7: `send` is one command line without line breaks; use `raw` for several lines",
  ]],
  ["starttls-false.yaml", 0, [
    "starttls-false.yaml:4:15: `starttls` must be true",
  ]],
  ["step-without-session.yaml", 0, [
    "step-without-session.yaml:5:5: this step names no `session:` and the scenario has no `protocol:` for a default session",
  ]],
  ["target-conflict", 1, [
    "target-conflict/suite.yaml:2:3: target `smtp` is smtp://127.0.0.1:2525 here but smtp://127.0.0.1:25 in target-conflict/targets.yaml:1:1",
  ]],
  ["target-protocol-mismatch.yaml", 0, [
    "target-protocol-mismatch.yaml:3:33: `smtp://127.0.0.1:25` is an SMTP URL but the session speaks IMAP",
  ]],
  ["two-actions.yaml", 0, [
    "two-actions.yaml:5:5: a step does one thing: it has both `send` and `raw`",
  ]],
  ["two-documents.yaml", 0, [
    "two-documents.yaml:6:1: a scenario file holds one YAML document; remove the extra `---` document",
  ]],
  ["unknown-key.yaml", 0, [
    "unknown-key.yaml:5:5: unknown key `expct` (did you mean `expect`?)",
  ]],
  ["unknown-session.yaml", 0, [
    "unknown-session.yaml:5:16: unknown session `outt` (did you mean `out`?): sessions are out",
  ]],
  ["unknown-step-kind.yaml", 0, [
    "unknown-step-kind.yaml:4:5: unknown step kind `sned` (did you mean `send`?): a step needs one of send, raw, starttls, auth, message, idle, sleep, close, expect_close, roundtrip, request, audit (or `expect` alone to read a reply)",
  ]],
  ["unknown-variable.yaml", 0, [
    "unknown-variable.yaml:6:23: unknown variable ${usr} (did you mean `user`?)",
  ]],
  ["unset-env.yaml", 0, [
    "unset-env.yaml:4:13: environment variable MAILPROBE_TEST_UNSET is not set (write ${env.MAILPROBE_TEST_UNSET:-default} to give a default)",
  ]],
  ["untagged-on-smtp.yaml", 0, [
    "untagged-on-smtp.yaml:5:5: `untagged` is for IMAP sessions, not SMTP",
  ]],
  ["var-cycle.yaml", 0, [
    "var-cycle.yaml:4:6: variable `a` refers to itself: a \u2192 b \u2192 a",
  ]],
  ["wrong-type.yaml", 0, [
    "wrong-type.yaml:3:7: `tags` must be a list, not the string \"smtp\"",
  ]],
  ["yaml-syntax.yaml", 0, [
    "yaml-syntax.yaml:5:1: YAML syntax error: deficient indentation",
  ]],
];

for (const [fixture, scenarioCount, expected] of CASES) {
  t.test(fixture, async (t) => {
    const result = await loadScenarios([fixture], { cwd: badDir, env });
    t.same(result.issues.map(formatIssue), expected);
    t.equal(result.scenarios.length, scenarioCount);
  });
}

t.test('every fixture in bad/ has a case', async (t) => {
  const { readdirSync } = await import('node:fs');
  t.same(readdirSync(badDir).sort(), CASES.map(([f]) => f).sort());
});

t.test('all issues of all files are collected in one load', async (t) => {
  const result = await loadScenarios(['.'], { cwd: badDir, env });
  t.equal(result.issues.length, CASES.reduce((n, [, , issues]) => n + issues.length, 0));
  t.same(result.scenarios.map((s) => s.name).sort(), ['same name', 'target conflict']);
});

t.test('an env variable given in options satisfies ${env.X}', async (t) => {
  const result = await loadScenarios(['unset-env.yaml'], { cwd: badDir, env: { MAILPROBE_TEST_UNSET: 'pw' } });
  t.same(result.issues, []);
  t.same(result.scenarios[0]?.vars, { password: '${env.MAILPROBE_TEST_UNSET}' }, 'vars stay raw for the runner');
});

t.test('paths given on the command line', async (t) => {
  const dir = t.testdir({ empty: {}, 'suite.yaml': 'tags: [x]\n', 'notes.txt': 'name: x\n' });
  const result = await loadScenarios(['nope.yaml', 'missing-dir', 'empty', 'suite.yaml', 'notes.txt'], { cwd: dir, env });
  t.same(result.issues.map(formatIssue), [
    'nope.yaml:1:1: no such file or directory',
    'missing-dir:1:1: no such file or directory',
    'empty:1:1: no scenario files (*.yaml, *.yml) in this directory',
    'suite.yaml:1:1: suite.yaml holds settings for the scenarios beside it; it is not a scenario',
    'notes.txt:1:1: a scenario file needs `steps`',
    'notes.txt:1:1: a scenario needs `protocol:` (smtp, pop3, imap or http), or `sessions:` with a protocol each',
  ]);
});

t.test('garbage input never throws', async (t) => {
  const dir = t.testdir({
    'nul.yaml': Buffer.from([0x00, 0xff, 0xfe, 0x0a]),
    'scalar.yaml': 'just text\n',
    'deep.yaml': `${'['.repeat(500)}${']'.repeat(500)}\n`,
    'tabs.yaml': 'name: x\n\tprotocol: smtp\n',
  });
  const result = await loadScenarios(['.'], { cwd: dir, env });
  t.equal(result.scenarios.length, 0);
  t.same([...new Set(result.issues.map((i) => i.span.file))].sort(), ['deep.yaml', 'nul.yaml', 'scalar.yaml', 'tabs.yaml']);
});

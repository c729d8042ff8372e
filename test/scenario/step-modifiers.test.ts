import t, { type Test } from 'tap';
import { formatIssue, loadScenarios } from '../../src/scenario/load.js';

/** Loads one scenario file written from `yaml`; returns the scenario (if any) and the issues as printed. */
async function load(t: Test, yaml: string) {
  const dir = t.testdir({ 's.yaml': yaml });
  const result = await loadScenarios(['s.yaml'], { cwd: dir, env: { MAILBOX: 'dave' } });
  return { scenario: result.scenarios[0], issues: result.issues.map(formatIssue) };
}

const SMTP = 'name: s\nprotocol: smtp\nsteps:\n';

t.test('when, retry and exclusive load into the scenario', async (t) => {
  const { scenario, issues } = await load(
    t,
    `name: s
protocol: imap
exclusive: ["pop3 \${env.MAILBOX}", "\${box}"]
vars: { box: INBOX }
steps:
  - expect: OK
    capture: { greeting: '/^(\\S+)/' }
  - send: SEARCH ALL
    expect: OK
    capture: { n: '/^\\* SEARCH (\\d+)/m' }
    retry: { for: 10s, every: 250ms }
  - send: NOOP
    retry: { for: 2s }
    expect: OK
    when: { value: "\${greeting}", match: [/^\\*/, /OK/], not_match: /BYE/ }
`,
  );
  t.same(issues, []);
  t.same(scenario?.exclusive, ['pop3 ${env.MAILBOX}', '${box}'], 'keys kept as written; the runner interpolates');
  const [, search, noop] = scenario!.steps;
  t.match(search, { kind: 'send', retry: { forMs: 10_000, everyMs: 250 } });
  t.notOk(search?.when);
  t.match(noop, { kind: 'send', retry: { forMs: 2000, everyMs: 200 }, when: { value: '${greeting}' } });
  t.same(noop?.when?.match.map((p) => p.source), ['^\\*', 'OK']);
  t.same(noop?.when?.notMatch.map((p) => p.source), ['BYE']);
  t.same(scenario?.steps[0]?.when, undefined);
});

t.test('what cannot be retried is named at file:line:column', async (t) => {
  const { issues } = await load(
    t,
    `${SMTP}  - expect: 220
    retry: { for: 1s }
  - raw: "NOOP\\r\\n"
    expect: 250
    retry: { for: 1s }
  - message: { raw: "Subject: x\\n\\nx\\n" }
    retry: { for: 1s }
  - auth: { mechanism: PLAIN, username: a, password: b }
    retry: { for: 1s }
  - starttls: true
    retry: { for: 1s }
  - close: true
    retry: { for: 1s }
`,
  );
  t.same(issues, [
    's.yaml:5:5: `retry` applies only to `send` steps: an `expect` alone reads a reply without sending anything, so there is nothing to send again',
    's.yaml:8:5: `retry` applies only to `send` steps: raw bytes may hold several commands or half of one, so sending them again is not safe',
    's.yaml:10:5: `retry` applies only to `send` steps: sending a message again would deliver it twice',
    's.yaml:12:5: `retry` applies only to `send` steps: a failed login changes the session (servers delay, count or drop it)',
    's.yaml:14:5: `retry` applies only to `send` steps: a failed STARTTLS leaves the session in a state the next attempt cannot start from',
    's.yaml:16:5: `retry` applies only to `send` steps: closing reads no reply',
  ]);
});

t.test('retry needs an expectation, a duration, and `every` within `for`', async (t) => {
  const { issues } = await load(
    t,
    `${SMTP}  - send: NOOP
    retry: { for: 1s }
  - send: NOOP
    expect: 250
    retry: { for: 1s, every: 2s }
  - send: NOOP
    expect: 250
    retry: { for: soon }
  - send: NOOP
    expect: 250
    retry: { every: 1s }
`,
  );
  t.same(issues, [
    's.yaml:5:5: `retry` sends the command again until its expectation holds: give `expect`, `match`, `not_match`, `untagged` or `capture`',
    's.yaml:8:30: `every` (2000ms) is longer than `for` (1000ms): the command would be sent only once',
    's.yaml:11:19: `for: soon` is not a duration: write 250ms, 10s, 2m or 1h',
    's.yaml:14:12: `retry` needs `for`',
  ]);
});

t.test('when: a bad regex, an unknown variable, a missing regex', async (t) => {
  const { issues } = await load(
    t,
    `${SMTP}  - expect: 220
    when: { value: "\${nope}", match: /x/ }
  - expect: 220
    when: { value: x, match: "/(unclosed/" }
  - expect: 220
    when: { value: x }
  - expect: 220
    when: { value: x, equals: y, match: /x/ }
`,
  );
  t.same(issues, [
    's.yaml:5:21: unknown variable ${nope}',
    's.yaml:7:30: bad regex `/(unclosed/`: Unterminated group',
    's.yaml:9:11: `when` needs `match` or `not_match`: the regexes `value` is tested against',
    's.yaml:11:23: unknown key `equals`',
  ]);
});

t.test('exclusive keys may not use per-run builtins', async (t) => {
  const { issues } = await load(t, `name: s\nprotocol: smtp\nexclusive: ["box \${uuid}"]\nsteps:\n  - expect: 220\n`);
  t.same(issues, ['s.yaml:3:18: `exclusive` keys name what runs share; ${uuid} differs from run to run: use vars and ${env.NAME}']);
});

t.test("a suite's exclusive keys are added to each scenario's, interpolated with its vars, without duplicates", async (t) => {
  const dir = t.testdir({
    'suite.yaml': 'exclusive: ["pop3 maildrop ${user}"]\nvars: { user: dave }\n',
    'a.yaml': 'name: a\nprotocol: pop3\nexclusive: ["pop3 maildrop ${user}", other]\nsteps:\n  - expect: "+OK"\n',
    'b.yaml': 'name: b\nprotocol: pop3\nvars: { user: erin }\nsteps:\n  - expect: "+OK"\n',
    'c.yaml': 'name: c\nprotocol: pop3\nexclusive: ["x ${nope}"]\nsteps:\n  - expect: "+OK"\n',
  });
  const result = await loadScenarios(['.'], { cwd: dir, env: {} });
  t.same(result.issues.map(formatIssue), ['c.yaml:3:16: unknown variable ${nope}']);
  t.same(Object.fromEntries(result.scenarios.map((s) => [s.name, s.exclusive])), {
    a: ['pop3 maildrop ${user}', 'other'],
    b: ['pop3 maildrop ${user}'],
  });
});

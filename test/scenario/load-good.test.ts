import t from 'tap';
import { fileURLToPath } from 'node:url';
import { formatIssue, loadScenarios } from '../../src/scenario/load.js';
import type { Scenario, Step } from '../../src/scenario/types.js';

const fixtures = fileURLToPath(new URL('../fixtures/scenarios/', import.meta.url));
const env = { HOME: '/root' };

async function loadOne(path: string): Promise<Scenario> {
  const result = await loadScenarios([path], { cwd: fixtures, env });
  if (result.issues.length > 0) throw new Error(result.issues.map(formatIssue).join('\n'));
  return result.scenarios[0]!;
}

/** Steps without the bulky parts, to compare whole. */
function brief(step: Step): Record<string, unknown> {
  const { span, index, expect, ...rest } = step;
  const out: Record<string, unknown> = { at: `${span.line}:${span.column}`, ...rest };
  if (expect) {
    const p = (list: Array<{ source: string; flags: string }>) => list.map((x) => `/${x.source}/${x.flags}`);
    out.expect = {
      ...(expect.status && { status: expect.status }),
      ...(expect.match.length && { match: p(expect.match) }),
      ...(expect.notMatch.length && { notMatch: p(expect.notMatch) }),
      ...(expect.untagged.length && { untagged: p(expect.untagged) }),
      ...(Object.keys(expect.capture).length && {
        capture: Object.fromEntries(Object.entries(expect.capture).map(([k, v]) => [k, v === 'body' ? v : `/${v.source}/${v.flags}`])),
      }),
      ...(expect.withinMs !== undefined && { withinMs: expect.withinMs }),
    };
  }
  if (step.kind === 'idle') out.until = `/${step.until.source}/${step.until.flags}`;
  return out;
}

t.test('SMTP: every SMTP step kind', async (t) => {
  const s = await loadOne('good/all/smtp.yaml');
  t.match(s, {
    name: 'SMTP step kinds',
    file: 'good/all/smtp.yaml',
    span: { file: 'good/all/smtp.yaml', line: 1, column: 1 },
    protocol: 'smtp',
    tags: ['smtp'],
    timeoutMs: 2000,
    deadlineMs: 5 * 2000 * 13,
    sessions: { default: { protocol: 'smtp', target: 'smtp://127.0.0.1:2525?tls=insecure&servername=mx.example.test' } },
  });
  t.same(s.vars, {
    user: 'alice@example.test',
    domain: 'example.test',
    sender: 'postmaster@${domain}',
    pin: '0123',
    home: '${env.HOME:-/root}',
  }, 'vars keep placeholders and numbers as written');
  const messages = `${fixtures}good/messages/plain.eml`;
  t.same(s.steps.map(brief), [
    { at: '13:5', session: 'default', kind: 'read', expect: { status: ['2xx'], withinMs: 500 } },
    {
      at: '15:5', session: 'default', kind: 'send', text: 'EHLO probe.${domain}',
      expect: {
        status: ['250', '2XX'],
        match: ['/PIPELINING/', '/chunking/i'],
        notMatch: ['/STARTTLS fake/'],
        capture: { authmechs: '/AUTH ([^\\r\\n]+)/', greeting: '/^250[- ](?<host>\\S+)/m' },
      },
    },
    { at: '22:5', session: 'default', kind: 'starttls' },
    {
      at: '23:5', session: 'default', kind: 'auth', mechanism: 'PLAIN', username: '${user}', password: '1234', authzid: '${host}',
      expect: { status: ['235'] },
    },
    {
      at: '25:5', session: 'default', kind: 'raw', timeoutMs: 5000,
      text: 'MAIL FROM:<${sender}>\\r\\nRCPT TO:<bob@${domain}>\\r\\n\\x2e',
      expect: { status: ['250'] },
    },
    {
      at: '28:5', session: 'default', kind: 'message', as: 'first',
      source: { kind: 'raw', text: 'Subject: hi ${uuid}\n\nbody ${seq} ${now} ${vu} ${iteration} ${authmechs}\n' },
      expect: { status: ['250'] },
    },
    {
      at: '31:5', session: 'default', kind: 'message', as: 'second', chunking: true,
      source: { kind: 'file', path: messages },
      expect: { status: ['250'] },
    },
    {
      at: '35:5', session: 'default', kind: 'message',
      source: {
        kind: 'mime',
        spec: {
          from: '${user}',
          to: ['bob@example.test'],
          cc: 'carol@example.test',
          subject: 'Re: ${first.messageId}',
          headers: { 'X-Pin': '${pin}' },
          text: 'Hello\n',
          html: '<p>Hello</p>',
          attachments: [
            { file: messages, type: 'message/rfc822', filename: 'forwarded.eml', disposition: 'attachment' },
            { content: 'Ünïcode', type: 'text/plain; charset=utf-8', encoding: 'quoted-printable', cid: 'part1', description: 'Text' },
          ],
        },
      },
      expect: { status: ['250'] },
    },
    { at: '48:5', session: 'default', kind: 'sleep', ms: 200 },
    { at: '49:5', session: 'default', kind: 'send', text: 'QUIT', expect: { status: ['221'] } },
    { at: '51:5', session: 'default', kind: 'expect_close' },
    { at: '52:5', session: 'default', kind: 'roundtrip', sent: '${first}', received: '${second}', mode: 'exact', ignoreHeaders: [] },
    { at: '53:5', session: 'default', kind: 'close' },
  ]);
  t.same(s.steps.map((step) => step.index), [...s.steps.keys()]);
  const matchPattern = s.steps[1]!.expect!.match[1]!;
  t.same(matchPattern.span, { file: 'good/all/smtp.yaml', line: 17, column: 27 }, 'patterns carry their own span');
});

t.test('IMAP: idle, untagged, APPEND, body capture, structural roundtrip', async (t) => {
  const s = await loadOne('good/all/imap.yaml');
  t.same(s.steps.map(brief), [
    { at: '4:5', session: 'default', kind: 'read', expect: { status: ['OK'] } },
    { at: '5:5', session: 'default', kind: 'auth', mechanism: 'LOGIN-COMMAND', username: 'bob', password: 'bobpw', expect: { status: ['OK', 'NO'] } },
    {
      at: '7:5', session: 'default', kind: 'message', as: 'appended', mailbox: 'INBOX', flags: ['\\Seen', '\\Flagged'],
      source: { kind: 'raw', text: 'Subject: x\n\nhi\n' },
      expect: { status: ['OK'] },
    },
    { at: '12:5', session: 'default', kind: 'send', text: 'SELECT INBOX', expect: { status: ['OK'], untagged: ['/\\d+ EXISTS/', '/FLAGS/'] } },
    { at: '15:5', session: 'default', kind: 'idle', until: '/EXISTS/', idleTimeoutMs: 30_000 },
    { at: '16:5', session: 'default', kind: 'send', text: 'FETCH 1 BODY.PEEK[]', expect: { capture: { fetched: 'body' } } },
    {
      at: '18:5', session: 'default', kind: 'roundtrip', sent: '${appended}', received: '${fetched}', mode: 'structural', ignoreHeaders: ['X-Spam'],
    },
    { at: '19:5', session: 'default', kind: 'send', text: 'LOGOUT', expect: { status: ['BYE'] } },
  ]);
  t.equal(s.deadlineMs, 5 * 10_000 * 8, 'default deadline: 5 × timeout × steps');
});

t.test('POP3: USER, APOP, multiline, +OK/-ERR', async (t) => {
  const s = await loadOne('good/all/pop3.yaml');
  t.same(s.steps.map(brief), [
    { at: '4:5', session: 'default', kind: 'read', expect: { status: ['+OK'] } },
    { at: '5:5', session: 'default', kind: 'auth', mechanism: 'USER', username: 'bob', password: 'bobpw', expect: { status: ['+OK'] } },
    { at: '7:5', session: 'default', kind: 'send', text: 'STAT', expect: { status: ['+OK'], capture: { count: '/\\+OK (\\d+)/' } } },
    { at: '10:5', session: 'default', kind: 'send', text: 'RETR ${count}', multiline: true, expect: { capture: { message: 'body' } } },
    { at: '13:5', session: 'default', kind: 'send', text: 'NOOP', multiline: false, expect: { status: ['+OK', '-ERR'] } },
    { at: '16:5', session: 'default', kind: 'auth', mechanism: 'APOP', username: 'bob', password: 'bobpw', expect: { status: ['-ERR'] } },
  ]);
});

t.test('the first example of SCENARIO-FORMAT.md, verbatim', async (t) => {
  const s = await loadOne('format/submission.yaml');
  t.match(s, {
    name: 'Submission with AUTH PLAIN after STARTTLS',
    description: 'Optional free text.',
    tags: ['rfc4954', 'submission'],
    protocol: 'smtp',
    timeoutMs: 10_000,
    deadlineMs: 60_000,
    sessions: { default: { protocol: 'smtp', target: 'submission' } },
    vars: { user: 'alice@example.test', password: '${env.MAILPROBE_PASSWORD:-alicepw}' },
  });
  t.same(s.steps.map((step) => step.kind), ['read', 'send', 'starttls', 'send', 'auth', 'send', 'send', 'message', 'send']);
  const message = s.steps[7]!;
  t.equal(message.kind === 'message' && message.as, 'sent');
  t.match(message.kind === 'message' && message.source, {
    kind: 'mime',
    spec: { subject: 'Grüße ${uuid}', attachments: [{ file: `${fixtures}format/fixtures/logo.png`, type: 'image/png' }] },
  });
});

t.test('the second example verbatim: only the elided `as: sent` step is missing', async (t) => {
  // The example leaves out "MAIL FROM / RCPT TO / message as: sent" in a comment, so ${sent} names
  // nothing; the format says an unknown variable is an error before anything is sent.
  const result = await loadScenarios(['format/two-sessions.yaml'], { cwd: fixtures, env });
  t.same(result.issues.map(formatIssue), [
    'format/two-sessions.yaml:12:56: unknown variable ${sent.messageId}',
    'format/two-sessions.yaml:14:25: unknown variable ${sent}',
  ]);
});

t.test('the second example completed: named sessions and no protocol', async (t) => {
  const s = await loadOne('good/two-sessions-completed.yaml');
  t.equal(s.protocol, 'smtp', 'the first session gives Scenario.protocol');
  t.same(s.sessions, { out: { protocol: 'smtp', target: 'smtp' }, in: { protocol: 'imap', target: 'imap' } }, 'no default session');
  t.same(s.steps.map((step) => step.session), ['out', 'out', 'out', 'out', 'out', 'in', 'in', 'in', 'in', 'in', 'default']);
  const roundtrip = s.steps[10]!;
  t.match(roundtrip, { kind: 'roundtrip', sent: '${sent}', received: '${received}', mode: 'exact' });
});

t.test('deadline default is capped at 10 minutes; explicit values win', async (t) => {
  const steps = Array.from({ length: 20 }, () => '  - send: NOOP\n    expect: 250\n').join('');
  const dir = t.testdir({
    'long.yaml': `name: long\nprotocol: smtp\ntimeout: 10s\nsteps:\n${steps}`,
    'explicit.yaml': `name: explicit\nprotocol: smtp\ntimeout: 250\ndeadline: 1.5s\nsteps:\n${steps}`,
  });
  const result = await loadScenarios(['.'], { cwd: dir, env });
  t.same(result.issues, []);
  t.same(result.scenarios.map((s) => [s.name, s.timeoutMs, s.deadlineMs]), [
    ['explicit', 250, 1500],
    ['long', 10_000, 600_000],
  ]);
});

import t from 'tap';
import { fileURLToPath } from 'node:url';
import { formatIssue, loadScenarios } from '../../src/scenario/load.js';

const fixtures = fileURLToPath(new URL('../fixtures/scenarios/', import.meta.url));
const env = {};

t.test('suite.yaml settings merge down the directory tree', async (t) => {
  const result = await loadScenarios(['good/suite'], { cwd: fixtures, env });
  t.same(result.issues.map(formatIssue), []);
  const [deeper, top] = result.scenarios;
  t.match(deeper, {
    name: 'suite deeper',
    file: 'good/suite/inner/deeper/scenario.yaml',
    tags: ['own', 'shared', 'suite-outer', 'suite-inner'],
    timeoutMs: 3000, // outer suite; inner gives none
    deadlineMs: 60_000, // inner suite
  });
  t.same(deeper!.vars, { domain: 'outer.test', user: 'inner', local: '${user}@${domain}' }, 'nearer vars win, own vars last');
  t.match(top, { name: 'suite top', tags: ['suite-outer', 'shared'], timeoutMs: 1000, deadlineMs: 5000 });
  t.same(top!.vars, { user: 'outer', domain: 'outer.test' });
});

t.test('targets from suite.yaml and targets.yaml files are merged', async (t) => {
  const result = await loadScenarios(['good/suite'], { cwd: fixtures, env });
  t.same(result.targets, {
    imap: 'imap://127.0.0.1:143',
    smtp: 'smtp://127.0.0.1:25',
    pop3: 'pop3s://127.0.0.1:995?tls=verify',
  }, 'the same URL for one name in two files is no conflict');
});

t.test('targets.yaml in the cwd is read; a path outside the cwd starts its own suite chain', async (t) => {
  const cwd = `${fixtures}cwd-targets`;
  const result = await loadScenarios(['../good/suite'], { cwd, env });
  t.same(result.issues, []);
  t.same(Object.keys(result.targets), ['submission', 'imap', 'smtp', 'pop3']);
  t.equal(result.scenarios[0]?.file, `${fixtures}good/suite/inner/deeper/scenario.yaml`, 'absolute outside the cwd');
});

t.test('a scenario file given alone still gets its suites up to the cwd', async (t) => {
  const result = await loadScenarios(['good/suite/inner/deeper/scenario.yaml'], { cwd: fixtures, env });
  t.same(result.issues, []);
  t.equal(result.scenarios[0]?.vars['user'], 'inner');
});

t.test('issues in suite.yaml and targets.yaml', async (t) => {
  const dir = t.testdir({
    'suite.yaml': 'vars:\n  greeting: hello ${nobody}\ntimeout: soon\ntargets:\n  mx: ftp://x\n',
    'targets.yaml': 'mx2: smtp://h?tls=maybe\n',
    'a.yaml': 'name: a\nprotocol: smtp\nsteps:\n  - send: "EHLO ${greeting}"\n',
    'b.yaml': 'name: b\nprotocol: smtp\nsteps:\n  - send: "EHLO ${greeting}"\n',
  });
  const result = await loadScenarios(['.'], { cwd: dir, env });
  t.same(result.issues.map(formatIssue), [
    'targets.yaml:1:6: `tls=maybe`: use tls=verify or tls=insecure',
    'suite.yaml:3:10: `timeout: soon` is not a duration above 0: write 250ms, 10s, 2m or 1h',
    'suite.yaml:5:7: unknown URL scheme `ftp:`: use smtp, smtps, pop3, pop3s, imap, imaps, http, https',
    'suite.yaml:2:19: unknown variable ${nobody}',
  ], 'a suite var problem is reported once, not once per scenario');
  t.same(result.scenarios, [], 'the scenarios using the broken var do not load');
});

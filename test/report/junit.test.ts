import t, { type Test } from 'tap';
import { renderJunit } from '../../src/report/junit.js';
import { matchGolden } from './fixtures/golden.js';
import { assertionFailure, hostile, HOSTILE, HOSTILE_SHOWN, passed, sampleRun, skipped } from './fixtures/results.js';
import { childrenNamed, parseXml, type XmlElement } from './fixtures/xml-parse.js';

function parsed(xml: string, t: Test): XmlElement {
  const { root, errors } = parseXml(xml);
  t.same(errors, [], 'well-formed XML 1.0 (strict parser)');
  if (!root) throw new Error('no root element');
  return root;
}

function counts(element: XmlElement) {
  const { tests, failures, errors, skipped } = element.attributes;
  return { tests, failures, errors, skipped };
}

t.test('golden', async (t) => {
  await matchGolden(t, 'junit.xml', renderJunit(sampleRun()));
});

t.test('one testsuite per file with the right counts, on each suite and on the root', async (t) => {
  const root = parsed(renderJunit(sampleRun()), t);
  t.equal(root.name, 'testsuites');
  t.same(counts(root), { tests: '7', failures: '3', errors: '2', skipped: '1' });
  t.equal(root.attributes['time'], '12.345');
  const suites = childrenNamed(root, 'testsuite');
  t.same(
    suites.map((s) => [s.attributes['name'], counts(s), s.attributes['time']]),
    [
      ['scenarios/smtp/basic.yaml', { tests: '2', failures: '1', errors: '0', skipped: '0' }, '0.172'],
      ['scenarios/smtp/slow.yaml', { tests: '3', failures: '0', errors: '2', skipped: '1' }, '12.512'],
      ['scenarios/roundtrip.yaml', { tests: '1', failures: '1', errors: '0', skipped: '0' }, '0.310'],
      ['scenarios/hostile.yaml', { tests: '1', failures: '1', errors: '0', skipped: '0' }, '0.042'],
    ],
  );
  for (const suite of suites) {
    const cases = childrenNamed(suite, 'testcase');
    t.equal(String(cases.length), suite.attributes['tests'], `${suite.attributes['name']}: testcases match tests`);
    const having = (name: string) => String(cases.filter((c) => childrenNamed(c, name).length > 0).length);
    t.equal(having('failure'), suite.attributes['failures']);
    t.equal(having('error'), suite.attributes['errors']);
    t.equal(having('skipped'), suite.attributes['skipped']);
  }
});

t.test('testcase attributes and outcome elements', async (t) => {
  const root = parsed(renderJunit(sampleRun()), t);
  const [basic, slow] = childrenNamed(root, 'testsuite');
  const [pass, fail] = childrenNamed(basic!, 'testcase');
  t.same(pass!.attributes, { classname: 'scenarios.smtp.basic', name: 'Greeting and QUIT', time: '0.042', file: 'scenarios/smtp/basic.yaml', line: '1' });
  t.same(pass!.children, [], 'a pass has no body');
  t.equal(fail!.attributes['name'], 'Relay is refused for strangers (repetition 2)');
  const failure = childrenNamed(fail!, 'failure')[0]!;
  t.same(failure.attributes, { message: 'MP_ASSERT_STATUS: reply status 554 is not one of 250, 251', type: 'MP_ASSERT_STATUS' });
  t.match(failure.text, 'step 3: send: RCPT TO:<bob@elsewhere.example>\nat scenarios/smtp/basic.yaml:9:5\n');
  t.match(failure.text, 'expected: 250, 251\nactual:   554-5.7.1 Relaying denied\n          554 5.7.1 Go away');
  t.match(childrenNamed(fail!, 'system-out')[0]!.text, 'transcript (6 entries):\n* connected to 127.0.0.1:2525\nS: 220 mx.example ESMTP\nC: EHLO probe.example');
  const [timeout, skip, intr] = childrenNamed(slow!, 'testcase');
  t.same(childrenNamed(timeout!, 'error')[0]!.attributes, { message: 'MP_ERR_TIMEOUT: no reply within 10s', type: 'MP_ERR_TIMEOUT' });
  t.match(childrenNamed(timeout!, 'system-out')[0]!.text, 'cut at the transcript limit');
  t.same(childrenNamed(skip!, 'skipped')[0]!.attributes, { message: 'server does not offer CHUNKING' });
  t.same(childrenNamed(intr!, 'error')[0]!.attributes, { message: 'MP_ERR_INTERRUPTED: interrupted by SIGINT', type: 'interrupted' });
});

t.test('hostile bytes cannot break the XML', async (t) => {
  const xml = renderJunit(sampleRun([hostile]));
  const root = parsed(xml, t);
  t.notMatch(xml, /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/, 'no forbidden character in the file');
  t.notMatch(xml, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/, 'no lone surrogate');
  const testcase = childrenNamed(childrenNamed(root, 'testsuite')[0]!, 'testcase')[0]!;
  t.equal(testcase.attributes['name'], 'Hostile "name" & <b> # 1 \\ \\x07', 'quotes, & and < read back as written; BEL escaped');
  const failure = childrenNamed(testcase, 'failure')[0]!;
  t.match(failure.text, `actual:   250 ${HOSTILE_SHOWN}\n          250 second line`);
  t.match(failure.attributes['message'], `reply does not match /ok/: ${HOSTILE_SHOWN}`);
  t.ok(HOSTILE.includes(']]>'), 'the fixture does hold "]]>"');
});

t.test('an empty run is a valid report', async (t) => {
  const root = parsed(renderJunit(sampleRun([])), t);
  t.same(counts(root), { tests: '0', failures: '0', errors: '0', skipped: '0' });
  t.same(root.children, []);
});

t.test('a skipped scenario without a reason and a pass stay short', async (t) => {
  const xml = renderJunit(sampleRun([passed, { ...skipped, failure: undefined }, assertionFailure]));
  parsed(xml, t);
  t.match(xml, '<skipped/>');
});

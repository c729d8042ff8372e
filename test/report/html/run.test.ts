/**
 * The run's HTML report from fixed results: well-formed (strict XML parser), failures first with where
 * and why, every scenario grouped by file, hostile server text escaped, no credentials in target URLs.
 */
import t from 'tap';
import { renderRunHtml } from '../../../src/report/html/run.js';
import { matchGolden } from '../fixtures/golden.js';
import { AssertCode } from '../../../src/results/types.js';
import { assertionFailure, hostile, HOSTILE_SHOWN, passed, sampleRun, skipped, twoSessions } from '../fixtures/results.js';
import { INJECTION, injectionScenario } from './fixtures.js';
import { byId, findAll as all, parsePage, textOf } from './page-parse.js';

t.test('golden', async (t) => {
  await matchGolden(t, 'run.html', renderRunHtml(sampleRun()));
});

t.test('the scenarios that did not pass come first, in full', async (t) => {
  const root = parsePage(t, renderRunHtml(sampleRun()));
  const sections = all(root, (e) => e.name === 'section').map((e) => e.attributes['id']);
  t.same(sections, ['summary', 'not-passed', 'skipped', 'scenarios'], 'summary, failures, skipped, all');
  const articles = all(root, (e) => e.name === 'article');
  t.same(
    articles.map((a) => a.attributes['id']),
    ['failure-2', 'failure-3', 'failure-5', 'failure-6', 'failure-7'],
    'one article per failed, erred or interrupted scenario',
  );
  const relay = textOf(articles[0]!);
  t.match(relay, 'FAIL Relay is refused for strangers (repetition 2) 130ms · scenarios/smtp/basic.yaml:1 smtp', 'outcome, name, repetition, where it starts');
  t.match(relay, 'step 3 send: RCPT TO:<bob@elsewhere.example> at scenarios/smtp/basic.yaml:9:5', 'failing step and its file:line:column');
  t.match(relay, 'MP_ASSERT_STATUS: reply status 554 is not one of 250, 251');
  t.match(relay, 'expected 250, 251 got 554-5.7.1 Relaying denied 554 5.7.1 Go away', 'expected vs got');
  t.match(relay, 'transcript (6 entries) * connected to 127.0.0.1:2525 S: 220 mx.example ESMTP C: EHLO probe.example');
  const timeout = textOf(articles[1]!);
  t.match(timeout, 'error MP_ERR_TIMEOUT: no reply within 10s', 'an error is named as one');
  t.match(timeout, 'cut at the transcript limit');
  const roundtrip = textOf(articles[3]!);
  t.match(roundtrip, 'sent Subject: Grüße received Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=', 'a round trip compares sent and received');
  t.match(roundtrip, 'out S: 220 mx.example ESMTP in S: * OK IMAP ready', 'the session names the lines of a two-session transcript');
});

t.test('skipped scenarios say why; every scenario is listed under its suite and file', async (t) => {
  const root = parsePage(t, renderRunHtml(sampleRun()));
  const skippedSection = byId(root, 'skipped');
  t.equal(textOf(skippedSection), 'Skipped (1) SKIP CHUNKING with BDAT scenarios/smtp/slow.yaml:1 : server does not offer CHUNKING');
  const headings = (cls: string, tag: string): string[] =>
    all(root, (e) => e.attributes['class'] === cls).map((e) => textOf(all(e, (n) => n.name === tag)[0]!));
  const suites = headings('suite', 'h3');
  t.same(suites, ['./', 'smtp/'], 'suites by directory, under the directory all files share');
  t.match(textOf(byId(root, 'scenarios')), /^Scenarios by suite and file Files under scenarios\/ \.\//, 'which is named once');
  const files = headings('file', 'h4');
  t.same(files, ['hostile.yaml 0 of 1 passed, 1 not', 'roundtrip.yaml 0 of 1 passed, 1 not', 'smtp/basic.yaml 1 of 2 passed, 1 not', 'smtp/slow.yaml 0 of 3 passed, 2 not']);
  t.equal(all(root, (e) => e.name === 'details').length, 7, 'one collapsible line per scenario result');
});

t.test('the summary counts outcomes and names the targets without credentials', async (t) => {
  const withSecret = { ...passed, targets: { default: 'smtp://alice:alicepw@127.0.0.1:2525' } };
  const page = renderRunHtml(sampleRun([withSecret, assertionFailure, skipped]));
  t.notMatch(page, 'alicepw');
  const root = parsePage(t, page);
  const summary = textOf(byId(root, 'summary'));
  t.match(summary, '3 scenarios 1 passed 1 failed 0 errors 1 skipped 0 interrupted', 'counts');
  t.match(summary, 'Targets: smtp://127.0.0.1:2525');
});

t.test('a run with no tags has no filter and no script; all passed says so', async (t) => {
  const page = renderRunHtml(sampleRun([{ ...passed, tags: [] }]));
  t.notMatch(page, '<script');
  const csp = all(parsePage(t, page), (e) => e.attributes['http-equiv'] === 'Content-Security-Policy')[0]!;
  t.match(csp.attributes['content'], "script-src 'none'", 'and a policy that runs none');
  t.match(page, 'Every scenario that ran passed.');
});

t.test('hostile server text is escaped, never markup', async (t) => {
  const page = renderRunHtml(sampleRun([hostile, injectionScenario]));
  const root = parsePage(t, page);
  t.equal(all(root, (e) => e.name === 'script').length, 1, 'only the page’s own script');
  t.equal(all(root, (e) => e.name === 'style').length, 1, 'only the page’s own stylesheet');
  t.same(all(root, (e) => e.name === 'img' || e.name === 'iframe'), [], 'no element from the transcript');
  t.match(textOf(root), INJECTION, 'the hostile text is shown as text');
  t.ok(textOf(root).includes(HOSTILE_SHOWN.replace(/[ \t\n]+/g, ' ')), 'controls shown as \\xNN');
  t.notMatch(page, '</style><script>', 'no closing tag survives');
});

t.test('a structural round trip lists its differences, the allowed ones apart', async (t) => {
  const failure = {
    kind: 'assertion' as const,
    code: AssertCode.ROUNDTRIP,
    message: '2 structural differences between the sent and the received message:\n- part 1.2 (image/png): body differs\n- header Subject: value differs\nalso (allowed in structural mode):\n- part 1.1: transfer encoding quoted-printable → base64',
    expected: 'Subject: a',
    actual: 'Subject: b',
    step: 2,
  };
  const root = parsePage(t, renderRunHtml(sampleRun([{ ...twoSessions, failure, steps: twoSessions.steps.map((s) => (s.index === 2 ? { ...s, failure } : s)) }])));
  const article = all(root, (e) => e.name === 'article')[0]!;
  t.same(
    all(article, (e) => e.name === 'ul').map((ul) => all(ul, (e) => e.name === 'li').map(textOf)),
    [['part 1.2 (image/png): body differs', 'header Subject: value differs'], ['part 1.1: transfer encoding quoted-printable → base64']],
    'breaking differences, then the allowed ones, each a list',
  );
  t.match(textOf(article), 'MP_ASSERT_ROUNDTRIP: 2 structural differences between the sent and the received message: part 1.2');
  t.match(textOf(article), 'also (allowed in structural mode): part 1.1');
  t.match(textOf(article), 'sent Subject: a received Subject: b');
});

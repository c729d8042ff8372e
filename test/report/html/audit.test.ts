/**
 * The audit's HTML report: well-formed (strict XML parser), grades per subject and area, failures then
 * warnings with their evidence, every finding by service; evidence a server sent is text, never markup.
 */
import t from 'tap';
import { AUDIT_REPORTERS } from '../../../src/audit/report/index.js';
import { renderAuditHtml } from '../../../src/report/html/audit.js';
import { matchGolden } from '../fixtures/golden.js';
import { INJECTION, sampleAudit } from './fixtures.js';
import { byId, findAll, parsePage, textOf } from './page-parse.js';

t.test('golden; the audit reporters render html by name', async (t) => {
  await matchGolden(t, 'audit.html', renderAuditHtml(sampleAudit));
  t.equal(AUDIT_REPORTERS.html!.render(sampleAudit), renderAuditHtml(sampleAudit));
});

t.test('verdict, grades by subject and area', async (t) => {
  const root = parsePage(t, renderAuditHtml(sampleAudit));
  t.match(textOf(byId(root, 'verdict')), 'Failed : 1 failed, 2 warnings, 2 passed, 1 info, 1 skipped.');
  const rows = findAll(byId(root, 'audit-grades'), (n) => n.name === 'tr').map(textOf);
  t.same(rows, ['net dns smtp relay smuggling', 'example.test (domain) - B - - -', 'mx.example.test (MX of example.test) A - B F -']);
});

t.test('failures before warnings, each with where, rule and evidence', async (t) => {
  const root = parsePage(t, renderAuditHtml(sampleAudit));
  const articles = findAll(byId(root, 'audit-worst'), (n) => n.name === 'article').map(textOf);
  t.equal(articles.length, 3);
  t.match(articles[0]!, /^FAIL relay\.external title of relay\.external mx\.example\.test \(MX of example\.test\) · smtp smtp:\/\/127\.0\.0\.1:25 · RFC 5321 §3\.6\.2 relay recipient accepted/);
  t.match(articles[0]!, 'probe 1: <relay-test@x.invalid> → 250 C: RCPT TO:<relay-test@x.invalid> S: 250 2.1.5');
  t.match(articles[1]!, /^WARN dns\.dmarc/);
  t.match(articles[2]!, /^WARN smtp\.banner/);
});

t.test('every finding by subject and service, worst first', async (t) => {
  const root = parsePage(t, renderAuditHtml(sampleAudit));
  const tables = findAll(byId(root, 'audit-subjects'), (n) => n.name === 'tbody');
  t.same(
    tables.map((table) => findAll(table, (n) => n.name === 'code').map(textOf)),
    [['dns.dmarc', 'dns.mx'], ['relay.external', 'smtp.banner', 'smtp.software', 'net.connect', 'smuggling.lf-dot-lf']],
  );
});

t.test('evidence from the server is escaped', async (t) => {
  const root = parsePage(t, renderAuditHtml(sampleAudit));
  t.same(findAll(root, (n) => ['script', 'img', 'style'].includes(n.name)).map((n) => n.name), ['style'], 'only the page’s own stylesheet');
  t.match(textOf(root), INJECTION);
});

/**
 * The audit reporters are pure functions of an AuditResult: JUnit is well-formed with one testcase per
 * check and host and counts that agree; Markdown escapes tables and fences; the console report is plain
 * without colour, worst first, with evidence for failures; the file reports are written by name.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { renderAuditConsole } from '../../src/audit/report/console.js';
import { AUDIT_REPORTERS } from '../../src/audit/report/index.js';
import { parseReporters, writeReportFiles } from '../../src/report/reporters.js';
import { evidenceLines } from '../../src/audit/report/text.js';
import { AUDIT_RESULT_VERSION, type AuditResult, type Finding } from '../../src/audit/types.js';
import { childrenNamed, parseXml } from '../report/fixtures/xml-parse.js';

function finding(id: string, level: Finding['level'], summary: string, extra: Partial<Finding> = {}): Finding {
  const area = id.split('.')[0] as Finding['area'];
  return { id, area, title: `title of ${id}`, rule: 'RFC 5321 §3.6.2', level, summary, evidence: [], durationMs: 12, ...extra };
}

const HOSTILE = 'evil | `x` ]]> <b>&\x1b[31m';

const RESULT: AuditResult = {
  version: AUDIT_RESULT_VERSION,
  tool: { name: 'mailprobe', version: '9.9.9' },
  startedAt: '2026-01-02T03:04:05.000Z',
  durationMs: 1234,
  targets: ['example.test'],
  deadlineReached: false,
  summary: { fail: 1, warn: 1, pass: 2, info: 1, skipped: 1 },
  subjects: [
    {
      kind: 'domain',
      name: 'example.test',
      findings: [finding('dns.mx', 'pass', '1 MX: mx.example.test'), finding('dns.dmarc', 'warn', 'no DMARC record')],
      services: [],
      grades: { dns: 'B' },
    },
    {
      kind: 'host',
      name: 'mx.example.test',
      via: 'example.test',
      findings: [],
      services: [
        {
          name: 'smtp',
          url: 'smtp://127.0.0.1:25',
          findings: [
            finding('net.connect', 'pass', 'answers'),
            finding('smtp.software', 'info', `discloses ${HOSTILE}`),
            finding('relay.external', 'fail', 'relay recipient accepted at RCPT (250): open relay', {
              evidence: [
                { session: 'relay', dir: 'c', atMs: 1, text: 'RCPT TO:<relay-test@x.invalid>\r\n' },
                { session: 'relay', dir: 's', atMs: 2, text: `250 2.1.5 ${HOSTILE}\r\n` },
              ],
            }),
            finding('smuggling.lf-dot-lf', 'skipped', 'delivers mail: runs only with --intrusive --rcpt ADDRESS'),
          ],
        },
      ],
      grades: { net: 'A', smtp: 'A', relay: 'F', smuggling: '-' },
    },
  ],
};

t.test('JUnit: well-formed, one testcase per check and service, counts agree, fail → failure, skipped → skipped', async (t) => {
  const xml = AUDIT_REPORTERS.junit!.render(RESULT);
  const { root, errors } = parseXml(xml);
  t.same(errors, []);
  t.match(root!.attributes, { tests: '6', failures: '1', skipped: '1', errors: '0' });
  const suites = childrenNamed(root!, 'testsuite');
  t.same(suites.map((s) => s.attributes.name), ['example.test dns', 'mx.example.test smtp://127.0.0.1:25']);
  const cases = suites.flatMap((s) => childrenNamed(s, 'testcase'));
  t.equal(cases.length, 6);
  const relay = cases.find((c) => c.attributes.name!.startsWith('relay.external'))!;
  t.equal(relay.attributes.classname, 'audit.mx.example.test.smtp');
  const failure = childrenNamed(relay, 'failure')[0]!;
  t.equal(failure.attributes.type, 'relay.external');
  t.match(failure.text, /RCPT TO:<relay-test@x\.invalid>[\s\S]*evil \| `x` \]\]> <b>&/);
  t.equal(childrenNamed(cases.find((c) => c.attributes.name!.startsWith('smuggling'))!, 'skipped').length, 1);
  t.equal(childrenNamed(cases.find((c) => c.attributes.name!.startsWith('dns.dmarc'))!, 'failure').length, 0, 'a warning is not a failed test');
});

t.test('Markdown: grades, tables with escaped cells, evidence in a fence the text cannot close', async (t) => {
  const md = AUDIT_REPORTERS.markdown!.render(RESULT);
  t.match(md, /^# mailprobe audit\n\n\*\*Failed\*\*: 1 failed, 1 warnings, 2 passed, 1 info, 1 skipped\./);
  t.match(md, /## mx\.example\.test \(MX of example\.test\)/);
  t.match(md, /\| net \| smtp \| relay \| smuggling \|\n\| --- \| --- \| --- \| --- \|\n\| A \| A \| F \| - \|/);
  const softwareRow = md.split('\n').find((line) => line.includes('smtp.software'))!;
  t.equal(softwareRow.split(/(?<!\\)\|/).length, 6, 'pipes in the text are escaped: still 4 cells');
  t.notMatch(softwareRow, /<b>/, 'HTML is escaped');
  t.notMatch(md, /\x1b/, 'no raw ESC');
  t.match(md, /#### FAIL `relay.external`[\s\S]*\n```text\n[\s\S]*`x`[\s\S]*\n```\n/, 'a fence longer than any backtick run');
  t.match(AUDIT_REPORTERS.markdown!.render({ ...RESULT, subjects: [{ ...RESULT.subjects[1]!, services: [{ ...RESULT.subjects[1]!.services[0]!, findings: [finding('relay.external', 'fail', 's', { evidence: [{ session: 'r', dir: 's', atMs: 0, text: '250 ```` x' }] })] }] }] }), /\n`````text\n/, 'five backticks around four');
  t.ok(md.indexOf('relay.external') < md.indexOf('net.connect'), 'worst first');
});

t.test('console: plain without colour, worst first, evidence for failures and warnings only', async (t) => {
  const text = renderAuditConsole(RESULT, { color: false });
  t.notMatch(text, /\x1b\[/, 'no ANSI');
  t.match(text, /example\.test \(domain\)\n  grades: dns B\n  dns\n    ! WARN dns\.dmarc/);
  t.ok(text.indexOf('FAIL relay.external') < text.indexOf('PASS net.connect'), 'worst first within a service');
  t.match(text, /rule: RFC 5321 §3\.6\.2\n\s+evidence:\n\s+C: RCPT TO:<relay-test@x\.invalid>\n\s+S: 250 2\.1\.5 evil/);
  t.notMatch(text.split('PASS net.connect')[1]!.split('\n')[1] ?? '', /rule:/, 'no rule under a pass');
  t.match(text, /audit failed: 1 failed, 1 warnings, 2 passed, 1 info, 1 skipped in 1\.23s\n$/);
  t.match(renderAuditConsole(RESULT, { color: true }), /\x1b\[31m/, 'colour on request');
  t.match(renderAuditConsole(RESULT, { color: false, verbose: true }).split('PASS net.connect')[1], /^\s+\S.*\n\s+rule:/, 'verbose: rule for every finding');
});

t.test('JSON: the result as is, versioned, with the catalogue', async (t) => {
  const json = JSON.parse(AUDIT_REPORTERS.json!.render(RESULT)) as AuditResult & { checks: Array<{ id: string }> };
  t.equal(json.version, AUDIT_RESULT_VERSION);
  t.same(json.subjects, RESULT.subjects);
  t.ok(json.checks.some((check) => check.id === 'relay.external'));
});

t.test('evidence lines: prefixes, controls escaped, long evidence keeps its start and its end', async (t) => {
  t.same(evidenceLines([{ session: 'dns', dir: 'c', atMs: 0, text: 'MX example.test?' }, { session: 's', dir: 'i', atMs: 0, text: 'a\x1bb' }]), ['dns C: MX example.test?', '* a\\x1Bb']);
  const many = Array.from({ length: 50 }, (_, i) => ({ session: 'x', dir: 's' as const, atMs: i, text: `line ${i}` }));
  const lines = evidenceLines(many, 10);
  t.equal(lines.length, 10);
  t.same(lines.slice(0, 3), ['S: line 0', 'S: line 1', 'S: line 2']);
  t.equal(lines[3], '… 41 lines');
  t.equal(lines.at(-1), 'S: line 49');
});

t.test('the audit reporters, parsed and written like every command\'s', async (t) => {
  t.throws(() => parseReporters(['tap'], AUDIT_REPORTERS, 'audit', '/tmp'), /audit reporters are console, json, junit, markdown, html/);
  const dir = await mkdtemp(join(tmpdir(), 'mailprobe-audit-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const reporters = parseReporters(['console', 'junit', 'markdown=md/audit.md'], AUDIT_REPORTERS, 'audit', dir);
  const written = await writeReportFiles(reporters.files, RESULT);
  t.same(written, [join(dir, 'reports/audit-junit.xml'), join(dir, 'md/audit.md')]);
  t.equal(await readFile(written[1]!, 'utf8'), AUDIT_REPORTERS.markdown!.render(RESULT));
  t.same(await readdir(join(dir, 'md')), ['audit.md'], 'no temporary file left');
});

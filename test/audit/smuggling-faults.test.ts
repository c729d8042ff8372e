/**
 * SMTP smuggling probes and network faults. A server that ends DATA at a bare LF fails exactly the
 * variants it accepts, and the only recipient is --rcpt; without --intrusive --rcpt nothing is sent.
 * A refused port, a silent server, a dropped connection and the global deadline are named findings, and
 * the other targets are still audited.
 */
import t from 'tap';
import { SMUGGLING_SEQUENCES, smugglingPayload } from '../../src/audit/checks/smuggling.js';
import { runAudit } from '../../src/audit/run.js';
import { startRawServer, neverAnswers } from '../helpers/raw-server.js';
import { refusedPort, startScriptedSmtp } from './helpers/scripted-smtp.js';
import { auditOptions, findingsOf, levels } from './helpers/options.js';

t.test('the payload holds the sequence and then the smuggled MAIL FROM, and no CRLF.CRLF', async (t) => {
  for (const [id, sequence] of Object.entries(SMUGGLING_SEQUENCES)) {
    const payload = smugglingPayload('alice@example.test', id, sequence).toString('latin1');
    t.ok(payload.includes(`${sequence}MAIL FROM:<alice@example.test>\r\n`), id);
    t.notOk(payload.includes('\r\n.\r\n'), `${id}: never the real end of data`);
  }
});

t.test('without --intrusive --rcpt the smuggling checks are skipped and send nothing', async (t) => {
  const server = await startScriptedSmtp({ endOfData: 'lax' });
  t.teardown(() => server.close());
  const result = await runAudit(auditOptions([server.url], { only: ['smuggling'], rcpt: 'alice@example.test' }));
  for (const finding of result.subjects[0]!.services[0]!.findings) {
    t.match(finding, { level: 'skipped', summary: /--intrusive --rcpt/ }, finding.id);
  }
  t.notOk(server.commands.some((line) => line.startsWith('DATA')));
});

t.test('a server ending DATA at bare LF fails the LF variants only; mail goes to --rcpt only', async (t) => {
  const server = await startScriptedSmtp({ endOfData: 'lax' });
  t.teardown(() => server.close());
  const result = await runAudit(auditOptions([server.url], { only: ['smuggling'], rcpt: 'alice@example.test', intrusive: true }));
  t.same(levels(result), {
    'smuggling.lf-dot-lf': 'fail',
    'smuggling.lf-dot-crlf': 'fail',
    'smuggling.crlf-dot-lf': 'fail',
    'smuggling.cr-dot-cr': 'pass',
    'smuggling.crlf-dot-cr': 'pass',
  });
  const rcpts = new Set(server.commands.filter((line) => line.startsWith('RCPT')));
  t.same([...rcpts], ['RCPT TO:<alice@example.test>'], 'the only recipient is the one the user named');
  const evidence = findingsOf(result).get('smtp/smuggling.lf-dot-lf')!.evidence;
  t.equal(evidence[0]!.text, 'MAIL FROM:<alice@example.test>\r\n', 'evidence starts at the transaction');
  t.ok(evidence.filter((e) => e.dir === 's' && e.text.startsWith('250')).length >= 4, 'the end-of-data and smuggled MAIL FROM answers');
});

t.test('a strict server passes every variant and gets each message ended properly', async (t) => {
  const server = await startScriptedSmtp({ endOfData: 'strict' });
  t.teardown(() => server.close());
  const result = await runAudit(auditOptions([server.url], { only: ['smuggling'], rcpt: 'alice@example.test', intrusive: true, timeoutMs: 1000 }));
  t.ok(Object.values(levels(result)).every((level) => level === 'pass'), JSON.stringify(levels(result)));
  t.equal(server.messages.length, 5, 'five messages, each to --rcpt');
});

t.test('a refused port is a named finding: net.connect fails (refused), the rest is skipped with that reason', async (t) => {
  const port = await refusedPort();
  const server = await startScriptedSmtp();
  t.teardown(() => server.close());
  const result = await runAudit(auditOptions([`127.0.0.1:${port}`, server.url], { only: ['smtp', 'relay.external'] }));
  t.equal(result.subjects.length, 2, 'both targets audited');
  const refused = result.subjects[0]!.services[0]!.findings;
  t.match(refused[0], { id: 'net.connect', level: 'fail', problem: 'refused' }, 'reported even though --checks left it out');
  t.ok(refused.slice(1).every((f) => f.level === 'skipped' && /unreachable \(refused\)/.test(f.summary)));
  t.equal(result.subjects[1]!.services[0]!.findings.find((f) => f.id === 'relay.external')!.level, 'pass', 'the other target still ran');
});

t.test('a server that drops the connection after its greeting is a named finding, not a crash', async (t) => {
  const server = await startScriptedSmtp({ dropAfterGreeting: true });
  t.teardown(() => server.close());
  const result = await runAudit(auditOptions([server.url], { only: ['net', 'smtp.ehlo', 'relay.external', 'enumeration.vrfy'] }));
  const found = findingsOf(result);
  t.match(found.get('smtp/net.connect'), { level: 'warn', problem: 'dropped' });
  t.match(found.get('smtp/smtp.ehlo'), { level: 'skipped' });
  t.match(found.get('smtp/relay.external'), { level: 'warn', problem: 'dropped' });
  t.match(found.get('smtp/enumeration.vrfy'), { level: 'warn', problem: 'dropped', summary: /could not complete/ });
});

t.test('a silent server times out (named) and the global deadline skips what is left', async (t) => {
  const server = await startRawServer(neverAnswers);
  t.teardown(() => server.close());
  const started = Date.now();
  const result = await runAudit(auditOptions([server.url], { only: ['net', 'smtp', 'relay', 'enumeration'], timeoutMs: 300, deadlineMs: 500 }));
  t.ok(Date.now() - started < 5000, 'bounded by the deadline');
  const found = findingsOf(result);
  t.match(found.get('smtp/net.connect'), { level: 'warn', problem: 'timeout' });
  t.ok(result.deadlineReached, 'the deadline was reached');
  t.ok([...found.values()].some((f) => f.level === 'skipped' && /deadline/.test(f.summary)), 'later checks skipped at the deadline');
});

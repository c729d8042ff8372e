/**
 * Relay battery, enumeration and AUTH checks against scripted servers: an open relay fails every variant
 * and the probes never send DATA; a closed one passes; VRFY that reveals warns; AUTH before TLS fails.
 */
import t from 'tap';
import { RELAY_PROBES } from '../../src/audit/checks/relay.js';
import { runAudit } from '../../src/audit/run.js';
import { startScriptedSmtp } from './helpers/scripted-smtp.js';
import { auditOptions, findingsOf, levels } from './helpers/options.js';

const RELAY_IDS = Object.keys(RELAY_PROBES);

t.test('an open relay fails every relay probe, and no probe passes RCPT', async (t) => {
  const server = await startScriptedSmtp({ openRelay: true });
  t.teardown(() => server.close());
  const result = await runAudit(auditOptions([server.url], { only: ['relay'] }));
  const found = levels(result);
  for (const id of RELAY_IDS) t.equal(found[id], 'fail', `${id} fails`);
  t.equal(result.summary.fail, RELAY_IDS.length);
  t.notOk(server.commands.some((line) => /^(DATA|BDAT)/i.test(line)), 'never DATA');
  t.equal(server.messages.length, 0, 'nothing was delivered');
  const rcpts = server.commands.filter((line) => line.startsWith('RCPT'));
  t.equal(rcpts.length, RELAY_IDS.length, 'one RCPT per variant');
  t.ok(rcpts.every((line) => /mailprobe-relay-test\.invalid|192\.0\.2\.1/.test(line)), 'only unroutable external addresses');
  t.ok(rcpts.includes('RCPT TO:<@[127.0.0.1]:relay-test@mailprobe-relay-test.invalid>'), 'the source-route variant, through the address literal');
  t.ok(server.commands.includes('MAIL FROM:<>'), 'the null-sender variant');
  const external = findingsOf(result).get('smtp/relay.external')!;
  t.same(external.evidence.map((e) => e.dir), ['c', 's', 'c', 's', 'c', 's'], 'evidence: RSET, MAIL, RCPT and their answers');
});

t.test('a server that refuses relaying passes; the local domain comes from --rcpt', async (t) => {
  const server = await startScriptedSmtp();
  t.teardown(() => server.close());
  const result = await runAudit(auditOptions([server.url], { only: ['relay'], rcpt: 'alice@example.test' }));
  for (const id of RELAY_IDS) t.equal(levels(result)[id], 'pass', `${id} passes`);
  t.ok(server.commands.includes('RCPT TO:<relay-test%mailprobe-relay-test.invalid@example.test>'), 'percent hack in the local domain');
});

t.test('VRFY that tells users apart warns; RCPT differences are info; EXPN refused passes', async (t) => {
  const server = await startScriptedSmtp({ vrfy: 'reveal' });
  t.teardown(() => server.close());
  const result = await runAudit(auditOptions([server.url], { only: ['enumeration'], rcpt: 'alice@example.test' }));
  t.same(levels(result), { 'enumeration.vrfy': 'warn', 'enumeration.expn': 'pass', 'enumeration.rcpt': 'info' });
  const vrfy = findingsOf(result).get('smtp/enumeration.vrfy')!;
  t.match(vrfy.summary, /250 for alice@example.test, 550 for a missing address/);
  t.equal(vrfy.evidence[0]!.text, 'VRFY alice@example.test\r\n', 'evidence starts at the VRFY');
});

t.test('VRFY disabled passes', async (t) => {
  const server = await startScriptedSmtp({ vrfy: 'disabled' });
  t.teardown(() => server.close());
  const result = await runAudit(auditOptions([server.url], { only: ['enumeration.vrfy'] }));
  t.equal(levels(result)['enumeration.vrfy'], 'pass');
});

t.test('AUTH offered before TLS fails; mechanisms before and after STARTTLS are listed', async (t) => {
  const server = await startScriptedSmtp({ starttls: 'ok', authBeforeTls: true });
  t.teardown(() => server.close());
  const result = await runAudit(auditOptions([server.url], { only: ['auth'] }));
  const found = findingsOf(result);
  t.match(found.get('smtp/auth.before-tls')!, { level: 'fail', summary: /AUTH PLAIN LOGIN offered before TLS/ });
  t.match(found.get('smtp/auth.mechanisms')!, { level: 'info', details: ['before TLS: PLAIN LOGIN', 'after STARTTLS: PLAIN LOGIN'] });
});

t.test('AUTH only after STARTTLS passes', async (t) => {
  const server = await startScriptedSmtp({ starttls: 'ok' });
  t.teardown(() => server.close());
  const result = await runAudit(auditOptions([server.url], { only: ['auth'] }));
  t.same(levels(result), { 'auth.before-tls': 'pass', 'auth.mechanisms': 'info' });
  t.same(findingsOf(result).get('smtp/auth.mechanisms')!.details, ['before TLS: none', 'after STARTTLS: PLAIN LOGIN']);
});

/**
 * Service and TLS checks against scripted servers on loopback: greeting, EHLO, extensions, software
 * disclosure, STARTTLS, each TLS version probed on its own, the certificate, and STARTTLS command
 * injection (a server that runs what was pipelined after STARTTLS must fail; one that discards it passes).
 */
import t from 'tap';
import { runAudit } from '../../src/audit/run.js';
import { startScriptedSmtp } from './helpers/scripted-smtp.js';
import { auditOptions, findingsOf, levels } from './helpers/options.js';

t.test('a plain server without STARTTLS: service checks pass, STARTTLS fails, TLS checks are skipped with the reason', async (t) => {
  const server = await startScriptedSmtp({ starttls: 'none', banner: '220 mx.example.test ESMTP Exim 4.96 ready', extensions: ['PIPELINING', 'SIZE 1000000', 'SMTPUTF8'] });
  t.teardown(() => server.close());
  const result = await runAudit(auditOptions([server.url], { only: ['net', 'smtp', 'tls'] }));
  const found = findingsOf(result);
  t.match(levels(result), {
    'net.connect': 'pass',
    'smtp.banner': 'pass',
    'smtp.ehlo': 'pass',
    'smtp.greeting-delay': 'info',
    'smtp.extensions': 'info',
    'smtp.software': 'info',
    'tls.starttls': 'fail',
    'tls.versions': 'skipped',
    'tls.certificate-name': 'skipped',
    'tls.implicit': 'skipped',
  });
  t.match(found.get('smtp/smtp.software')!.summary, 'Exim 4.96');
  t.match(found.get('smtp/tls.versions')!.summary, 'STARTTLS not offered');
  const extensions = found.get('smtp/smtp.extensions')!;
  t.match(extensions.details!.join('\n'), /SIZE\s+yes \(1000000\)/);
  t.match(extensions.details!.join('\n'), /CHUNKING\s+no/);
  t.ok(found.get('smtp/tls.starttls')!.evidence.some((entry) => entry.dir === 's' && entry.text.startsWith('250 ')), 'evidence holds the EHLO answer');
});

t.test('a slow greeting is measured', async (t) => {
  const server = await startScriptedSmtp({ greetingDelayMs: 300 });
  t.teardown(() => server.close());
  const result = await runAudit(auditOptions([server.url], { only: ['smtp.greeting-delay'] }));
  const finding = findingsOf(result).get('smtp/smtp.greeting-delay')!;
  t.equal(finding.level, 'info');
  const ms = Number(/(\d+)ms/.exec(finding.summary)?.[1]);
  t.ok(ms >= 290 && ms < 2000, `greeting after ${ms} ms`);
});

t.test('TLS 1.0 accepted → tls.versions warns and lists each version; certificate checks read the chain', async (t) => {
  const server = await startScriptedSmtp({ starttls: 'ok', tlsMinVersion: 'TLSv1' });
  t.teardown(() => server.close());
  const result = await runAudit(auditOptions([server.url], { only: ['tls'] }));
  const found = findingsOf(result);
  const versions = found.get('smtp/tls.versions')!;
  t.equal(versions.level, 'warn', versions.summary);
  t.match(versions.summary, /TLSv1\b/);
  t.match(versions.details!.join('\n'), /SSLv3\s+refused[\s\S]*TLSv1\s+accepted[\s\S]*TLSv1\.2\s+accepted/);
  t.ok(versions.evidence.filter((e) => /pinned to/.test(e.text)).length >= 4, 'one pinned handshake per version');
  t.equal(found.get('smtp/tls.starttls')!.level, 'pass');
  t.equal(found.get('smtp/tls.certificate-chain')!.level, 'warn', 'self-signed, not in the system store');
  t.equal(found.get('smtp/tls.certificate-self-signed')!.level, 'warn');
  t.equal(found.get('smtp/tls.certificate-name')!.level, 'pass', 'the certificate names 127.0.0.1');
  t.equal(found.get('smtp/tls.certificate-key-size')!.summary, 'RSA 2048 bits');
  t.match(found.get('smtp/tls.certificate-expiry')!, { level: 'warn', summary: /expires in \d days/ });
  t.equal(found.get('smtp/tls.starttls-injection')!.level, 'pass');
});

t.test('with --ca the chain verifies; TLS ≥ 1.2 only → tls.versions passes', async (t) => {
  const server = await startScriptedSmtp({ starttls: 'ok', tlsMinVersion: 'TLSv1.2' });
  t.teardown(() => server.close());
  const result = await runAudit(auditOptions([server.url], { only: ['tls.versions', 'tls.certificate-chain', 'tls.cipher'], ca: server.cert }));
  t.match(levels(result), { 'tls.versions': 'pass', 'tls.certificate-chain': 'pass', 'tls.cipher': 'info' });
  t.match(findingsOf(result).get('smtp/tls.versions')!.summary, 'accepts TLSv1.2, TLSv1.3');
});

t.test('STARTTLS command injection (CVE-2011-0411) fails with the evidence', async (t) => {
  const server = await startScriptedSmtp({ starttls: 'injectable' });
  t.teardown(() => server.close());
  const result = await runAudit(auditOptions([server.url], { only: ['tls.starttls-injection'] }));
  const finding = findingsOf(result).get('smtp/tls.starttls-injection')!;
  t.equal(finding.level, 'fail', finding.summary);
  t.ok(finding.evidence.some((e) => e.dir === 'c' && e.text.includes('STARTTLS\r\nNOOP')), 'the pipelined bytes are in the evidence');
  t.ok(finding.evidence.some((e) => e.dir === 's' && e.text.startsWith('250')), 'so is the answer inside TLS');
});

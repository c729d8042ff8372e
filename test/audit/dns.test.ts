/**
 * DNS checks with an in-process DNS server (--resolver) and a local HTTPS server for the MTA-STS policy,
 * with a certificate the test trusts (--ca): a well-configured domain passes and its MX host is audited
 * through the address the resolver gave; a broken one fails on exactly what is broken; a missing domain
 * and a silent resolver are named findings.
 */
import dgram from 'node:dgram';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { generate } from 'selfsigned';
import { reverseName } from '../../src/audit/dns.js';
import { runAudit } from '../../src/audit/run.js';
import { renderAuditConsole } from '../../src/audit/report/console.js';
import { AUDIT_REPORTERS } from '../../src/audit/report/index.js';
import { startDnsServer, type Zone } from './helpers/dns-server.js';
import { startScriptedSmtp } from './helpers/scripted-smtp.js';
import { auditOptions, findingsOf, levels } from './helpers/options.js';

const ZONE: Zone = {
  'example.test': { MX: [{ exchange: 'mx.example.test', priority: 10 }], TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
  'mx.example.test': { A: ['127.0.0.1'] },
  '1.0.0.127.in-addr.arpa': { PTR: ['mx.example.test'] },
  '_dmarc.example.test': { TXT: ['v=DMARC1; p=reject; rua=mailto:dmarc@example.test'] },
  '_mta-sts.example.test': { TXT: ['v=STSv1; id=20260101T000000'] },
  'mta-sts.example.test': { A: ['127.0.0.1'] },
  '_smtp._tls.example.test': { TXT: ['v=TLSRPTv1; rua=mailto:tlsrpt@example.test'] },
  'bad.test': {
    MX: [{ exchange: 'alias.bad.test', priority: 10 }],
    TXT: ['v=spf1 ip4:127.0.0.1 -all', 'v=spf1 -all'],
  },
  'alias.bad.test': { CNAME: 'mx.example.test', A: ['127.0.0.1'] },
  '_dmarc.bad.test': { TXT: ['v=DMARC1; p=none'] },
  '_mta-sts.bad.test': { TXT: ['v=STSv1; id=1'] },
  'mta-sts.bad.test': { A: ['127.0.0.1'] },
  'nomx.test': { A: ['127.0.0.1'] },
  'dual.test': { MX: [{ exchange: 'mx1.dual.test', priority: 10 }, { exchange: 'mx2.dual.test', priority: 20 }] },
  'mx1.dual.test': { A: ['127.0.0.1'], AAAA: ['::1'] },
  'mx2.dual.test': { A: ['127.0.0.1'] },
};

const POLICIES: Record<string, string> = {
  'mta-sts.example.test': 'version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\n',
  'mta-sts.bad.test': 'version: STSv1\nmode: enforce\nmx: other.example.test\nmax_age: 86400\n',
};

async function startPolicyServer(): Promise<{ port: number; ca: string; close: () => Promise<void> }> {
  const pems = await generate([{ name: 'commonName', value: 'mta-sts test' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'subjectAltName', altNames: Object.keys(POLICIES).map((value) => ({ type: 2, value })) },
    ],
  });
  const server = https.createServer({ cert: pems.cert, key: pems.private }, (request, response) => {
    const policy = POLICIES[(request.headers.host ?? '').toLowerCase()];
    if (request.url !== '/.well-known/mta-sts.txt' || policy === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain' }).end(policy);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    ca: pems.cert,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

t.test('a well-configured domain: DNS checks pass, its MX host is audited at the address the resolver gave', async (t) => {
  const dns = await startDnsServer(ZONE);
  const policy = await startPolicyServer();
  const smtp = await startScriptedSmtp();
  t.teardown(async () => { await dns.close(); await policy.close(); await smtp.close(); });
  const result = await runAudit(auditOptions(['example.test'], { only: ['dns', 'net', 'relay.external'], resolver: dns.address, port: smtp.port, httpsPort: policy.port, ca: policy.ca }));
  t.same(levels(result, 'dns'), {
    'dns.mx': 'pass',
    'dns.mx-resolves': 'pass',
    'dns.fcrdns': 'pass',
    'dns.spf': 'pass',
    'dns.dmarc': 'pass',
    'dns.mta-sts': 'pass',
    'dns.tls-rpt': 'pass',
  });
  t.match(result.subjects[1], { kind: 'host', name: 'mx.example.test', via: 'example.test' });
  t.match(result.subjects[1]!.services[0], { url: `smtp://127.0.0.1:${smtp.port}` });
  t.same(levels(result), { 'net.connect': 'pass', 'relay.external': 'pass' });
  t.ok(smtp.commands.includes('RCPT TO:<relay-test@mailprobe-relay-test.invalid>'));
  const spf = findingsOf(result).get('dns/dns.spf')!;
  t.ok(spf.evidence.some((e) => e.session === 'dns' && e.text.includes('v=spf1 ip4:127.0.0.1 -all')), 'the TXT answer is the evidence');
  t.match(findingsOf(result).get('dns/dns.mta-sts')!.evidence.at(-1), { session: 'https', text: /mode: enforce/ });
  t.ok(dns.questions.includes('MX example.test'));
});

t.test('every address of every MX is a host of its own, IPv6 too', async (t) => {
  const dns = await startDnsServer(ZONE);
  const v4 = await startScriptedSmtp({ banner: '220 v4 ESMTP' });
  const v6 = await startScriptedSmtp({ banner: '220 v6 ESMTP', host: '::1', port: v4.port });
  t.teardown(async () => { await dns.close(); await v4.close(); await v6.close(); });
  const result = await runAudit(auditOptions(['dual.test'], { only: ['smtp.banner'], resolver: dns.address, port: v4.port }));
  const hosts = result.subjects.filter((subject) => subject.kind === 'host');
  t.same(
    hosts.map((host) => [host.name, host.address, host.services[0]!.url]),
    [
      ['mx1.dual.test', '127.0.0.1', `smtp://127.0.0.1:${v4.port}`],
      ['mx1.dual.test', '::1', `smtp://[::1]:${v4.port}`],
      ['mx2.dual.test', '127.0.0.1', `smtp://127.0.0.1:${v4.port}`],
    ],
  );
  t.match(hosts[1]!.services[0]!.findings[0], { id: 'smtp.banner', level: 'pass', evidence: [{ dir: 's', text: /^220 v6/ }] });
  t.match(hosts[0]!.services[0]!.findings[0], { evidence: [{ dir: 's', text: /^220 v4/ }] });
  t.match(renderAuditConsole(result, { color: false }), /^mx1\.dual\.test ::1 \(MX of dual\.test\)$/m, 'the console names the address');
  t.match(AUDIT_REPORTERS.junit!.render(result), /classname="audit\.mx1\.dual\.test\.smtp@__1"/, 'each address its own JUnit class');
});

t.test('a broken domain fails on exactly what is broken', async (t) => {
  const dns = await startDnsServer(ZONE);
  const policy = await startPolicyServer();
  t.teardown(async () => { await dns.close(); await policy.close(); });
  const result = await runAudit(auditOptions(['bad.test'], { only: ['dns'], resolver: dns.address, httpsPort: policy.port, ca: policy.ca }));
  const found = findingsOf(result);
  t.match(found.get('dns/dns.mx'), { level: 'fail', summary: /alias\.bad\.test is a CNAME/ });
  t.match(found.get('dns/dns.spf'), { level: 'fail', summary: /invalid/ });
  t.match(found.get('dns/dns.dmarc'), { level: 'warn', summary: /p=none/ });
  t.match(found.get('dns/dns.mta-sts'), { level: 'fail', summary: /does not cover alias\.bad\.test/ });
  t.match(found.get('dns/dns.tls-rpt'), { level: 'info', summary: 'no TLS-RPT record' });
  t.equal(result.summary.fail, 3);
});

t.test('no MX: A fallback (RFC 5321 §5.1) warns and the domain itself is audited; a missing domain fails', async (t) => {
  const dns = await startDnsServer(ZONE);
  const smtp = await startScriptedSmtp();
  t.teardown(async () => { await dns.close(); await smtp.close(); });
  const result = await runAudit(auditOptions(['nomx.test', 'missing.test'], { only: ['dns.mx', 'net'], resolver: dns.address, port: smtp.port }));
  const [nomx, missing, host] = result.subjects;
  t.match(nomx!.findings[0], { id: 'dns.mx', level: 'warn', summary: /no MX records/ });
  t.match(missing!.findings[0], { id: 'dns.mx', level: 'fail', problem: 'dns', summary: /no such name/ });
  t.match(host, { name: 'nomx.test', via: 'nomx.test' });
  t.equal(result.subjects.length, 3, 'no host for the missing domain');
});

t.test('a resolver that never answers is a named DNS timeout', async (t) => {
  const silent = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => silent.close(() => resolve())));
  const resolver = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
  const result = await runAudit(auditOptions(['example.test'], { only: ['dns.mx'], resolver, timeoutMs: 400 }));
  t.match(result.subjects[0]!.findings[0], { id: 'dns.mx', level: 'fail', problem: 'dns-timeout' });
});

t.test('reverse names: in-addr.arpa (RFC 1035 §3.5) and ip6.arpa nibbles (RFC 3596 §2.5)', async (t) => {
  t.equal(reverseName('192.0.2.1'), '1.2.0.192.in-addr.arpa');
  t.equal(reverseName('2001:db8::1'), '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
  t.equal(reverseName('::1'), `1.${'0.'.repeat(31)}ip6.arpa`);
});

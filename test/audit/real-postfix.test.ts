/**
 * The audit against the real Postfix targets of scripts/targets/start.sh: Debian defaults on 2525, the
 * hardened listener on 2625 and the open relay on 2626. The audit must tell 2525 and 2625 apart on
 * exactly VRFY, TLS versions and the bare-LF smuggling variants, and give the relay fail on 2626. One run
 * goes through the CLI with a domain resolved by an in-process DNS server (--resolver); Dovecot (IMAP 1143,
 * POP3 1110) must fail the plaintext-login checks and pass the TLS checks over STARTTLS, STLS and 993/995.
 * Skips, saying why, when the targets are not running. Smuggling probes deliver to carol@example.test only.
 */
import net from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import { runAudit } from '../../src/audit/run.js';
import { runCli } from '../helpers/cli.js';
import { startDnsServer } from './helpers/dns-server.js';
import { auditOptions, levels } from './helpers/options.js';

const DEFAULTS = 2525;
const HARDENED = 2625;
const OPEN_RELAY = 2626;
const CA_FILE = process.env.MAILPROBE_CA ?? '/var/lib/mailprobe-targets/ca.pem';
const RCPT = 'carol@example.test';
/** The findings that differ between the two configurations, and nothing else. */
const EXPECTED_DIFFERENCES = ['enumeration.vrfy', 'smuggling.crlf-dot-lf', 'smuggling.lf-dot-crlf', 'smuggling.lf-dot-lf', 'tls.versions'];

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(5000, () => { socket.destroy(); resolve(false); });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

const PORTS = [DEFAULTS, HARDENED, OPEN_RELAY];
const open = await Promise.all(PORTS.map(portOpen));
const closed = PORTS.filter((_, i) => !open[i]);
const skip = closed.length > 0
  ? `real Postfix targets not running: nothing on 127.0.0.1:${closed.join(', ')} (start them: sudo bash scripts/targets/start.sh)`
  : !existsSync(CA_FILE) ? `no CA file ${CA_FILE} (set MAILPROBE_CA)` : false;

t.test('Debian defaults and the hardened listener differ on exactly VRFY, TLS versions and bare-LF smuggling', { skip }, async (t) => {
  const ca = readFileSync(CA_FILE, 'utf8');
  const options = { rcpt: RCPT, intrusive: true, ca, timeoutMs: 10_000 };
  const [defaults, hardened] = await Promise.all([
    runAudit(auditOptions([`127.0.0.1:${DEFAULTS}`], options)),
    runAudit(auditOptions([`127.0.0.1:${HARDENED}`], options)),
  ]);
  const before = levels(defaults);
  const after = levels(hardened);
  t.match(before, {
    'enumeration.vrfy': 'warn',
    'tls.versions': 'warn',
    'smuggling.lf-dot-lf': 'fail',
    'smuggling.lf-dot-crlf': 'fail',
    'smuggling.crlf-dot-lf': 'fail',
    'smuggling.cr-dot-cr': 'pass',
    'smuggling.crlf-dot-cr': 'pass',
    'relay.external': 'pass',
    'tls.certificate-chain': 'pass',
    'tls.starttls-injection': 'pass',
  });
  t.match(after, { 'enumeration.vrfy': 'pass', 'tls.versions': 'pass', 'relay.external': 'pass' });
  t.ok(Object.entries(after).filter(([id]) => id.startsWith('smuggling.')).every(([, level]) => level === 'pass'), 'no smuggling variant on the hardened one');
  const differing = Object.keys(before).filter((id) => before[id] !== after[id]).sort();
  t.same(differing, EXPECTED_DIFFERENCES, 'exactly those findings tell them apart');
});

t.test('the open-relay listener gives the relay fail', { skip }, async (t) => {
  const result = await runAudit(auditOptions([`127.0.0.1:${OPEN_RELAY}`], { only: ['relay'] }));
  t.equal(levels(result)['relay.external'], 'fail');
  t.ok(result.summary.fail >= 1);
});

t.test('CLI: a domain through the test DNS, the default Postfix fails the smuggling checks, the hardened passes', { skip }, async (t) => {
  const dns = await startDnsServer({
    'example.test': { MX: [{ exchange: 'mail.example.test', priority: 10 }], TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
    'mail.example.test': { A: ['127.0.0.1'] },
    '_dmarc.example.test': { TXT: ['v=DMARC1; p=reject'] },
  });
  t.teardown(() => dns.close());
  const common = ['audit', 'example.test', '--resolver', dns.address, '--ca', CA_FILE, '--intrusive', '--rcpt', RCPT, '--checks', 'dns.mx', 'dns.spf', 'dns.dmarc', 'smuggling', 'tls.certificate-name'];
  const [defaults, hardened] = await Promise.all([runCli([...common, '--port', String(DEFAULTS)]), runCli([...common, '--port', String(HARDENED)])]);
  t.equal(defaults.code, 1, defaults.stderr);
  t.match(defaults.stdout, /mail\.example\.test 127\.0\.0\.1 \(MX of example\.test\)/);
  t.match(defaults.stdout, /FAIL smuggling\.lf-dot-lf/);
  t.match(defaults.stdout, /audit failed: 3 failed/);
  t.equal(hardened.code, 0, hardened.stdout);
  t.match(hardened.stdout, /PASS dns\.spf/);
  t.match(hardened.stdout, /audit passed: 0 failed/);
});

const dovecotOpen = (await Promise.all([1143, 1110].map(portOpen))).every(Boolean);
const dovecotSkip = dovecotOpen ? false : 'Dovecot targets not running on 127.0.0.1:1143/1110 (start them: sudo bash scripts/targets/start.sh)';

t.test('Dovecot of the targets allows plaintext login before TLS: both login checks fail', { skip: dovecotSkip }, async (t) => {
  const result = await runAudit(auditOptions([`127.0.0.1:${DEFAULTS}`], { only: ['auth.imap-logindisabled', 'auth.pop3-plaintext'], imapPorts: { imap: 1143, imaps: 1993 }, pop3Ports: { pop3: 1110, pop3s: 1995 } }));
  t.equal(levels(result, 'imap')['auth.imap-logindisabled'], 'fail', 'disable_plaintext_auth = no: no LOGINDISABLED');
  t.equal(levels(result, 'pop3')['auth.pop3-plaintext'], 'fail', 'USER offered before STLS');
  t.equal(levels(result, 'imaps')['auth.imap-logindisabled'], 'skipped');
});

t.test('Dovecot: STARTTLS (IMAP), STLS (POP3) and implicit TLS (993, 995) pass the TLS checks against the targets\' CA', { skip: skip || dovecotSkip }, async (t) => {
  const ca = readFileSync(CA_FILE, 'utf8');
  const result = await runAudit(auditOptions([`127.0.0.1:${HARDENED}`], { only: ['tls'], ca, timeoutMs: 10_000, imapPorts: { imap: 1143, imaps: 1993 }, pop3Ports: { pop3: 1110, pop3s: 1995 } }));
  const verified = { 'tls.versions': 'pass', 'tls.certificate-chain': 'pass', 'tls.certificate-name': 'pass', 'tls.certificate-expiry': 'pass', 'tls.certificate-key-size': 'pass' };
  for (const service of ['imap', 'pop3']) {
    t.match(levels(result, service), { ...verified, 'tls.starttls': 'pass', 'tls.starttls-injection': 'pass', 'tls.implicit': 'skipped' }, service);
  }
  for (const service of ['imaps', 'pop3s']) t.match(levels(result, service), { ...verified, 'tls.implicit': 'pass', 'tls.starttls': 'skipped' }, service);
  const starttls = (service: string): string[] =>
    result.subjects[0]!.services.find((s) => s.name === service)!.findings.find((f) => f.id === 'tls.starttls')!.evidence.filter((e) => e.dir === 'c').map((e) => e.text.trim());
  t.ok(starttls('imap').some((line) => / STARTTLS$/.test(line)), 'IMAP evidence holds the tagged STARTTLS');
  t.ok(starttls('pop3').includes('STLS'), 'POP3 evidence holds STLS');
});

t.test('a scenario pinning "TLS 1.0 and 1.1 refused" passes on the hardened Postfix and fails on the default one, naming the finding', { skip }, async (t) => {
  const fixture = 'test/audit/fixtures/tls-legacy-refused.yaml';
  const run = (port: number): ReturnType<typeof runCli> => runCli(['run', fixture, '--target', `smtp://127.0.0.1:${port}`, '--ca', CA_FILE, '--reporter', 'console']);
  const [hardened, defaults] = await Promise.all([run(HARDENED), run(DEFAULTS)]);
  t.equal(hardened.code, 0, hardened.stdout + hardened.stderr);
  t.equal(defaults.code, 1, defaults.stdout + defaults.stderr);
  t.match(defaults.stdout, /tls-legacy-refused\.yaml:6:5/);
  t.match(defaults.stdout, /MP_ASSERT_AUDIT: audit tls\.versions: expected pass matching \/TLSv1 \+refused\/, got warn: accepts deprecated TLSv1 and TLSv1\.1/);
});

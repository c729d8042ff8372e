/**
 * The TLS checks over IMAP STARTTLS (RFC 9051 §6.2.1) against a scripted IMAP peer with a real TLS
 * upgrade: STARTTLS offered and working, versions, the (self-signed) certificate; and STARTTLS command
 * injection (CVE-2011-0411) — a peer that keeps the command pipelined after STARTTLS and runs it inside TLS
 * fails, one that discards it passes. Dovecot's IMAP and POP3 are audited in real-postfix.test.ts.
 */
import type net from 'node:net';
import tls from 'node:tls';
import t, { type Test } from 'tap';
import { runAudit } from '../../src/audit/run.js';
import { startRawServer } from '../helpers/raw-server.js';
import { refusedPort, startScriptedSmtp, testCertificate, upgradeServerSide } from './helpers/scripted-smtp.js';
import { auditOptions, levels } from './helpers/options.js';

/** An IMAP peer: CAPABILITY, NOOP, LOGOUT and STARTTLS; `injectable` keeps what was pipelined after STARTTLS. */
async function imapPeer(injectable: boolean): Promise<(socket: net.Socket) => void> {
  const { cert, key } = await testCertificate();
  const context = tls.createSecureContext({ cert, key, minVersion: 'TLSv1.2' });
  return (raw) => {
    let socket: net.Socket = raw;
    let buffer = '';
    let upgrading = false;
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('latin1');
      for (let lf = buffer.indexOf('\n'); lf !== -1 && !upgrading; lf = buffer.indexOf('\n')) {
        const [tag, verb] = buffer.slice(0, lf).trim().split(' ');
        buffer = buffer.slice(lf + 1);
        switch (verb?.toUpperCase()) {
          case 'CAPABILITY':
            socket.write(`* CAPABILITY IMAP4rev1${socket === raw ? ' STARTTLS LOGINDISABLED' : ''}\r\n${tag} OK done\r\n`);
            break;
          case 'STARTTLS': {
            socket.write(`${tag} OK begin TLS\r\n`);
            upgrading = true;
            const kept = injectable ? Buffer.from(buffer, 'latin1') : Buffer.alloc(0);
            buffer = '';
            upgradeServerSide(raw, context, (secure) => {
              socket = secure;
              upgrading = false;
              secure.on('data', onData);
              if (kept.length > 0) onData(kept);
            });
            return;
          }
          case 'LOGOUT':
            socket.end(`* BYE bye\r\n${tag} OK bye\r\n`);
            return;
          default:
            socket.write(`${tag} OK ${verb ?? ''} done\r\n`);
        }
      }
    };
    raw.write('* OK IMAP ready\r\n');
    raw.on('data', onData);
  };
}

async function auditImap(t: Test, injectable: boolean): Promise<Record<string, string>> {
  const smtp = await startScriptedSmtp();
  const imap = await startRawServer(await imapPeer(injectable));
  const closed = await refusedPort();
  t.teardown(async () => { await smtp.close(); await imap.close(); });
  const result = await runAudit(auditOptions([smtp.url], { only: ['tls'], imapPorts: { imap: imap.port, imaps: closed } }));
  return levels(result, 'imap');
}

t.test('IMAP STARTTLS: offered and working, versions and the certificate judged as for SMTP; injection discarded passes', async (t) => {
  t.match(await auditImap(t, false), {
    'tls.starttls': 'pass',
    'tls.versions': 'pass',
    'tls.certificate-self-signed': 'warn',
    'tls.certificate-chain': 'warn',
    'tls.starttls-injection': 'pass',
    'tls.implicit': 'skipped',
  });
});

t.test('IMAP STARTTLS that runs the command pipelined after it inside TLS fails (CVE-2011-0411)', async (t) => {
  t.match(await auditImap(t, true), { 'tls.starttls': 'pass', 'tls.starttls-injection': 'fail' });
});

t.test('an imap:// URL audits that one service, not SMTP', async (t) => {
  const imap = await startRawServer(await imapPeer(false));
  t.teardown(() => imap.close());
  const result = await runAudit(auditOptions([`imap://127.0.0.1:${imap.port}`], { only: ['net', 'tls.starttls'] }));
  t.same(result.subjects[0]!.services.map((service) => [service.name, service.url]), [['imap', `imap://127.0.0.1:${imap.port}`]]);
  t.same(levels(result, 'imap'), { 'net.connect': 'pass', 'tls.starttls': 'pass' });
});

/**
 * IMAP and POP3 services (--imap, --pop3) against scripted peers, through the project's engines: LOGIN
 * allowed before STARTTLS fails, LOGINDISABLED passes; POP3 USER before STLS fails, none passes; a refused
 * IMAP port is a named finding; SMTP-only checks are not applied to them.
 */
import type net from 'node:net';
import t, { type Test } from 'tap';
import { runAudit } from '../../src/audit/run.js';
import { startRawServer } from '../helpers/raw-server.js';
import { refusedPort, startScriptedSmtp } from './helpers/scripted-smtp.js';
import { auditOptions, findingsOf } from './helpers/options.js';

/** Answers each tagged command: CAPABILITY with `capabilities`, LOGOUT with BYE. */
function imapPeer(capabilities: string): (socket: net.Socket) => void {
  return (socket) => {
    socket.write('* OK IMAP ready\r\n');
    socket.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('latin1').split('\r\n').filter(Boolean)) {
        const [tag, command] = line.split(' ');
        if (command?.toUpperCase() === 'CAPABILITY') socket.write(`* CAPABILITY ${capabilities}\r\n${tag} OK done\r\n`);
        else socket.write(`* BYE bye\r\n${tag} OK bye\r\n`);
      }
    });
  };
}

function pop3Peer(capa: string[]): (socket: net.Socket) => void {
  return (socket) => {
    socket.write('+OK POP3 ready\r\n');
    socket.on('data', (chunk: Buffer) => {
      const command = chunk.toString('latin1').trim().toUpperCase();
      socket.write(command === 'CAPA' ? `+OK\r\n${capa.join('\r\n')}\r\n.\r\n` : '+OK bye\r\n');
    });
  };
}

async function auditMailbox(t: Test, imap: (s: net.Socket) => void, pop3: (s: net.Socket) => void): Promise<ReturnType<typeof findingsOf>> {
  const smtp = await startScriptedSmtp();
  const imapServer = await startRawServer(imap);
  const pop3Server = await startRawServer(pop3);
  const closed = await refusedPort();
  t.teardown(async () => { await smtp.close(); await imapServer.close(); await pop3Server.close(); });
  const result = await runAudit(auditOptions([smtp.url], {
    only: ['net', 'auth'],
    imapPorts: { imap: imapServer.port, imaps: closed },
    pop3Ports: { pop3: pop3Server.port, pop3s: closed },
  }));
  t.same(result.subjects[0]!.services.map((s) => s.url), [smtp.url, `imap://127.0.0.1:${imapServer.port}`, `imaps://127.0.0.1:${closed}`, `pop3://127.0.0.1:${pop3Server.port}`, `pop3s://127.0.0.1:${closed}`]);
  for (const service of result.subjects[0]!.services.slice(1)) {
    t.notOk(service.findings.some((f) => f.id === 'auth.before-tls'), `${service.name}: SMTP checks not applied`);
  }
  return findingsOf(result);
}

t.test('LOGIN and plaintext mechanisms before TLS fail; a refused imaps/pop3s port is named', async (t) => {
  const found = await auditMailbox(t, imapPeer('IMAP4rev1 AUTH=PLAIN'), pop3Peer(['USER', 'SASL PLAIN']));
  t.match(found.get('imap/auth.imap-logindisabled'), { level: 'fail', summary: /no LOGINDISABLED/ });
  t.ok(found.get('imap/auth.imap-logindisabled')!.evidence.some((e) => e.dir === 'c' && /CAPABILITY/.test(e.text)), 'the command is in the evidence');
  t.match(found.get('pop3/auth.pop3-plaintext'), { level: 'fail', summary: 'USER/PASS, SASL PLAIN offered before STLS: passwords may cross in clear' });
  t.match(found.get('imap/net.connect'), { level: 'pass' });
  t.match(found.get('imaps/net.connect'), { level: 'fail', problem: 'refused' });
  t.match(found.get('pop3s/auth.pop3-plaintext'), { level: 'skipped', summary: /unreachable \(refused\)/ });
});

t.test('LOGINDISABLED and no plaintext POP3 login before TLS pass', async (t) => {
  const found = await auditMailbox(t, imapPeer('IMAP4rev1 LOGINDISABLED AUTH=SCRAM-SHA-256'), pop3Peer(['SASL SCRAM-SHA-256']));
  t.match(found.get('imap/auth.imap-logindisabled'), { level: 'pass' });
  t.match(found.get('pop3/auth.pop3-plaintext'), { level: 'pass' });
});

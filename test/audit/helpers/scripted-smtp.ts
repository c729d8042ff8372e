/**
 * A small SMTP server on 127.0.0.1:0 whose faults each audit test switches on: open relay, AUTH before TLS,
 * VRFY that reveals, STARTTLS that runs commands pipelined after it (CVE-2011-0411), bare-LF end of data
 * (SMTP smuggling), a slow greeting, dropping the connection. Just enough SMTP for the audit's probes.
 * close() destroys every socket it accepted, so tap can exit.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export interface ScriptedSmtpOptions {
  banner?: string;
  greetingDelayMs?: number;
  /** Keywords added to the EHLO answer (STARTTLS and AUTH are added by their own options). */
  extensions?: string[];
  /** STARTTLS offered; 'injectable' keeps and runs the commands pipelined after it. */
  starttls?: 'none' | 'ok' | 'injectable';
  /** Lowest TLS version the server accepts. */
  tlsMinVersion?: tls.SecureVersion;
  authBeforeTls?: boolean;
  /** Accepts any recipient, wherever its domain. */
  openRelay?: boolean;
  /** 'reveal': 250 for local users, 550 for others; 'disabled': 502. */
  vrfy?: 'reveal' | 'disabled';
  /** 'lax': any line "." ends DATA, whatever its line ending (LF or CRLF); 'strict': only CRLF.CRLF. */
  endOfData?: 'strict' | 'lax';
  /** Drops the connection right after the greeting. */
  dropAfterGreeting?: boolean;
  localDomain?: string;
  localUsers?: string[];
  /** Where to listen: 127.0.0.1 on a free port by default. */
  host?: string;
  port?: number;
}

export interface ScriptedSmtp {
  port: number;
  url: string;
  /** PEM certificate the server presents (self-signed for localhost / 127.0.0.1). */
  cert: string;
  /** Messages the server accepted (DATA bodies). */
  messages: Buffer[];
  /** Every command line received, in order, across connections. */
  commands: string[];
  close(): Promise<void>;
}

let certificate: Promise<{ cert: string; key: string }> | undefined;

/** The server side of a STARTTLS: stops reading in clear, handshakes, and hands over the TLS socket. */
export function upgradeServerSide(raw: net.Socket, context: tls.SecureContext, onSecure: (secure: tls.TLSSocket) => void): void {
  raw.removeAllListeners('data');
  const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: context });
  secure.on('error', () => undefined);
  secure.once('secure', () => onSecure(secure));
}

/** One certificate per test process: generating takes ~0.1 s. */
export function testCertificate(): Promise<{ cert: string; key: string }> {
  certificate ??= generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 60_000),
    notAfterDate: new Date(Date.now() + 10 * 86_400_000),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
  }).then((pems) => ({ cert: pems.cert, key: pems.private }));
  return certificate;
}

const END_STRICT = /\r\n\.\r\n/;
const END_LAX = /(?:^|\n)\.\r?\n/;

export async function startScriptedSmtp(options: ScriptedSmtpOptions = {}): Promise<ScriptedSmtp> {
  const { cert, key } = await testCertificate();
  const context = tls.createSecureContext({ cert, key, minVersion: options.tlsMinVersion ?? 'TLSv1.2', ciphers: 'DEFAULT:@SECLEVEL=0' });
  const localDomain = options.localDomain ?? 'example.test';
  const users = new Set((options.localUsers ?? ['alice', 'postmaster']).map((user) => `${user}@${localDomain}`));
  const sockets = new Set<net.Socket>();
  const messages: Buffer[] = [];
  const commands: string[] = [];

  const serve = (raw: net.Socket): void => {
    sockets.add(raw);
    raw.on('error', () => undefined);
    raw.on('close', () => sockets.delete(raw));
    let socket: net.Socket = raw;
    let buffer = Buffer.alloc(0);
    let inData = false;
    let secure = false;
    let upgrading = false;
    const reply = (text: string): void => {
      socket.write(`${text}\r\n`);
    };
    const ehlo = (): void => {
      const lines = ['scripted.example', ...(options.extensions ?? ['PIPELINING', '8BITMIME'])];
      if (!secure && options.starttls && options.starttls !== 'none') lines.push('STARTTLS');
      if (secure || options.authBeforeTls) lines.push('AUTH PLAIN LOGIN');
      lines.forEach((line, i) => reply(`250${i === lines.length - 1 ? ' ' : '-'}${line}`));
    };
    const command = (line: string): void => {
      commands.push(line);
      const verb = line.split(' ')[0]!.toUpperCase();
      const address = /<([^>]*)>/.exec(line)?.[1] ?? line.split(' ')[1] ?? '';
      switch (verb) {
        case 'EHLO':
          return ehlo();
        case 'MAIL':
        case 'RSET':
        case 'NOOP':
          return reply('250 2.0.0 Ok');
        case 'RCPT':
          return users.has(address) || options.openRelay ? reply('250 2.1.5 Ok') : reply('550 5.7.1 Relay access denied');
        case 'VRFY':
          if (options.vrfy === 'reveal') return users.has(address) ? reply(`250 2.0.0 <${address}>`) : reply('550 5.1.1 unknown');
          return reply('502 5.5.1 VRFY disabled');
        case 'DATA':
          inData = true;
          return reply('354 End data with <CR><LF>.<CR><LF>');
        case 'QUIT':
          reply('221 2.0.0 Bye');
          socket.end();
          return;
        case 'STARTTLS':
          return startTls();
        default:
          return reply('502 5.5.2 Error: command not recognized');
      }
    };
    const startTls = (): void => {
      reply('220 2.0.0 Ready to start TLS');
      upgrading = true;
      // RFC 3207 §4 wants pipelined input discarded; 'injectable' keeps it (the CVE-2011-0411 bug).
      const kept = options.starttls === 'injectable' ? buffer : Buffer.alloc(0);
      buffer = Buffer.alloc(0);
      upgradeServerSide(raw, context, (upgraded) => {
        socket = upgraded;
        secure = true;
        upgrading = false;
        upgraded.on('data', onData);
        if (kept.length > 0) onData(kept);
      });
    };
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      while (!upgrading) {
        if (inData) {
          const match = (options.endOfData === 'lax' ? END_LAX : END_STRICT).exec(buffer.toString('latin1'));
          if (!match) return;
          const end = match.index + match[0].length;
          messages.push(buffer.subarray(0, match.index));
          buffer = buffer.subarray(end);
          inData = false;
          reply('250 2.0.0 Ok: queued');
          continue;
        }
        const lf = buffer.indexOf(0x0a);
        if (lf === -1) return;
        const line = buffer.subarray(0, lf).toString('latin1').replace(/\r$/, '');
        buffer = buffer.subarray(lf + 1);
        command(line);
      }
    };
    setTimeout(() => {
      if (raw.destroyed) return;
      reply(options.banner ?? '220 scripted.example ESMTP Exim 4.96');
      if (options.dropAfterGreeting) {
        raw.destroy();
        return;
      }
      raw.on('data', onData);
    }, options.greetingDelayMs ?? 0);
  };

  const server = net.createServer(serve);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://${host.includes(':') ? `[${host}]` : host}:${port}`,
    cert,
    messages,
    commands,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port that refuses connections: listened on, then closed. */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

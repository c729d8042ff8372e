/**
 * Test helpers that drive the sandbox with mailprobe's own SMTP engine, like a transcript: "send this,
 * expect that reply", plus a hand-made STARTTLS over node:tls for certificate verification (the engine's
 * Endpoint has no CA option yet). One sandbox per test file; everything opened is closed in teardown.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Test } from 'tap';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { ctx, openSmtpClient, type SmtpClient } from '../helpers/smtp-client.js';

export { ctx };
export type Client = SmtpClient;

/** Starts a sandbox stopped at the end of the test (file). */
export async function sandboxFor(t: Test, options?: SandboxOptions): Promise<Sandbox> {
  const sandbox = await startSandbox(options);
  t.teardown(() => sandbox.close());
  return sandbox;
}

export function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** Opens a session to a sandbox URL with our engine (no certificate verification: see the header). */
export function open(t: Test, url: string): Promise<Client> {
  const tlsMode = url.startsWith('smtps:') ? 'implicit' : 'none';
  return openSmtpClient(t, { host: '127.0.0.1', port: portOf(url), tls: tlsMode, verify: false, url });
}

/** Opens a session, reads the 220 greeting and says EHLO. */
export async function greeted(t: Test, url: string): Promise<Client> {
  const client = await open(t, url);
  t.equal((await client.step({ kind: 'read' })).status, '220', 'greeting');
  await client.expect('EHLO probe.example', '250');
  return client;
}

/** Reads from a socket until the buffered text ends with a complete final reply line ("250 …\r\n"). */
export function readReply(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1');
      if (/(^|\r\n)\d{3} [^\r\n]*\r\n$/.test(text)) {
        socket.off('data', onData);
        resolve(text);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

/**
 * RFC 3207 by hand: greeting, EHLO, STARTTLS, then a TLS handshake that verifies the server certificate
 * against `ca` for `servername`. Resolves with the TLS socket (authorized) or rejects with the TLS error.
 */
export async function starttlsVerified(t: Test, url: string, ca: string | undefined, servername = 'localhost'): Promise<tls.TLSSocket> {
  const socket = net.connect(portOf(url), '127.0.0.1');
  t.teardown(() => void socket.destroy());
  await readReply(socket);
  socket.write('EHLO probe.example\r\n');
  await readReply(socket);
  socket.write('STARTTLS\r\n');
  const ready = await readReply(socket);
  if (!ready.startsWith('220 ')) throw new Error(`STARTTLS refused: ${ready}`);
  return handshake(t, tls.connect({ socket, ca, ...identity(servername), rejectUnauthorized: true }));
}

/** The name the certificate must carry: a DNS name goes in SNI; an IP is checked as the host (no SNI). */
function identity(name: string): { servername: string } | { host: string } {
  return net.isIP(name) ? { host: name } : { servername: name };
}

/** Implicit TLS (RFC 8314), verified against `ca`. */
export function implicitTlsVerified(t: Test, url: string, ca: string | undefined, servername = 'localhost'): Promise<tls.TLSSocket> {
  return handshake(t, tls.connect({ host: '127.0.0.1', port: portOf(url), ca, ...identity(servername), rejectUnauthorized: true }));
}

function handshake(t: Test, socket: tls.TLSSocket): Promise<tls.TLSSocket> {
  t.teardown(() => void socket.destroy());
  return new Promise((resolve, reject) => {
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes a command over a raw or TLS socket and reads its reply. */
export function command(socket: net.Socket, line: string): Promise<string> {
  const reply = readReply(socket);
  socket.write(`${line}\r\n`);
  return reply;
}


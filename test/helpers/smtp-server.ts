/**
 * An in-process smtp-server on 127.0.0.1 for tests: AUTH PLAIN / LOGIN / CRAM-MD5 / XOAUTH2, STARTTLS (and
 * optionally implicit TLS) with a self-signed certificate made by `openssl` at test time (no key is
 * committed), a SIZE limit, users alice/alicepw and bob/bobpw @example.test (username with or without the
 * domain; for XOAUTH2 the password is the token), relay refused for other domains unless authenticated.
 * Received messages are kept as exact Buffers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMessage {
  from: string;
  to: string[];
  /** The message exactly as the server received it (dot-unstuffed, without the final "." line). */
  data: Buffer;
  /** Authenticated username, if any. */
  user?: string;
  secure: boolean;
}

export interface SmtpServerOptions {
  /** SIZE limit in bytes (RFC 1870), advertised in EHLO; default 1 MiB. */
  size?: number;
  /** Also listen for implicit TLS (smtps) on tlsPort. */
  implicitTls?: boolean;
}

export interface TestSmtpServer {
  port: number;
  tlsPort?: number;
  /** The self-signed certificate (PEM) both listeners use, for tests that check verification. */
  certificate: string;
  messages: ReceivedMessage[];
  close(): Promise<void>;
}

export const USERS: Record<string, string> = { alice: 'alicepw', bob: 'bobpw' };
export const DOMAIN = 'example.test';

interface KeyPair {
  key: string;
  cert: string;
}
let keyPair: KeyPair | undefined;

/** A self-signed P-256 certificate for localhost / 127.0.0.1, made once per test process. */
function certificate(): KeyPair {
  if (keyPair) return keyPair;
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ], { stdio: 'ignore' });
    keyPair = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
    return keyPair;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** "alice" or "alice@example.test" → "alice", when that user exists. */
function userOf(username: string | undefined): string | undefined {
  const local = username?.endsWith(`@${DOMAIN}`) ? username.slice(0, -DOMAIN.length - 1) : username;
  return local !== undefined && local in USERS ? local : undefined;
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

function listen(server: SMTPServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
  });
}

export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const { key, cert } = certificate();
  const messages: ReceivedMessage[] = [];
  const config: SMTPServerOptions = {
    name: 'mx.example.test',
    key,
    cert,
    size: options.size ?? 1024 * 1024,
    authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'],
    authOptional: true,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 200,
    onAuth(auth, _session, callback) {
      const user = userOf(auth.username);
      const password = user === undefined ? undefined : USERS[user]!;
      const ok =
        password !== undefined &&
        (auth.method === 'XOAUTH2'
          ? auth.accessToken === password
          : auth.method === 'CRAM-MD5'
            ? auth.validatePassword(password)
            : auth.password === password);
      if (ok) callback(null, { user });
      else if (auth.method === 'XOAUTH2') callback(null, { data: { status: '401', schemes: 'bearer', scope: 'mail' } });
      else callback(smtpError('Error: authentication credentials invalid', 535));
    },
    onRcptTo(address, session, callback) {
      const local = address.address.endsWith(`@${DOMAIN}`);
      if (!local && !session.user) callback(smtpError('5.7.1 Relay access denied', 550));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(smtpError('5.3.4 Message exceeds fixed maximum message size', 552));
          return;
        }
        const { mailFrom, rcptTo } = session.envelope;
        messages.push({
          from: mailFrom ? mailFrom.address : '',
          to: rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks),
          ...(typeof session.user === 'string' ? { user: session.user } : {}),
          secure: session.secure,
        });
        callback(null, '2.0.0 Queued');
      });
    },
  };
  const plain = new SMTPServer(config);
  const port = await listen(plain);
  const secure = options.implicitTls ? new SMTPServer({ ...config, secure: true }) : undefined;
  const tlsPort = secure ? await listen(secure) : undefined;
  return {
    port,
    ...(tlsPort === undefined ? {} : { tlsPort }),
    certificate: cert,
    messages,
    close: async () => {
      await Promise.all([plain, secure].map((s) => s && new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

/**
 * TLS probes for audits. `probeTls` connects, lets the caller run the protocol's plaintext STARTTLS exchange
 * over a minimal line channel, then performs one handshake — optionally pinned to a single TLS version,
 * never enforcing verification — and reports what was negotiated and the peer's certificate chain.
 * Connection.upgradeTls cannot serve here: its TLS settings come from the Endpoint (no version pinning, and
 * a failed verification ends the session instead of being reported). `probeSslv3` sends a hand-made SSLv3
 * ClientHello (RFC 6101 §5.6.1.2), since Node's OpenSSL cannot speak SSLv3 at all, and reads whether the
 * server answers with an SSLv3 ServerHello. No protocol knowledge beyond TLS itself; imports util and wire.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { formatDuration } from '../util/duration.js';
import { ErrorCode, LimitError, MailprobeError } from '../util/errors.js';
import { Limits } from '../util/limits.js';
import { ByteQueue } from './byte-queue.js';
import { serverNameOf } from './connection.js';
import { socketError } from './socket-errors.js';
import { abortError, waitUntilReady } from './socket-wait.js';
import type { Endpoint, TranscriptSink } from './types.js';

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/** The plaintext side of a STARTTLS probe: write bytes, read one line (with its ending). */
export interface PlainChannel {
  write(bytes: Buffer): void;
  readLine(): Promise<Buffer>;
}

export interface TlsProbeOptions {
  endpoint: Endpoint;
  /** Pins the handshake to exactly this version; the client's defaults (TLS 1.2–1.3) otherwise. */
  version?: TlsVersion;
  /** Bounds the connect, each plaintext read and the handshake. */
  timeoutMs: number;
  signal?: AbortSignal;
  transcript: TranscriptSink;
  /** The protocol's STARTTLS exchange; resolves when the server is ready for the handshake. */
  beforeHandshake?: (plain: PlainChannel) => Promise<void>;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** DNS and IP names of the subjectAltName extension, as Node writes them ("DNS:mx.example"). */
  altNames: string[];
  validFrom: string;
  validTo: string;
  /** Public key size in bits (RSA modulus, EC field size). */
  bits?: number;
  /** "RSA", "EC" … when Node reports it. */
  keyType?: string;
  fingerprint256: string;
  /** Subject and issuer names are the same (a self-signed certificate). */
  selfIssued: boolean;
}

export interface TlsProbeResult {
  /** "TLSv1.3" … as negotiated. */
  protocol: string;
  /** OpenSSL's cipher name and its IANA name. */
  cipher: string;
  standardCipher: string;
  /** The chain verified against the endpoint's CA (or the system store). */
  authorized: boolean;
  authorizationError?: string;
  /** Why the certificate does not name `endpoint.servername ?? host`, when it does not. */
  nameError?: string;
  /** Leaf first. */
  chain: CertificateInfo[];
}

/** OpenSSL 3 refuses TLS 1.0/1.1 (SHA-1 signatures) above security level 0: a probe must allow them. */
const LEGACY_CIPHERS = 'DEFAULT:@SECLEVEL=0';

function describeName(name: tls.Certificate | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}

function certificateChain(leaf: tls.DetailedPeerCertificate): CertificateInfo[] {
  const chain: CertificateInfo[] = [];
  const seen = new Set<string>();
  for (let cert: tls.DetailedPeerCertificate | undefined = leaf; cert && cert.raw && !seen.has(cert.fingerprint256); cert = cert.issuerCertificate) {
    seen.add(cert.fingerprint256);
    const subject = describeName(cert.subject);
    const issuer = describeName(cert.issuer);
    chain.push({
      subject,
      issuer,
      altNames: cert.subjectaltname ? cert.subjectaltname.split(/,\s*/) : [],
      validFrom: cert.valid_from,
      validTo: cert.valid_to,
      ...(cert.bits === undefined ? {} : { bits: cert.bits }),
      ...(typeof cert.asn1Curve === 'string' ? { keyType: 'EC' } : cert.modulus ? { keyType: 'RSA' } : {}),
      fingerprint256: cert.fingerprint256,
      // RFC 5280 §6.1: self-issued means subject and issuer names are the same; the peer need not send its issuer.
      selfIssued: subject === issuer,
    });
  }
  return chain;
}

/** A line reader over the plain socket, bounded by Limits.lineBytes and the probe's timeout. */
function plainChannel(socket: net.Socket, options: TlsProbeOptions, peer: string): PlainChannel {
  const queue = new ByteQueue();
  let wake: (() => void) | undefined;
  let ended: MailprobeError | undefined;
  socket.on('data', (chunk: Buffer) => {
    queue.push(chunk);
    wake?.();
  });
  socket.on('end', () => {
    ended = new MailprobeError(ErrorCode.CLOSED, 'connection closed by server before the TLS handshake');
    wake?.();
  });
  socket.on('error', (err) => {
    ended = socketError(err, 'session', peer, 'before the TLS handshake');
    wake?.();
  });
  return {
    write(bytes) {
      options.transcript.record('c', bytes);
      socket.write(bytes);
    },
    readLine() {
      return new Promise<Buffer>((resolve, reject) => {
        const finish = (settle: () => void): void => {
          clearTimeout(timer);
          wake = undefined;
          settle();
        };
        const attempt = (): void => {
          const lf = queue.indexOfLineFeed(Limits.lineBytes);
          if (lf !== -1) {
            const line = queue.take(lf + 1);
            options.transcript.record('s', line);
            finish(() => resolve(line));
          } else if (queue.length > Limits.lineBytes) {
            finish(() => reject(new LimitError('lineBytes', Limits.lineBytes, queue.length, 'line too long before the TLS handshake')));
          } else if (ended) {
            const reason = ended;
            finish(() => reject(reason));
          } else if (options.signal?.aborted) {
            finish(() => reject(abortError(options.signal!, 'before the TLS handshake')));
          }
        };
        const timer = setTimeout(
          () => finish(() => reject(new MailprobeError(ErrorCode.TIMEOUT, `no reply within ${formatDuration(options.timeoutMs)} before the TLS handshake`))),
          options.timeoutMs,
        );
        wake = attempt;
        attempt();
      });
    },
  };
}

async function connectPlain(options: TlsProbeOptions, peer: string): Promise<net.Socket> {
  const socket = net.connect({ host: options.endpoint.host, port: options.endpoint.port });
  await waitUntilReady(socket, 'connect', 'connect', peer, options);
  socket.setNoDelay(true);
  options.transcript.record('i', `connected to ${peer}`);
  return socket;
}

/** One handshake (after the caller's STARTTLS exchange, if any); rejects with MP_ERR_TLS when it fails. */
export async function probeTls(options: TlsProbeOptions): Promise<TlsProbeResult> {
  const { endpoint } = options;
  const peer = `${endpoint.host}:${endpoint.port}`;
  const pinned = options.version === undefined ? {} : { minVersion: options.version, maxVersion: options.version, ciphers: LEGACY_CIPHERS };
  const tlsOptions: tls.ConnectionOptions = {
    host: endpoint.host,
    servername: serverNameOf(endpoint),
    rejectUnauthorized: false,
    // Name checks are reported in nameError below, not enforced.
    checkServerIdentity: () => undefined,
    ...(endpoint.ca === undefined ? {} : { ca: endpoint.ca }),
    ...pinned,
  };
  let secure: tls.TLSSocket;
  let plain: net.Socket | undefined;
  if (endpoint.tls === 'implicit') {
    secure = tls.connect({ ...tlsOptions, port: endpoint.port });
    options.transcript.record('i', `connecting to ${peer} with TLS${options.version ? ` pinned to ${options.version}` : ''}`);
  } else {
    plain = await connectPlain(options, peer);
    try {
      await options.beforeHandshake?.(plainChannel(plain, options, peer));
    } catch (err) {
      plain.destroy();
      throw err;
    }
    plain.removeAllListeners('data');
    plain.on('error', () => undefined);
    options.transcript.record('i', `TLS handshake${options.version ? ` pinned to ${options.version}` : ''}`);
    secure = tls.connect({ ...tlsOptions, socket: plain });
  }
  try {
    await waitUntilReady(secure, 'secureConnect', endpoint.tls === 'implicit' ? 'connect' : 'handshake', peer, options);
    const name = serverNameOf(endpoint) ?? endpoint.servername ?? endpoint.host;
    const leaf = secure.getPeerCertificate(true);
    const nameError = tls.checkServerIdentity(name, leaf);
    const cipher = secure.getCipher();
    const result: TlsProbeResult = {
      protocol: secure.getProtocol() ?? 'unknown',
      cipher: cipher.name,
      standardCipher: cipher.standardName,
      authorized: secure.authorized,
      ...(secure.authorizationError ? { authorizationError: String(secure.authorizationError) } : {}),
      ...(nameError ? { nameError: nameError.message } : {}),
      chain: certificateChain(leaf),
    };
    options.transcript.record('i', `TLS established: ${result.protocol} ${result.cipher} (${result.authorized ? 'certificate verified' : `certificate not verified: ${result.authorizationError ?? 'unknown reason'}`})`);
    return result;
  } catch (err) {
    options.transcript.record('i', `TLS handshake failed: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  } finally {
    secure.destroy();
    plain?.destroy();
  }
}

export type Sslv3Verdict = 'accepted' | 'refused';

const SSLV3 = [0x03, 0x00];
const CONTENT_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 0x01;
const HANDSHAKE_SERVER_HELLO = 0x02;
/** RFC 6101 Appendix A.6: cipher suites an SSLv3 server of any age implements. */
const SSLV3_CIPHER_SUITES = [0x000a, 0x002f, 0x0035, 0x0005, 0x0004, 0x0009, 0x0033, 0x0039, 0x0016];

/** RFC 6101 §5.6.1.2 ClientHello in an RFC 6101 §5.2.1 record, offering only SSL 3.0. */
export function sslv3ClientHello(random: Buffer = randomBytes(32)): Buffer {
  const suites = Buffer.alloc(2 + SSLV3_CIPHER_SUITES.length * 2);
  suites.writeUInt16BE(SSLV3_CIPHER_SUITES.length * 2, 0);
  SSLV3_CIPHER_SUITES.forEach((suite, i) => suites.writeUInt16BE(suite, 2 + i * 2));
  // client_version, random, empty session_id, cipher_suites, compression_methods = [null]
  const body = Buffer.concat([Buffer.from(SSLV3), random, Buffer.from([0]), suites, Buffer.from([1, 0])]);
  const handshake = Buffer.concat([Buffer.from([HANDSHAKE_CLIENT_HELLO, 0, body.length >> 8, body.length & 0xff]), body]);
  return Buffer.concat([Buffer.from([CONTENT_HANDSHAKE, ...SSLV3, handshake.length >> 8, handshake.length & 0xff]), handshake]);
}

/** Accepted when the first record is a handshake carrying a ServerHello for version 3.0 (RFC 6101 §5.6.1.3). */
export function sslv3Verdict(firstBytes: Buffer): Sslv3Verdict {
  const isServerHello = firstBytes[0] === CONTENT_HANDSHAKE && firstBytes[5] === HANDSHAKE_SERVER_HELLO;
  return isServerHello && firstBytes[9] === SSLV3[0] && firstBytes[10] === SSLV3[1] ? 'accepted' : 'refused';
}

/**
 * Offers only SSLv3 (after the caller's STARTTLS exchange on a plain endpoint) and reads the server's first
 * record: an SSLv3 ServerHello means SSLv3 is accepted; an alert, another version or a close means refused.
 */
export async function probeSslv3(options: Omit<TlsProbeOptions, 'version'>): Promise<Sslv3Verdict> {
  const peer = `${options.endpoint.host}:${options.endpoint.port}`;
  const socket = await connectPlain(options, peer);
  try {
    if (options.endpoint.tls !== 'implicit') await options.beforeHandshake?.(plainChannel(socket, options, peer));
    socket.removeAllListeners('data');
    socket.removeAllListeners('end');
    const hello = sslv3ClientHello();
    options.transcript.record('i', `SSLv3 ClientHello (${hello.length} bytes)`);
    const first = await new Promise<Buffer>((resolve) => {
      let received = Buffer.alloc(0);
      const done = (): void => {
        clearTimeout(timer);
        resolve(received);
      };
      const timer = setTimeout(done, options.timeoutMs);
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        if (received.length >= 11) done();
      });
      socket.on('close', done);
      socket.on('error', done);
      socket.write(hello);
    });
    const verdict = sslv3Verdict(first);
    const shown = first.length === 0 ? 'nothing' : `${first.subarray(0, 11).toString('hex')}…`;
    options.transcript.record('i', `server's first bytes: ${shown} → SSLv3 ${verdict}`);
    return verdict;
  } finally {
    socket.destroy();
  }
}

/**
 * The sandbox's TLS identity: a self-signed certificate made at start (P-256, ~0.1 s) for localhost and
 * 127.0.0.1, so that no private key is ever committed and a client given `cert` as its CA can verify the
 * sandbox like any server (RFC 6125 checks against subjectAltName). Imports the `selfsigned` library only.
 */
import { generate } from 'selfsigned';

export interface SandboxCertificate {
  /** PEM certificate; self-signed, so it is also the CA a client should trust. */
  cert: string;
  /** PEM private key (PKCS #8); lives only in this process. */
  key: string;
}

/** Valid from a minute ago (clock skew between threads is nil, but a TLS library may round). */
const NOT_BEFORE_SLACK_MS = 60_000;
/**
 * Made again at every start, so it need only outlast the process; 30 days stays past the 14 days within
 * which the audit's tls.certificate-expiry warns, so an audit of the sandbox finds a healthy certificate.
 */
const VALIDITY_MS = 30 * 24 * 60 * 60 * 1000;

export async function createCertificate(commonName = 'localhost'): Promise<SandboxCertificate> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - NOT_BEFORE_SLACK_MS),
    notAfterDate: new Date(now + VALIDITY_MS),
    extensions: [
      // Self-signed and trusted directly as a CA by clients: OpenSSL wants CA:TRUE on a trust anchor.
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

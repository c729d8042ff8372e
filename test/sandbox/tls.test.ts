import { createPrivateKey, X509Certificate } from 'node:crypto';
import t from 'tap';
import { createCertificate } from '../../src/sandbox/tls.js';

t.test('a fresh self-signed P-256 certificate for localhost and 127.0.0.1, made quickly', async (t) => {
  const started = performance.now();
  const { cert, key } = await createCertificate();
  const elapsed = performance.now() - started;
  t.ok(elapsed < 1500, `generated in ${Math.round(elapsed)} ms`);
  const x509 = new X509Certificate(cert);
  t.match(x509.subject, /CN=localhost/);
  t.equal(x509.issuer, x509.subject, 'self-signed');
  t.ok(x509.verify(x509.publicKey), 'signed by its own key');
  t.ok(x509.ca, 'usable as a trust anchor');
  t.match(x509.subjectAltName ?? '', /DNS:localhost/);
  t.match(x509.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
  t.ok(x509.checkHost('localhost'));
  t.ok(x509.checkIP('127.0.0.1'));
  t.notOk(x509.checkHost('mail.example.org'));
  const now = Date.now();
  t.ok(Date.parse(x509.validFrom) <= now && now < Date.parse(x509.validTo), 'valid now');
  const daysLeft = (Date.parse(x509.validTo) - now) / (24 * 60 * 60 * 1000);
  t.ok(daysLeft > 29 && daysLeft <= 30, `valid for 30 days (${daysLeft.toFixed(2)} left), past the audit's 14-day expiry warning`);
  const privateKey = createPrivateKey(key);
  t.equal(privateKey.asymmetricKeyType, 'ec');
  t.equal(privateKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  t.ok(x509.checkPrivateKey(privateKey), 'the key belongs to the certificate');
});

t.test('each start makes a new key', async (t) => {
  const [a, b] = await Promise.all([createCertificate(), createCertificate()]);
  t.not(a.key, b.key);
  t.not(new X509Certificate(a.cert).fingerprint256, new X509Certificate(b.cert).fingerprint256);
});

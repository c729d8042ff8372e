/**
 * The audit's TLS probes: the hand-made SSLv3 ClientHello is a well-formed RFC 6101 record offering only
 * SSL 3.0; the verdict reads a ServerHello for 3.0 as accepted and anything else as refused; a pinned
 * handshake negotiates exactly the pinned version or fails with MP_ERR_TLS.
 */
import tls from 'node:tls';
import t from 'tap';
import { probeSslv3, probeTls, sslv3ClientHello, sslv3Verdict } from '../../src/wire/tls-probe.js';
import { startRawServer, testTranscript } from '../helpers/raw-server.js';
import { testCertificate } from '../audit/helpers/scripted-smtp.js';

t.test('the SSLv3 ClientHello: record and handshake headers, version 3.0, lengths that add up', async (t) => {
  const hello = sslv3ClientHello(Buffer.alloc(32, 7));
  t.same([...hello.subarray(0, 3)], [0x16, 0x03, 0x00], 'handshake record, SSL 3.0');
  t.equal(hello.readUInt16BE(3), hello.length - 5, 'record length');
  t.equal(hello[5], 0x01, 'ClientHello');
  t.equal(hello.readUIntBE(6, 3), hello.length - 9, 'handshake length');
  t.same([...hello.subarray(9, 11)], [0x03, 0x00], 'client_version 3.0');
  t.same(hello.subarray(11, 43), Buffer.alloc(32, 7), 'the random');
});

t.test('the verdict: a 3.0 ServerHello is accepted; an alert, another version or nothing is refused', async (t) => {
  const serverHello = (major: number, minor: number): Buffer => Buffer.from([0x16, 3, minor, 0, 0x4a, 0x02, 0, 0, 0x46, major, minor]);
  t.equal(sslv3Verdict(serverHello(3, 0)), 'accepted');
  t.equal(sslv3Verdict(serverHello(3, 3)), 'refused');
  t.equal(sslv3Verdict(Buffer.from([0x15, 3, 0, 0, 2, 2, 40])), 'refused', 'handshake_failure alert');
  t.equal(sslv3Verdict(Buffer.alloc(0)), 'refused');
});

t.test('probeSslv3 against a server that answers with an SSLv3 ServerHello, and one that closes', async (t) => {
  const accepting = await startRawServer((socket) => socket.once('data', () => socket.write(Buffer.from([0x16, 3, 0, 0, 0x4a, 0x02, 0, 0, 0x46, 3, 0]))));
  const closing = await startRawServer((socket) => socket.once('data', () => socket.end()));
  t.teardown(async () => { await accepting.close(); await closing.close(); });
  const { sink } = testTranscript();
  t.equal(await probeSslv3({ endpoint: accepting.endpoint({ tls: 'implicit' }), timeoutMs: 2000, transcript: sink }), 'accepted');
  t.equal(await probeSslv3({ endpoint: closing.endpoint({ tls: 'implicit' }), timeoutMs: 2000, transcript: sink }), 'refused');
});

t.test('probeTls pins the version: TLS 1.2 negotiated when pinned, MP_ERR_TLS for a version the server refuses', async (t) => {
  const { cert, key } = await testCertificate();
  const server = tls.createServer({ cert, key, minVersion: 'TLSv1.2' }, (socket) => socket.on('error', () => undefined));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as { port: number }).port;
  const endpoint = { host: '127.0.0.1', port, tls: 'implicit' as const, verify: true, url: `smtps://127.0.0.1:${port}` };
  const { transcript, sink } = testTranscript();
  const result = await probeTls({ endpoint, version: 'TLSv1.2', timeoutMs: 3000, transcript: sink });
  t.equal(result.protocol, 'TLSv1.2');
  t.equal(result.authorized, false, 'not verified against the system store, and not refused for it');
  t.equal(result.nameError, undefined, 'the certificate names 127.0.0.1');
  t.match(result.chain[0], { selfIssued: true, bits: 2048, keyType: 'RSA' });
  await t.rejects(probeTls({ endpoint, version: 'TLSv1', timeoutMs: 3000, transcript: sink }), { code: 'MP_ERR_TLS' });
  t.ok(transcript.entries().some((e) => /pinned to TLSv1\b/.test(e.text)), 'the pinned attempt is in the transcript');
  const trusted = await probeTls({ endpoint: { ...endpoint, ca: cert, servername: 'other.example' }, timeoutMs: 3000, transcript: sink });
  t.equal(trusted.authorized, true, 'verified with the given CA');
  t.match(trusted.nameError, /other\.example/, 'the name mismatch is reported, not enforced');
});

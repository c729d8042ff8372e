import { getEventListeners } from 'node:events';
import t from 'tap';
import { connect } from '../../src/wire/connect.js';
import { ErrorCode, LimitError, MailprobeError } from '../../src/util/errors.js';
import { Limits } from '../../src/util/limits.js';
import { startSmtpServer } from '../helpers/smtp-server.js';
import { startRawServer, testTranscript } from '../helpers/raw-server.js';

const read = { timeoutMs: 2000 };

async function rejection(promise: Promise<unknown>): Promise<MailprobeError> {
  try {
    await promise;
  } catch (err) {
    return err as MailprobeError;
  }
  throw new Error('expected a rejection');
}

t.test('reads lines with or without their ending, exact counts, and the rest until close', async (t) => {
  const server = await startRawServer((socket) => socket.end('one\r\ntwo\nthree\r\nABCDEFtail'));
  t.teardown(() => server.close());
  const { sink, transcript } = testTranscript();
  const conn = await connect(server.endpoint(), { connectTimeoutMs: 2000, transcript: sink });
  t.same(await conn.readLine(read), Buffer.from('one'));
  t.same(await conn.readLine({ ...read, keepLineEnding: true }), Buffer.from('two\n'));
  t.same(await conn.readLine({ ...read, keepLineEnding: true }), Buffer.from('three\r\n'));
  t.same(await conn.readExactly(6, read), Buffer.from('ABCDEF'));
  t.same(await conn.readUntilClose(read), Buffer.from('tail'));
  const err = await rejection(conn.readLine({ ...read, waitingFor: 'reading reply to QUIT' }));
  t.equal(err.code, ErrorCode.CLOSED);
  t.equal(err.message, 'connection closed by server while reading reply to QUIT');
  await conn.close();
  const texts = transcript.entries().map((e) => `${e.dir} ${e.text}`);
  t.match(texts[0], /^i connected to 127\.0\.0\.1:\d+$/);
  t.same(texts.slice(1), ['s one\r\n', 's two\n', 's three\r\n', 's ABCDEF', 's tail', 'i connection closed by server', 'i connection closed by client']);
});

t.test('readLines: lines go to the callback until it returns a value; each line has the whole timeout', async (t) => {
  const server = await startRawServer((socket) => {
    socket.write('250-one\r\n250-two\r\n');
    // Each line well within the timeout, all of them together past it.
    setTimeout(() => socket.write('250-three\r\n'), 250);
    setTimeout(() => socket.write('250 four\r\n220 next\r\n'), 500);
  });
  t.teardown(() => server.close());
  const { sink, transcript } = testTranscript();
  const conn = await connect(server.endpoint(), { connectTimeoutMs: 2000, transcript: sink });
  t.teardown(() => conn.close());
  const seen: string[] = [];
  const last = await conn.readLines({ timeoutMs: 400, keepLineEnding: true }, (line) => {
    seen.push(line.toString());
    return line[3] === 0x20 ? line.toString() : undefined;
  });
  t.equal(last, '250 four\r\n');
  t.same(seen, ['250-one\r\n', '250-two\r\n', '250-three\r\n', '250 four\r\n']);
  t.same(await conn.readLine(read), Buffer.from('220 next'), 'the line after the value stays queued');
  t.same(
    transcript.entries().filter((e) => e.dir === 's').map((e) => e.text),
    ['250-one\r\n', '250-two\r\n', '250-three\r\n', '250 four\r\n', '220 next\r\n'],
    'one transcript entry per line',
  );
  const err = await rejection(conn.readLines({ timeoutMs: 100, waitingFor: 'reading reply to DATA' }, () => undefined));
  t.equal(err.code, ErrorCode.TIMEOUT);
});

t.test('a line exactly at the limit passes; one byte more fails without waiting for its end', async (t) => {
  const atLimit = Buffer.concat([Buffer.alloc(Limits.lineBytes - 2, 0x61), Buffer.from('\r\n')]);
  const server = await startRawServer((socket) => {
    socket.write(atLimit);
    socket.write(Buffer.alloc(Limits.lineBytes + 1, 0x62)); // no LF at all: the reader must not wait for one
  });
  t.teardown(() => server.close());
  const conn = await connect(server.endpoint(), { connectTimeoutMs: 2000, transcript: testTranscript().sink });
  t.teardown(() => conn.close());
  t.equal((await conn.readLine({ ...read, keepLineEnding: true })).length, Limits.lineBytes);
  const err = await rejection(conn.readLine({ ...read, waitingFor: 'reading reply to EHLO' }));
  t.type(err, LimitError);
  t.equal(err.message, 'line exceeds 64 KiB while reading reply to EHLO');
  t.equal((err as LimitError).limit, 'lineBytes');
});

t.test('timeout, abort and reset are named', async (t) => {
  const server = await startRawServer(() => undefined);
  t.teardown(() => server.close());
  const conn = await connect(server.endpoint(), { connectTimeoutMs: 2000, transcript: testTranscript().sink });
  t.teardown(() => conn.close());
  const started = Date.now();
  const timeout = await rejection(conn.readLine({ timeoutMs: 300, waitingFor: 'reading reply to DATA' }));
  t.equal(timeout.code, ErrorCode.TIMEOUT);
  t.equal(timeout.message, 'no reply within 300ms while reading reply to DATA');
  t.ok(Date.now() - started >= 290, 'waited for the timeout');

  const controller = new AbortController();
  const reason = new MailprobeError(ErrorCode.DEADLINE, 'scenario deadline of 1s exceeded');
  const pending = rejection(conn.readLine({ timeoutMs: 5000, signal: controller.signal }));
  controller.abort(reason);
  t.equal(await pending, reason, 'rejects at once with the signal reason');
  const already = await rejection(conn.readExactly(1, { timeoutMs: 5000, signal: AbortSignal.abort() }));
  t.equal(already.code, ErrorCode.INTERRUPTED);

  const resetting = await startRawServer((socket) => socket.on('data', () => socket.resetAndDestroy()));
  t.teardown(() => resetting.close());
  const doomed = await connect(resetting.endpoint(), { connectTimeoutMs: 2000, transcript: testTranscript().sink });
  await doomed.write(Buffer.from('EHLO probe\r\n'));
  const reset = await rejection(doomed.readLine({ ...read, waitingFor: 'reading the greeting' }));
  t.equal(reset.code, ErrorCode.CLOSED);
  t.match(reset.message, /^connection (reset|closed) by server while reading the greeting$/);
  await doomed.close();
});

t.test('connect errors: refused, and a TLS certificate that does not verify', async (t) => {
  const server = await startRawServer(() => undefined);
  const port = server.port;
  await server.close();
  const refused = await rejection(connect({ host: '127.0.0.1', port, tls: 'none', verify: true, url: '' }, { connectTimeoutMs: 2000, transcript: testTranscript().sink }));
  t.equal(refused.code, ErrorCode.CONNECT);
  t.match(refused.message, /cannot connect to 127\.0\.0\.1:\d+: .*ECONNREFUSED/);

  const smtp = await startSmtpServer({ implicitTls: true });
  t.teardown(() => smtp.close());
  const endpoint = { host: '127.0.0.1', port: smtp.tlsPort!, tls: 'implicit' as const, verify: true, url: '' };
  const unverified = await rejection(connect(endpoint, { connectTimeoutMs: 2000, transcript: testTranscript().sink }));
  t.equal(unverified.code, ErrorCode.TLS);
  t.match(unverified.message, /certificate verification failed .*self-signed/);

  const trusted = await connect({ ...endpoint, ca: smtp.certificate }, { connectTimeoutMs: 2000, transcript: testTranscript().sink });
  t.equal(trusted.secure, true, 'verifies against a CA given with the endpoint');
  await trusted.close();

  const { sink, transcript } = testTranscript();
  const insecure = await connect({ ...endpoint, verify: false }, { connectTimeoutMs: 2000, transcript: sink });
  t.equal(insecure.secure, true);
  t.match((await insecure.readLine(read)).toString(), /^220 /);
  await insecure.close();
  t.match(transcript.entries()[1]!.text, /^TLS established: TLSv1\.3 .* \(certificate not verified\)$/);
});

t.test('connect timeout (a TLS handshake that never comes) and abort', async (t) => {
  const silent = await startRawServer(() => undefined);
  t.teardown(() => silent.close());
  const timeout = await rejection(connect(silent.endpoint({ tls: 'implicit' }), { connectTimeoutMs: 200, transcript: testTranscript().sink }));
  t.equal(timeout.code, ErrorCode.TLS);
  t.match(timeout.message, /^TLS handshake with 127\.0\.0\.1:\d+ not finished within 200ms$/);
  const aborted = await rejection(connect(silent.endpoint(), { connectTimeoutMs: 5000, signal: AbortSignal.abort(), transcript: testTranscript().sink }));
  t.equal(aborted.code, ErrorCode.INTERRUPTED);
});

t.test('STARTTLS upgrade: works on a clean socket, refuses bytes sent before the handshake', async (t) => {
  const smtp = await startSmtpServer();
  t.teardown(() => smtp.close());
  const { sink, transcript } = testTranscript();
  const conn = await connect({ host: '127.0.0.1', port: smtp.port, tls: 'none', verify: false, url: '' }, { connectTimeoutMs: 2000, transcript: sink });
  await conn.readLine(read);
  await conn.write(Buffer.from('STARTTLS\r\n'));
  t.match((await conn.readLine(read)).toString(), /^220 /);
  await conn.upgradeTls(read);
  t.equal(conn.secure, true);
  await conn.write(Buffer.from('EHLO probe\r\n'));
  t.match((await conn.readLine(read)).toString(), /^250-/);
  await conn.close();
  t.ok(transcript.entries().some((e) => e.dir === 'i' && e.text.startsWith('TLS established')));

  const injecting = await startRawServer((socket) => {
    socket.on('data', () => socket.write('220 go ahead\r\n250 injected\r\n'));
  });
  t.teardown(() => injecting.close());
  const victim = await connect(injecting.endpoint({ verify: false }), { connectTimeoutMs: 2000, transcript: testTranscript().sink });
  t.teardown(() => victim.close());
  await victim.write(Buffer.from('STARTTLS\r\n'));
  await victim.readLine(read);
  const refused = await rejection(victim.upgradeTls(read));
  t.equal(refused.code, ErrorCode.PROTOCOL);
  t.match(refused.message, /server sent 14 bytes after its STARTTLS reply, before the TLS handshake/);
});

t.test('STARTTLS upgrade verifies the certificate unless told not to', async (t) => {
  const smtp = await startSmtpServer();
  t.teardown(() => smtp.close());
  const conn = await connect({ host: '127.0.0.1', port: smtp.port, tls: 'none', verify: true, url: '' }, { connectTimeoutMs: 2000, transcript: testTranscript().sink });
  await conn.readLine(read);
  await conn.write(Buffer.from('STARTTLS\r\n'));
  await conn.readLine(read);
  const err = await rejection(conn.upgradeTls(read));
  t.equal(err.code, ErrorCode.TLS);
  t.match(err.message, /certificate verification failed/);
  await conn.close();

  const trusting = await connect({ host: '127.0.0.1', port: smtp.port, tls: 'none', verify: true, ca: smtp.certificate, url: '' }, { connectTimeoutMs: 2000, transcript: testTranscript().sink });
  await trusting.readLine(read);
  await trusting.write(Buffer.from('STARTTLS\r\n'));
  await trusting.readLine(read);
  await trusting.upgradeTls(read);
  t.equal(trusting.secure, true, 'the endpoint CA is trusted after STARTTLS too');
  await trusting.close();
});

t.test('writes: secrets recorded by size only; writing after the server closed is CLOSED', async (t) => {
  const server = await startRawServer((socket) => socket.end('bye\r\n'));
  t.teardown(() => server.close());
  const { sink, transcript } = testTranscript();
  const conn = await connect(server.endpoint(), { connectTimeoutMs: 2000, transcript: sink });
  await conn.write(Buffer.from('AUTH PLAIN AGFsaWNlAHB3\r\n'), { redactFrom: 11 });
  t.same(transcript.entries().slice(1, 3).map((e) => e.text), ['AUTH PLAIN ', '<redacted 14 bytes>']);
  await conn.readLine(read);
  await rejection(conn.readLine(read));
  const err = await rejection(conn.write(Buffer.from('QUIT\r\n'), { waitingFor: 'sending QUIT' }));
  t.equal(err.code, ErrorCode.CLOSED);
  t.equal(err.message, 'connection closed by server while sending QUIT');
  await conn.close();
  await conn.close();
  t.pass('close is idempotent');
});

t.test('close rejects a pending read and unblocks', async (t) => {
  const server = await startRawServer(() => undefined);
  t.teardown(() => server.close());
  const conn = await connect(server.endpoint(), { connectTimeoutMs: 2000, transcript: testTranscript().sink });
  const pending = rejection(conn.readLine({ timeoutMs: 5000 }));
  await conn.close();
  const err = await pending;
  t.equal(err.code, ErrorCode.CLOSED);
  t.equal(err.message, 'connection closed by client');
});

t.test('reads share one abort listener per connection, however many there are', async (t) => {
  const server = await startRawServer((socket) => socket.on('data', () => socket.write('250 ok\r\n')));
  t.teardown(() => server.close());
  const conn = await connect(server.endpoint(), { connectTimeoutMs: 2000, transcript: testTranscript().sink });
  t.teardown(() => conn.close());
  const controller = new AbortController();
  for (let i = 0; i < 50; i++) {
    const reply = conn.readLine({ timeoutMs: 2000, signal: controller.signal });
    t.equal(getEventListeners(controller.signal, 'abort').length, 1, 'one listener while a read waits');
    await conn.write(Buffer.from('NOOP\r\n'));
    await reply;
  }
  await conn.close();
  t.equal(getEventListeners(controller.signal, 'abort').length, 0, 'removed at close');
});

t.test('the socket pauses with a line of unread bytes queued, and resumes for the next read', async (t) => {
  const flood = Buffer.alloc(16 * 1024 * 1024, 0x61);
  let serverSocket: import('node:net').Socket | undefined;
  const server = await startRawServer((socket) => {
    serverSocket = socket;
    socket.write('220 ready\r\n');
    socket.write(flood);
  });
  t.teardown(() => server.close());
  const conn = await connect(server.endpoint(), { connectTimeoutMs: 2000, transcript: testTranscript().sink });
  t.teardown(() => conn.close());
  t.same(await conn.readLine(read), Buffer.from('220 ready'));
  // No read pending: whatever the kernel buffers, most of the 16 MiB stays unsent on the server's side.
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setTimeout(resolve, 200));
  t.ok(serverSocket!.writableLength > 8 * 1024 * 1024, `server still holds ${serverSocket!.writableLength} bytes`);
  t.equal((await conn.readExactly(flood.length, { timeoutMs: 10_000 })).length, flood.length, 'the next read takes it all');
});

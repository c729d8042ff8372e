import t, { type Test } from 'tap';
import type net from 'node:net';
import { smtpDriver } from '../../../src/protocols/smtp/driver.js';
import type { ProtocolSession } from '../../../src/protocols/types.js';
import { ErrorCode, LimitError, ProtocolError } from '../../../src/util/errors.js';
import { Transcript } from '../../../src/wire/transcript.js';
import { startRawServer, type RawServer } from '../../helpers/raw-server.js';

const ctx = { timeoutMs: 300, signal: new AbortController().signal };

/** A raw server that sends `greeting` and hands every received line (without CRLF) to `onLine`. */
async function lineServer(t: Test, greeting: string | undefined, onLine: (line: string, socket: net.Socket) => void): Promise<RawServer> {
  const server = await startRawServer((socket) => {
    if (greeting !== undefined) socket.write(greeting);
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (let lf = pending.indexOf('\n'); lf !== -1; lf = pending.indexOf('\n')) {
        const line = pending.slice(0, lf).replace(/\r$/, '');
        pending = pending.slice(lf + 1);
        onLine(line, socket);
      }
    });
  });
  t.teardown(() => server.close());
  return server;
}

async function open(t: Test, server: RawServer): Promise<{ session: ProtocolSession; transcript: Transcript }> {
  const transcript = new Transcript({ startNs: process.hrtime.bigint() });
  const session = await smtpDriver.open({ endpoint: server.endpoint({ verify: false }), transcript: transcript.sink('default'), connectTimeoutMs: 1000, signal: ctx.signal });
  t.teardown(() => session.close());
  return { session, transcript };
}

t.test('a server that accepts then closes', async (t) => {
  const server = await startRawServer((socket) => socket.end());
  t.teardown(() => server.close());
  const { session } = await open(t, server);
  await t.rejects(session.perform({ kind: 'read' }, ctx), { code: ErrorCode.CLOSED, message: 'connection closed by server while reading the greeting' });

  const closesOnEhlo = await lineServer(t, '220 hi\r\n', (_line, socket) => socket.end());
  const other = await open(t, closesOnEhlo);
  await other.session.perform({ kind: 'read' }, ctx);
  await t.rejects(other.session.perform({ kind: 'send', text: 'EHLO probe' }, ctx), { code: ErrorCode.CLOSED, message: 'connection closed by server while reading reply to EHLO' });
});

t.test('a server that never answers times out with the command named', async (t) => {
  const silent = await startRawServer(() => undefined);
  t.teardown(() => silent.close());
  const { session } = await open(t, silent);
  const started = Date.now();
  await t.rejects(session.perform({ kind: 'read' }, ctx), { code: ErrorCode.TIMEOUT, message: 'no reply within 300ms while reading the greeting' });
  t.ok(Date.now() - started < 2000, 'bounded by the step timeout');

  const stallsOnData = await lineServer(t, '220 hi\r\n', (line, socket) => {
    if (line !== 'DATA') socket.write('250 ok\r\n');
  });
  const other = await open(t, stallsOnData);
  await other.session.perform({ kind: 'read' }, ctx);
  await other.session.perform({ kind: 'send', text: 'MAIL FROM:<a@example.test>' }, ctx);
  await t.rejects(other.session.perform({ kind: 'message', bytes: Buffer.from('x\r\n') }, ctx), {
    code: ErrorCode.TIMEOUT,
    message: 'no reply within 300ms while reading reply to DATA',
  });
});

t.test('a 70 KiB reply line is refused at the line limit', async (t) => {
  const server = await lineServer(t, '220 hi\r\n', (_line, socket) => socket.write(`250 ${'x'.repeat(70 * 1024)}\r\n`));
  const { session } = await open(t, server);
  await session.perform({ kind: 'read' }, ctx);
  const err = await session.perform({ kind: 'send', text: 'EHLO probe' }, ctx).catch((e: unknown) => e);
  t.type(err, LimitError);
  t.equal((err as LimitError).message, 'line exceeds 64 KiB while reading reply to EHLO');
});

t.test('garbage is a protocol error naming the offset and the line', async (t) => {
  const server = await startRawServer((socket) => socket.write('HTTP/1.1 400 Bad Request\r\n'));
  t.teardown(() => server.close());
  const { session } = await open(t, server);
  const err = await session.perform({ kind: 'read' }, ctx).catch((e: unknown) => e);
  t.type(err, ProtocolError);
  t.equal((err as ProtocolError).offset, 0);
  t.match((err as ProtocolError).message, /"HTTP\/1\.1 400 Bad Request" while reading the greeting/);
});

t.test('a server answering one byte at a time', async (t) => {
  const drip = (socket: net.Socket, text: string): void => {
    const bytes = Buffer.from(text);
    bytes.forEach((byte, i) => setTimeout(() => socket.write(Buffer.from([byte])), i));
  };
  const server = await lineServer(t, undefined, (_line, socket) => drip(socket, '250-mx greets you\r\n250-PIPELINING\r\n250 2.0.0 SMTPUTF8\r\n'));
  const { session, transcript } = await open(t, server);
  const reply = await session.perform({ kind: 'send', text: 'EHLO probe' }, { ...ctx, timeoutMs: 2000 });
  t.same(reply, { status: '250', text: '250-mx greets you\r\n250-PIPELINING\r\n250 2.0.0 SMTPUTF8' });
  t.same(transcript.entries().filter((e) => e.dir === 's').map((e) => e.text), ['250-mx greets you\r\n', '250-PIPELINING\r\n', '250 2.0.0 SMTPUTF8\r\n']);
});

t.test('STARTTLS refused: the reply is returned, the socket stays plain', async (t) => {
  const server = await lineServer(t, '220 hi\r\n', (line, socket) => socket.write(line === 'STARTTLS' ? '454 4.7.0 TLS not available\r\n' : '250 ok\r\n'));
  const { session } = await open(t, server);
  await session.perform({ kind: 'read' }, ctx);
  t.same(await session.perform({ kind: 'starttls' }, ctx), { status: '454', text: '454 4.7.0 TLS not available' });
  t.equal((await session.perform({ kind: 'send', text: 'NOOP' }, ctx))?.status, '250');
  t.same(server.received[0]!.map(String).join(''), 'STARTTLS\r\nNOOP\r\n');
});

t.test('STARTTLS command injection: bytes after the 220 are refused', async (t) => {
  const server = await lineServer(t, '220 hi\r\n', (_line, socket) => socket.write('220 2.0.0 go ahead\r\n250 injected\r\n'));
  const { session, transcript } = await open(t, server);
  await session.perform({ kind: 'read' }, ctx);
  await t.rejects(session.perform({ kind: 'starttls' }, ctx), { code: ErrorCode.PROTOCOL, message: /before the TLS handshake/ });
  t.ok(transcript.entries().some((e) => e.dir === 's' && e.text === '250 injected\r\n'), 'the injected bytes are shown');
});

t.test('BDAT sends the exact bytes with their count, no dot-stuffing (RFC 3030)', async (t) => {
  const server = await startRawServer((socket) => {
    socket.write('220 hi\r\n');
    let seen = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const header = /^BDAT (\d+) LAST\r\n/.exec(seen.toString('latin1'));
      if (header && seen.length >= header[0].length + Number(header[1])) socket.write('250 2.0.0 chunk ok\r\n');
    });
  });
  t.teardown(() => server.close());
  const { session } = await open(t, server);
  await session.perform({ kind: 'read' }, ctx);
  const message = Buffer.from('Subject: b\r\n\r\n.dot line\r\nbare\nlf\r\n.\r\n');
  const reply = await session.perform({ kind: 'message', bytes: message, chunking: true }, ctx);
  t.same(reply, { status: '250', text: '250 2.0.0 chunk ok' });
  t.same(Buffer.concat(server.received[0]!), Buffer.concat([Buffer.from(`BDAT ${message.length} LAST\r\n`), message]));
});

t.test('expect_close: resolves on close with what arrived recorded; times out if the server stays', async (t) => {
  const server = await lineServer(t, '220 hi\r\n', (line, socket) => {
    if (line === 'QUIT') socket.end('221 bye\r\n');
    else socket.write('250 ok\r\n');
  });
  const { session, transcript } = await open(t, server);
  await session.perform({ kind: 'read' }, ctx);
  await session.perform({ kind: 'raw', bytes: Buffer.from('QUIT\r\n'), read: false }, ctx);
  t.equal(await session.perform({ kind: 'expect_close' }, ctx), undefined);
  t.ok(transcript.entries().some((e) => e.dir === 's' && e.text === '221 bye\r\n'));

  const stays = await open(t, server);
  await stays.session.perform({ kind: 'read' }, ctx);
  await t.rejects(stays.session.perform({ kind: 'expect_close' }, ctx), {
    code: ErrorCode.TIMEOUT,
    message: 'connection still open after 300ms while waiting for the server to close the connection',
  });
});

t.test('AUTH: an unexpected challenge is cancelled with "*"; a non-base64 challenge is a protocol error', async (t) => {
  const server = await lineServer(t, '220 hi\r\n', (line, socket) => {
    if (line.startsWith('AUTH PLAIN')) socket.write('334 \r\n');
    else if (line === '*') socket.write('501 5.7.0 cancelled\r\n');
    else if (line === 'AUTH CRAM-MD5') socket.write('334 not base64!\r\n');
  });
  const { session, transcript } = await open(t, server);
  await session.perform({ kind: 'read' }, ctx);
  const cancelled = await session.perform({ kind: 'auth', mechanism: 'PLAIN', username: 'alice', password: 'alicepw' }, ctx);
  t.same(cancelled, { status: '501', text: '501 5.7.0 cancelled' });
  t.same(transcript.entries().filter((e) => e.dir === 'c').map((e) => e.text), ['AUTH PLAIN ', '<redacted 22 bytes>', '*\r\n']);
  await t.rejects(session.perform({ kind: 'auth', mechanism: 'CRAM-MD5', username: 'alice', password: 'alicepw' }, ctx), {
    code: ErrorCode.PROTOCOL,
    message: /334 challenge is not base64/,
  });
});

t.test('XOAUTH2: an error challenge gets an empty response and the final reply is returned', async (t) => {
  const challenge = Buffer.from('{"status":"401"}').toString('base64');
  const server = await lineServer(t, '220 hi\r\n', (line, socket) => {
    if (line.startsWith('AUTH XOAUTH2 ')) socket.write(`334 ${challenge}\r\n`);
    else if (line === '') socket.write('535 5.7.8 token rejected\r\n');
  });
  const { session } = await open(t, server);
  await session.perform({ kind: 'read' }, ctx);
  const reply = await session.perform({ kind: 'auth', mechanism: 'XOAUTH2', username: 'alice', password: 'expired-token' }, ctx);
  t.same(reply, { status: '535', text: '535 5.7.8 token rejected' });
  const sent = Buffer.concat(server.received[0]!).toString();
  t.match(sent, /^AUTH XOAUTH2 [A-Za-z0-9+/=]+\r\n\r\n$/);
});

t.test('an aborted step rejects at once with the abort reason', async (t) => {
  const silent = await startRawServer(() => undefined);
  t.teardown(() => silent.close());
  const { session } = await open(t, silent);
  const controller = new AbortController();
  const pending = session.perform({ kind: 'read' }, { timeoutMs: 10_000, signal: controller.signal });
  setTimeout(() => controller.abort(), 20);
  await t.rejects(pending, { code: ErrorCode.INTERRUPTED });
});

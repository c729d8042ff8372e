import t, { type Test } from 'tap';
import type net from 'node:net';
import { cramMd5Response } from '../../../src/protocols/shared/sasl.js';
import { pop3Driver } from '../../../src/protocols/pop3/driver.js';
import type { ProtocolSession, StepAction } from '../../../src/protocols/types.js';
import { ErrorCode, LimitError, ProtocolError } from '../../../src/util/errors.js';
import { Transcript } from '../../../src/wire/transcript.js';
import { startRawServer, type RawServer } from '../../helpers/raw-server.js';

const ctx = { timeoutMs: 300, signal: new AbortController().signal };
const RFC_GREETING = '+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n';

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

/** Answers each line from a table of exact lines (else "-ERR unknown"). */
function scripted(replies: Record<string, string>): (line: string, socket: net.Socket) => void {
  return (line, socket) => socket.write(replies[line] ?? '-ERR unknown\r\n');
}

async function open(t: Test, server: RawServer, secrets: string[] = []): Promise<{ session: ProtocolSession; transcript: Transcript }> {
  const transcript = new Transcript({ startNs: process.hrtime.bigint(), secrets });
  const session = await pop3Driver.open({ endpoint: server.endpoint({ verify: false }), transcript: transcript.sink('default'), connectTimeoutMs: 1000, signal: ctx.signal });
  t.teardown(() => session.close());
  return { session, transcript };
}

function sent(server: RawServer): string {
  return server.received[0]!.map(String).join('');
}

const auth = (mechanism: string, username = 'bob', password = 'bobpw'): StepAction => ({ kind: 'auth', mechanism, username, password });

t.test('a server that closes names the command whose reply it cut', async (t) => {
  const closer = await startRawServer((socket) => socket.end());
  t.teardown(() => closer.close());
  const { session } = await open(t, closer);
  await t.rejects(session.perform({ kind: 'read' }, ctx), { code: ErrorCode.CLOSED, message: 'connection closed by server while reading the greeting' });

  const midBody = await lineServer(t, '+OK hi\r\n', (_line, socket) => socket.end('+OK 2 octets\r\nSubject: x\r\n'));
  const other = await open(t, midBody);
  await other.session.perform({ kind: 'read' }, ctx);
  await t.rejects(other.session.perform({ kind: 'send', text: 'RETR 1' }, ctx), { code: ErrorCode.CLOSED, message: 'connection closed by server while reading reply to RETR 1' });
});

t.test('a silent server times out; a multi-line body that stalls is named as such', async (t) => {
  const silent = await startRawServer(() => undefined);
  t.teardown(() => silent.close());
  const { session } = await open(t, silent);
  const started = Date.now();
  await t.rejects(session.perform({ kind: 'read' }, ctx), { code: ErrorCode.TIMEOUT, message: 'no reply within 300ms while reading the greeting' });
  t.ok(Date.now() - started < 2000, 'bounded by the step timeout');

  const stalls = await lineServer(t, '+OK hi\r\n', (_line, socket) => socket.write('+OK\r\nline one\r\n'));
  const other = await open(t, stalls);
  await other.session.perform({ kind: 'read' }, ctx);
  await t.rejects(other.session.perform({ kind: 'send', text: 'RETR 1' }, ctx), { code: ErrorCode.TIMEOUT, message: 'multi-line reply to RETR 1 not finished within 300ms' });
});

t.test('a body dripping one line at a time must still end within the step timeout', async (t) => {
  const drip = await lineServer(t, '+OK hi\r\n', (_line, socket) => {
    socket.write('+OK\r\n');
    const timer = setInterval(() => socket.write('more\r\n'), 50);
    socket.on('close', () => clearInterval(timer));
  });
  const { session } = await open(t, drip);
  await session.perform({ kind: 'read' }, ctx);
  const started = Date.now();
  await t.rejects(session.perform({ kind: 'send', text: 'TOP 1 99' }, ctx), { code: ErrorCode.TIMEOUT, message: 'multi-line reply to TOP 1 99 not finished within 300ms' });
  t.ok(Date.now() - started < 1000, 'not reset by each line');
});

t.test('garbage and oversized lines are typed errors', async (t) => {
  const http = await startRawServer((socket) => socket.write('HTTP/1.1 400 Bad Request\r\n'));
  t.teardown(() => http.close());
  const { session } = await open(t, http);
  const err = await session.perform({ kind: 'read' }, ctx).catch((e: unknown) => e);
  t.type(err, ProtocolError);
  t.match((err as ProtocolError).message, /"HTTP\/1\.1 400 Bad Request" while reading the greeting/);

  const huge = await lineServer(t, '+OK hi\r\n', (_line, socket) => socket.write(`+OK\r\n${'x'.repeat(70 * 1024)}\r\n.\r\n`));
  const other = await open(t, huge);
  await other.session.perform({ kind: 'read' }, ctx);
  const limit = await other.session.perform({ kind: 'send', text: 'RETR 1' }, ctx).catch((e: unknown) => e);
  t.type(limit, LimitError);
  t.equal((limit as LimitError).message, 'line exceeds 64 KiB while reading reply to RETR 1');
});

t.test('multi-line replies: body bytes, text, the multiline override', async (t) => {
  const server = await lineServer(
    t,
    '+OK hi\r\n',
    scripted({
      'RETR 1': '+OK 30 octets\r\nSubject: dots\r\n\r\n..leading\r\n.\r\n',
      LIST: '+OK 1 messages\r\n1 30\r\n.\r\n',
      'LIST 1': '+OK 1 30\r\n',
      'XLIST': '+OK\r\na\r\n.\r\n',
      'RETR 9': '-ERR no such message\r\n',
    }),
  );
  const { session } = await open(t, server);
  await session.perform({ kind: 'read' }, ctx);
  t.same(await session.perform({ kind: 'send', text: 'RETR 1' }, ctx), {
    status: '+OK',
    text: '+OK 30 octets\r\nSubject: dots\r\n\r\n.leading',
    body: Buffer.from('Subject: dots\r\n\r\n.leading\r\n'),
  });
  t.same(await session.perform({ kind: 'send', text: 'RETR 9' }, ctx), { status: '-ERR', text: '-ERR no such message' });
  t.same(await session.perform({ kind: 'send', text: 'LIST 1' }, ctx), { status: '+OK', text: '+OK 1 30' });
  t.same(await session.perform({ kind: 'send', text: 'LIST' }, ctx), { status: '+OK', text: '+OK 1 messages\r\n1 30', body: Buffer.from('1 30\r\n') });
  t.same(await session.perform({ kind: 'send', text: 'XLIST', multiline: true }, ctx), { status: '+OK', text: '+OK\r\na', body: Buffer.from('a\r\n') });
});

t.test('raw pipelined commands: each reply is read with its own shape (RFC 2449 §6.6)', async (t) => {
  const server = await lineServer(t, '+OK hi\r\n', scripted({ STAT: '+OK 1 30\r\n', LIST: '+OK\r\n1 30\r\n.\r\n', NOOP: '+OK\r\n' }));
  const { session } = await open(t, server);
  await session.perform({ kind: 'read' }, ctx);
  t.equal(await session.perform({ kind: 'raw', bytes: Buffer.from('STAT\r\nLI'), read: false }, ctx), undefined);
  t.same(await session.perform({ kind: 'raw', bytes: Buffer.from('ST\r\nNOOP\r\n'), read: true }, ctx), { status: '+OK', text: '+OK 1 30' });
  t.same(await session.perform({ kind: 'read' }, ctx), { status: '+OK', text: '+OK\r\n1 30', body: Buffer.from('1 30\r\n') });
  t.same(await session.perform({ kind: 'read' }, ctx), { status: '+OK', text: '+OK' });
});

t.test('replies that arrive in the same chunk as a body are returned in order by the next reads', async (t) => {
  const burst = '+OK\r\n..a\r\nb\r\n.\r\n+OK 2 30\r\n+OK\r\n1 30\r\n.\r\n';
  const server = await lineServer(t, '+OK hi\r\n', scripted({ 'RETR 1': burst, STAT: '', LIST: '' }));
  const { session } = await open(t, server);
  await session.perform({ kind: 'read' }, ctx);
  t.same(await session.perform({ kind: 'raw', bytes: Buffer.from('RETR 1\r\nSTAT\r\nLIST\r\n'), read: true }, ctx), {
    status: '+OK',
    text: '+OK\r\n.a\r\nb',
    body: Buffer.from('.a\r\nb\r\n'),
  });
  t.same(await session.perform({ kind: 'read' }, ctx), { status: '+OK', text: '+OK 2 30' });
  t.same(await session.perform({ kind: 'read' }, ctx), { status: '+OK', text: '+OK\r\n1 30', body: Buffer.from('1 30\r\n') });
});

t.test('STLS injection: bytes that came with a body, past the STLS reply, are refused too', async (t) => {
  const server = await lineServer(t, '+OK hi\r\n', scripted({ CAPA: '+OK\r\nSTLS\r\n.\r\n+OK Begin TLS\r\n+OK injected\r\n', STLS: '' }));
  const { session } = await open(t, server);
  await session.perform({ kind: 'read' }, ctx);
  await session.perform({ kind: 'send', text: 'CAPA' }, ctx);
  await t.rejects(session.perform({ kind: 'starttls' }, ctx), { code: ErrorCode.PROTOCOL, message: /before the TLS handshake/ });
});

t.test('STLS refused: the reply is returned and the socket stays plain', async (t) => {
  const server = await lineServer(t, '+OK hi\r\n', scripted({ STLS: '-ERR TLS not available\r\n', NOOP: '+OK\r\n' }));
  const { session } = await open(t, server);
  await session.perform({ kind: 'read' }, ctx);
  t.same(await session.perform({ kind: 'starttls' }, ctx), { status: '-ERR', text: '-ERR TLS not available' });
  t.equal((await session.perform({ kind: 'send', text: 'NOOP' }, ctx))?.status, '+OK');
  t.equal(sent(server), 'STLS\r\nNOOP\r\n');
});

t.test('STLS injection: bytes after the +OK and before the handshake are refused', async (t) => {
  const server = await lineServer(t, '+OK hi\r\n', (_line, socket) => socket.write('+OK Begin TLS\r\n+OK injected\r\n'));
  const { session } = await open(t, server);
  await session.perform({ kind: 'read' }, ctx);
  await t.rejects(session.perform({ kind: 'starttls' }, ctx), { code: ErrorCode.PROTOCOL, message: /before the TLS handshake/ });
});

t.test('USER/PASS: PASS is a secret; a -ERR to USER ends the step without PASS', async (t) => {
  const server = await lineServer(t, '+OK hi\r\n', scripted({ 'USER bob': '+OK\r\n', 'PASS bobpw': '+OK logged in\r\n', 'USER eve': '-ERR [AUTH] no\r\n' }));
  const { session, transcript } = await open(t, server);
  await session.perform({ kind: 'read' }, ctx);
  t.same(await session.perform(auth('USER'), ctx), { status: '+OK', text: '+OK logged in' });
  const client = transcript.entries().filter((e) => e.dir === 'c').map((e) => e.text);
  t.same(client.slice(0, 2), ['USER bob\r\n', 'PASS ']);
  t.notOk(client.some((text) => text.includes('bobpw')), 'the password is never recorded');

  const refused = await open(t, server);
  await refused.session.perform({ kind: 'read' }, ctx);
  t.same(await refused.session.perform(auth('user', 'eve'), ctx), { status: '-ERR', text: '-ERR [AUTH] no' });
  t.equal(server.received[1]!.map(String).join(''), 'USER eve\r\n');
});

t.test('APOP: the digest of RFC 1939 §7, recorded as a secret', async (t) => {
  const server = await lineServer(t, RFC_GREETING, scripted({ 'APOP mrose c4c9334bac560ecc979e58001b3e22fb': '+OK maildrop has 1 message (369 octets)\r\n' }));
  const { session, transcript } = await open(t, server);
  await session.perform({ kind: 'read' }, ctx);
  t.equal((await session.perform(auth('APOP', 'mrose', 'tanstaaf'), ctx))?.status, '+OK');
  t.notOk(transcript.entries().some((e) => e.text.includes('c4c9334b')), 'the digest is not recorded');

  const early = await open(t, server);
  await t.rejects(early.session.perform(auth('APOP', 'mrose', 'tanstaaf'), ctx), { code: ErrorCode.CONFIG, message: /read the greeting first/ });

  const noTimestamp = await lineServer(t, '+OK Dovecot ready.\r\n', scripted({}));
  const other = await open(t, noTimestamp);
  await other.session.perform({ kind: 'read' }, ctx);
  await t.rejects(other.session.perform(auth('APOP'), ctx), { code: ErrorCode.UNSUPPORTED, message: 'APOP needs a timestamp in the greeting (RFC 1939 §7), and "+OK Dovecot ready." has none' });
});

t.test('AUTH (RFC 5034): initial response, challenges, cancellation, secrets', async (t) => {
  const plain = Buffer.from('\0bob\0bobpw').toString('base64');
  const b64 = (text: string): string => Buffer.from(text).toString('base64');
  const server = await lineServer(
    t,
    '+OK hi\r\n',
    scripted({
      [`AUTH PLAIN ${plain}`]: '+OK plain\r\n',
      'AUTH LOGIN': `+ ${b64('Username:')}\r\n`,
      [b64('bob')]: `+ ${b64('Password:')}\r\n`,
      [b64('bobpw')]: '+OK login\r\n',
      'AUTH CRAM-MD5': `+ ${b64('<1896.697170952@postoffice.example.net>')}\r\n`,
      [cramMd5Response('bob', 'bobpw', Buffer.from('<1896.697170952@postoffice.example.net>')).toString('base64')]: '+OK cram\r\n',
    }),
  );
  const { session, transcript } = await open(t, server, ['bobpw']);
  await session.perform({ kind: 'read' }, ctx);
  t.same(await session.perform(auth('PLAIN'), ctx), { status: '+OK', text: '+OK plain' });
  t.same(await session.perform(auth('LOGIN'), ctx), { status: '+OK', text: '+OK login' });
  t.same(await session.perform(auth('cram-md5'), ctx), { status: '+OK', text: '+OK cram' });
  const client = transcript.entries().filter((e) => e.dir === 'c').map((e) => e.text);
  t.ok(client.includes('AUTH PLAIN '), 'the command is recorded, the initial response is not');
  t.notOk(client.some((text) => text.includes(plain) || text.includes(b64('bob'))), 'no SASL payload is recorded');

  // A long XOAUTH2 token does not fit in 255 octets: it answers the empty challenge; the error challenge that
  // follows gets an empty answer, the next "*".
  const token = 'x'.repeat(300);
  const long = await lineServer(t, '+OK hi\r\n', (line, socket) => {
    if (line === 'AUTH XOAUTH2') socket.write('+ \r\n');
    else if (line === '') socket.write('-ERR invalid token\r\n');
    else socket.write(`+ ${b64('{"status":"401"}')}\r\n`);
  });
  const other = await open(t, long);
  await other.session.perform({ kind: 'read' }, ctx);
  t.same(await other.session.perform(auth('XOAUTH2', 'bob', token), ctx), { status: '-ERR', text: '-ERR invalid token' });
  const lines = sent(long).split('\r\n');
  t.equal(lines[0], 'AUTH XOAUTH2');
  t.equal(Buffer.from(lines[1]!, 'base64').toString(), `user=bob\x01auth=Bearer ${token}\x01\x01`);
  t.equal(lines[2], '');

  const bad = await lineServer(t, '+OK hi\r\n', scripted({ 'AUTH LOGIN': '+ not base64!\r\n' }));
  const third = await open(t, bad);
  await third.session.perform({ kind: 'read' }, ctx);
  await t.rejects(third.session.perform(auth('LOGIN'), ctx), { code: ErrorCode.PROTOCOL, message: /"\+" challenge is not base64: "\+ not base64!" while reading reply to AUTH LOGIN/ });

  const endless = await lineServer(t, '+OK hi\r\n', (line, socket) => socket.write(line === '*' ? '-ERR cancelled\r\n' : '+ \r\n'));
  const fourth = await open(t, endless);
  await fourth.session.perform({ kind: 'read' }, ctx);
  t.same(await fourth.session.perform(auth('PLAIN'), ctx), { status: '-ERR', text: '-ERR cancelled' }, 'a mechanism with nothing left to say cancels');
});

t.test('steps POP3 does not have, and the server closing', async (t) => {
  const server = await lineServer(t, '+OK hi\r\n', (line, socket) => {
    if (line === 'QUIT') socket.end('+OK bye\r\n');
  });
  const { session } = await open(t, server);
  await t.rejects(session.perform({ kind: 'message', bytes: Buffer.from('x') }, ctx), { code: ErrorCode.UNSUPPORTED });
  await t.rejects(session.perform({ kind: 'idle', until: /x/, idleTimeoutMs: 10 }, ctx), { code: ErrorCode.UNSUPPORTED });
  await session.perform({ kind: 'read' }, ctx);
  t.same(await session.perform({ kind: 'send', text: 'QUIT' }, ctx), { status: '+OK', text: '+OK bye' });
  t.equal(await session.perform({ kind: 'expect_close' }, ctx), undefined);
});

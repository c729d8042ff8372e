import t from 'tap';
import { ErrorCode, MailprobeError } from '../../../src/util/errors.js';
import { ctx, scripted, tagOf, type Script } from './scripted-server.js';

/** A server that asks for every synchronizing literal with "+" and completes each command with OK. */
function literalServer(): Script {
  let literalOf: string | undefined;
  return (line, socket) => {
    if (literalOf === undefined) literalOf = tagOf(line);
    if (/\{\d+\}$/.test(line)) {
      socket.write('+ go ahead\r\n');
      return;
    }
    if (/\{\d+\+\}$/.test(line)) return;
    socket.write(`${literalOf} OK [APPENDUID 1 7] done\r\n`);
    literalOf = undefined;
  };
}

const MESSAGE = Buffer.from('Subject: hi\r\n\r\nbody\r\n');

t.test('APPEND without LITERAL+: a synchronizing literal, sent after "+"', async (t) => {
  const client = await scripted(t, '* OK [CAPABILITY IMAP4rev1] ready', literalServer());
  await client.perform({ kind: 'read' });
  const reply = await client.perform({ kind: 'message', bytes: MESSAGE, mailbox: 'Sent Items', flags: ['\\Seen', '\\Draft'] });
  t.equal(reply.status, 'OK');
  t.equal(client.received(), `A001 APPEND "Sent Items" (\\Seen \\Draft) {${MESSAGE.length}}\r\n${MESSAGE.toString('latin1')}\r\n`);
  t.equal(reply.text, '+ go ahead\r\nA001 OK [APPENDUID 1 7] done', 'the continuation request is part of the reply');
  t.same(reply.untagged, []);
});

t.test('APPEND with LITERAL+: {n+} and the message at once, no "+" awaited', async (t) => {
  const client = await scripted(t, '* OK [CAPABILITY IMAP4rev1 LITERAL+] ready', literalServer());
  await client.perform({ kind: 'read' });
  const reply = await client.perform({ kind: 'message', bytes: MESSAGE, mailbox: 'INBOX' });
  t.equal(reply.status, 'OK');
  t.equal(client.received(), `A001 APPEND "INBOX" {${MESSAGE.length}+}\r\n${MESSAGE.toString('latin1')}\r\n`);
});

t.test('LITERAL-: {n+} up to 4096 octets, a synchronizing literal beyond', async (t) => {
  const small = Buffer.alloc(4096, 0x61);
  const large = Buffer.alloc(4097, 0x61);
  const session = await scripted(t, '* OK [CAPABILITY IMAP4rev1 LITERAL-] ready', literalServer());
  await session.perform({ kind: 'read' });
  await session.perform({ kind: 'message', bytes: small, mailbox: 'INBOX' });
  await session.perform({ kind: 'message', bytes: large, mailbox: 'INBOX' });
  const received = session.received();
  t.match(received, /^A001 APPEND "INBOX" \{4096\+\}\r\n/);
  t.match(received, /\r\nA002 APPEND "INBOX" \{4097\}\r\n/);
});

t.test('a literal refused instead of "+": that answer is the reply and the literal is not sent', async (t) => {
  const client = await scripted(t, '* OK ready', (line, socket) => socket.write(`${tagOf(line)} NO [TOOBIG] Message too large\r\n`));
  await client.perform({ kind: 'read' });
  const reply = await client.perform({ kind: 'message', bytes: MESSAGE, mailbox: 'INBOX' });
  t.equal(reply.status, 'NO');
  t.match(reply.text, /TOOBIG/);
  t.notMatch(client.received(), /Subject/);
});

t.test('send: literals written as {n}\\r\\n are synchronizing, {n+}\\r\\n are not', async (t) => {
  const client = await scripted(t, '* OK [CAPABILITY IMAP4rev1 LITERAL+] ready', literalServer());
  await client.perform({ kind: 'read' });
  const reply = await client.perform({ kind: 'send', text: 'LOGIN {5}\\r\\nalice {7+}\\r\\nalicepw' });
  t.equal(reply.status, 'OK');
  t.equal(client.received(), 'A001 LOGIN {5}\r\nalice {7+}\r\nalicepw\r\n');
  t.equal(reply.text, '+ go ahead\r\nA001 OK [APPENDUID 1 7] done');
});

t.test('LOGIN-COMMAND quotes the strings; a password that cannot be quoted goes as a literal, recorded as a secret', async (t) => {
  const client = await scripted(t, '* OK ready', literalServer());
  await client.perform({ kind: 'read' });
  await client.perform({ kind: 'auth', mechanism: 'LOGIN-COMMAND', username: 'al"ice', password: 'pa\\ss' });
  await client.perform({ kind: 'auth', mechanism: 'login-command', username: 'bob', password: 'pässwörd' });
  t.equal(client.received(), 'A001 LOGIN "al\\"ice" "pa\\\\ss"\r\nA002 LOGIN "bob" {10}\r\npässwörd\r\n'.replace('pässwörd', Buffer.from('pässwörd').toString('latin1')));
  const transcript = JSON.stringify(client.transcript.entries());
  t.notMatch(transcript, /pa\\\\\\\\ss/, 'the quoted password is a secret');
  t.notMatch(transcript, /p.{1,2}ssw/, 'the literal password is a secret');
});

t.test('AUTHENTICATE PLAIN with SASL-IR: the initial response on the command line', async (t) => {
  const client = await scripted(t, '* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] ready', (line, socket) => socket.write(`${tagOf(line)} OK Logged in\r\n`));
  await client.perform({ kind: 'read' });
  const reply = await client.perform({ kind: 'auth', mechanism: 'PLAIN', username: 'alice', password: 'alicepw' });
  t.equal(reply.status, 'OK');
  t.equal(client.received(), `A001 AUTHENTICATE PLAIN ${Buffer.from('\0alice\0alicepw').toString('base64')}\r\n`);
  t.notMatch(JSON.stringify(client.transcript.entries()), Buffer.from('\0alice\0alicepw').toString('base64'));
});

t.test('AUTHENTICATE without SASL-IR: the initial response answers the empty challenge', async (t) => {
  const client = await scripted(t, '* OK ready', (line, socket) => socket.write(line.startsWith('A001') ? '+ \r\n' : 'A001 OK Logged in\r\n'));
  await client.perform({ kind: 'read' });
  const reply = await client.perform({ kind: 'auth', mechanism: 'PLAIN', username: 'alice', password: 'alicepw' });
  t.equal(reply.status, 'OK');
  t.equal(client.received(), `A001 AUTHENTICATE PLAIN\r\n${Buffer.from('\0alice\0alicepw').toString('base64')}\r\n`);
});

t.test('AUTHENTICATE LOGIN answers each base64 challenge; a challenge that is not base64 is a protocol error', async (t) => {
  const challenges = ['+ VXNlcm5hbWU6', '+ UGFzc3dvcmQ6', 'A001 NO [AUTHENTICATIONFAILED] Authentication failed.'];
  const client = await scripted(t, '* OK ready', (_line, socket) => socket.write(`${challenges.shift()}\r\n`));
  await client.perform({ kind: 'read' });
  const reply = await client.perform({ kind: 'auth', mechanism: 'LOGIN', username: 'alice', password: 'wrong' });
  t.equal(reply.status, 'NO');
  t.equal(client.received(), `A001 AUTHENTICATE LOGIN\r\n${Buffer.from('alice').toString('base64')}\r\n${Buffer.from('wrong').toString('base64')}\r\n`);
  const bad = await scripted(t, '* OK ready', (_line, socket) => socket.write('+ not base64!\r\n'));
  await bad.perform({ kind: 'read' });
  const err = (await t.rejects(bad.session.perform({ kind: 'auth', mechanism: 'CRAM-MD5', username: 'a', password: 'b' }, ctx))) as unknown as MailprobeError;
  t.equal(err.code, ErrorCode.PROTOCOL);
  t.match(err.message, /challenge is not base64/);
});

t.test('IDLE: "+", untagged lines until one matches, DONE, the tagged OK', async (t) => {
  const client = await scripted(t, '* OK ready', (line, socket) => {
    if (line.endsWith('IDLE')) {
      socket.write('+ idling\r\n* 1 RECENT\r\n');
      setTimeout(() => socket.write('* 4 EXISTS\r\n'), 50);
    } else if (line === 'DONE') socket.write('A001 OK Idle completed.\r\n');
  });
  await client.perform({ kind: 'read' });
  const reply = await client.perform({ kind: 'idle', until: /^\d+ EXISTS$/, idleTimeoutMs: 2000 });
  t.equal(reply.status, 'OK');
  t.same(reply.untagged, ['1 RECENT', '4 EXISTS']);
  t.equal(client.received(), 'A001 IDLE\r\nDONE\r\n');
});

t.test('IDLE: no matching line within the idle timeout is MP_ERR_TIMEOUT naming the pattern', async (t) => {
  const client = await scripted(t, '* OK ready', (_line, socket) => socket.write('+ idling\r\n* 1 RECENT\r\n'));
  await client.perform({ kind: 'read' });
  const err = (await t.rejects(client.session.perform({ kind: 'idle', until: /EXISTS/g, idleTimeoutMs: 150 }, ctx))) as unknown as MailprobeError;
  t.equal(err.code, ErrorCode.TIMEOUT);
  t.match(err.message, /no untagged response matched \/EXISTS\/ within 150ms of IDLE/);
});

t.test('IDLE refused: the refusal is the reply', async (t) => {
  const client = await scripted(t, '* OK ready', (line, socket) => socket.write(`${tagOf(line)} BAD Unknown command\r\n`));
  await client.perform({ kind: 'read' });
  const reply = await client.perform({ kind: 'idle', until: /EXISTS/, idleTimeoutMs: 1000 });
  t.equal(reply.status, 'BAD');
});

t.test('a continuation request the step does not answer ends the read with status "+"; raw answers it', async (t) => {
  const client = await scripted(t, '* OK ready', (line, socket) => socket.write(line.startsWith('A001') ? '+ \r\n' : 'A001 OK Logged in\r\n'));
  await client.perform({ kind: 'read' });
  const started = await client.perform({ kind: 'send', text: 'AUTHENTICATE PLAIN' });
  t.equal(started.status, '+');
  const done = await client.perform({ kind: 'raw', bytes: Buffer.from('AGFsaWNlAGFsaWNlcHc=\r\n'), read: true });
  t.equal(done.status, 'OK');
});

t.test('a FETCH reply: untagged lines, the first literal as the body, text shows the literal', async (t) => {
  const client = await scripted(t, '* OK ready', (line, socket) =>
    socket.write(`* 1 FETCH (UID 9 BODY[] {6}\r\nhello\n)\r\n* 2 FETCH (BODY[] {3}\r\n\x00\x01\x02)\r\n${tagOf(line)} OK Fetch completed\r\n`),
  );
  await client.perform({ kind: 'read' });
  const reply = await client.perform({ kind: 'send', text: 'FETCH 1:2 BODY[]' });
  t.equal(reply.status, 'OK');
  t.same(reply.body, Buffer.from('hello\n'));
  t.same(reply.untagged, ['1 FETCH (UID 9 BODY[] {6}\r\nhello\n)', '2 FETCH (BODY[] {3}\r\n[3 octets, not printable])']);
  t.match(reply.text, /A001 OK Fetch completed$/);
});

t.test('raw reads accept any tag; a read after the greeting reads the next response', async (t) => {
  const client = await scripted(t, '* OK ready', (line, socket) => socket.write(`* 3 EXISTS\r\n${tagOf(line)} OK done\r\n`));
  await client.perform({ kind: 'read' });
  t.equal(await client.session.perform({ kind: 'raw', bytes: Buffer.from('x1 NOOP\r\n'), read: false }, ctx), undefined);
  const reply = await client.perform({ kind: 'read' });
  t.equal(reply.status, 'OK');
  t.equal(reply.text, '* 3 EXISTS\r\nx1 OK done');
  const next = await client.perform({ kind: 'send', text: 'NOOP' });
  t.equal(next.text, '* 3 EXISTS\r\nA001 OK done', 'tags count the session\'s own commands');
});

t.test('send: a line break outside a literal, or a literal longer than the text, is a scenario error', async (t) => {
  const client = await scripted(t, '* OK ready', () => undefined);
  await client.perform({ kind: 'read' });
  const broken = (await t.rejects(client.session.perform({ kind: 'send', text: 'NOOP\r\nNOOP' }, ctx))) as unknown as MailprobeError;
  t.equal(broken.code, ErrorCode.SCENARIO);
  const short = (await t.rejects(client.session.perform({ kind: 'send', text: 'LOGIN {9}\\r\\nabc' }, ctx))) as unknown as MailprobeError;
  t.equal(short.code, ErrorCode.SCENARIO);
  t.match(short.message, /announces 9 octets but only 3 follow/);
  t.equal(client.received(), '', 'nothing was sent');
});

t.test('AUTHENTICATE XOAUTH2: the token as initial response; an error challenge gets the empty answer', async (t) => {
  const answers = ['+ eyJzdGF0dXMiOiI0MDEifQ==', 'A001 NO [AUTHENTICATIONFAILED] Invalid token'];
  const client = await scripted(t, '* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] ready', (_line, socket) => socket.write(`${answers.shift()}\r\n`));
  await client.perform({ kind: 'read' });
  const reply = await client.perform({ kind: 'auth', mechanism: 'XOAUTH2', username: 'alice', password: 'token123' });
  t.equal(reply.status, 'NO');
  const initial = Buffer.from('user=alice\x01auth=Bearer token123\x01\x01').toString('base64');
  t.equal(client.received(), `A001 AUTHENTICATE XOAUTH2 ${initial}\r\n\r\n`);
  t.notOk(JSON.stringify(client.transcript.entries()).includes(initial), 'the initial response is a secret');
});

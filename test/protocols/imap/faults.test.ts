import t from 'tap';
import { ErrorCode, LimitError, MailprobeError, ProtocolError } from '../../../src/util/errors.js';
import { Limits } from '../../../src/util/limits.js';
import { ctx, scripted, tagOf } from './scripted-server.js';

const GREETING = '* OK [CAPABILITY IMAP4rev1] ready';

t.test('a greeting that is not an untagged OK, PREAUTH or BYE is a protocol error', async (t) => {
  const client = await scripted(t, 'A001 OK hello', () => undefined);
  const err = (await t.rejects(client.session.perform({ kind: 'read' }, ctx))) as unknown as ProtocolError;
  t.ok(err instanceof ProtocolError);
  t.match(err.message, /expected a greeting "\* OK", "\* PREAUTH" or "\* BYE".*A001 OK hello/);
});

t.test('greetings OK, PREAUTH and BYE give their status', async (t) => {
  for (const [line, status] of [['* OK ready', 'OK'], ['* PREAUTH welcome back', 'PREAUTH'], ['* BYE too busy', 'BYE']] as const) {
    const client = await scripted(t, line, () => undefined);
    const reply = await client.perform({ kind: 'read' });
    t.equal(reply.status, status);
    t.same(reply.untagged, [line.slice(2)]);
  }
});

t.test('a tagged response with another tag is a protocol error naming both', async (t) => {
  const client = await scripted(t, GREETING, (line, socket) => socket.write(`B999 OK ${line}\r\n`));
  await client.perform({ kind: 'read' });
  const err = (await t.rejects(client.session.perform({ kind: 'send', text: 'NOOP' }, ctx))) as unknown as ProtocolError;
  t.ok(err instanceof ProtocolError);
  t.match(err.message, /tagged response "B999 OK A001 NOOP" does not carry the command's tag A001 while reading the response to NOOP/);
});

t.test('a literal announcing more octets than follow, then a close: a protocol error at the offset', async (t) => {
  const client = await scripted(t, GREETING, (_line, socket) => {
    socket.write('* 1 FETCH (BODY[] {100}\r\nonly twenty octets..');
    socket.end();
  });
  await client.perform({ kind: 'read' });
  const err = (await t.rejects(client.session.perform({ kind: 'send', text: 'FETCH 1 BODY[]' }, ctx))) as unknown as ProtocolError;
  t.ok(err instanceof ProtocolError);
  t.equal(err.offset, 25, 'the end of what the response holds: its first line');
  t.match(err.message, /response truncated, the literal of 100 octets starting at offset 25 is incomplete.*while reading the response to FETCH/);
});

t.test('a literal announcing more octets than follow, connection left open: a timeout, not a hang', async (t) => {
  const client = await scripted(t, GREETING, (_line, socket) => socket.write('* 1 FETCH (BODY[] {100}\r\nshort'));
  await client.perform({ kind: 'read' });
  const started = Date.now();
  const err = (await t.rejects(client.session.perform({ kind: 'send', text: 'FETCH 1 BODY[]' }, { ...ctx, timeoutMs: 200 }))) as unknown as MailprobeError;
  t.equal(err.code, ErrorCode.TIMEOUT);
  t.ok(Date.now() - started < 1500);
});

t.test('BYE during a command, then the close: the reply status is BYE', async (t) => {
  const client = await scripted(t, GREETING, (_line, socket) => {
    socket.write('* BYE server shutting down\r\n');
    socket.end();
  });
  await client.perform({ kind: 'read' });
  const reply = await client.perform({ kind: 'send', text: 'SELECT INBOX' });
  t.equal(reply.status, 'BYE');
  t.same(reply.untagged, ['BYE server shutting down']);
  t.equal(await client.session.perform({ kind: 'expect_close' }, ctx), undefined);
});

t.test('a close without BYE in the middle of a command is MP_ERR_CLOSED', async (t) => {
  const client = await scripted(t, GREETING, (_line, socket) => socket.end());
  await client.perform({ kind: 'read' });
  const err = (await t.rejects(client.session.perform({ kind: 'send', text: 'NOOP' }, ctx))) as unknown as MailprobeError;
  t.equal(err.code, ErrorCode.CLOSED);
});

t.test('LOGOUT: * BYE then the tagged OK gives OK with the BYE among the untagged lines', async (t) => {
  const client = await scripted(t, GREETING, (line, socket) => {
    socket.write(`* BYE logging out\r\n${tagOf(line)} OK Logout completed.\r\n`);
    socket.end();
  });
  await client.perform({ kind: 'read' });
  const reply = await client.perform({ kind: 'send', text: 'LOGOUT' });
  t.equal(reply.status, 'OK');
  t.same(reply.untagged, ['BYE logging out']);
  t.equal(reply.text, '* BYE logging out\r\nA001 OK Logout completed.');
});

t.test('a line one octet over Limits.lineBytes is a LimitError', async (t) => {
  const client = await scripted(t, GREETING, (_line, socket) => socket.write(`* OK ${'x'.repeat(Limits.lineBytes)}\r\n`));
  await client.perform({ kind: 'read' });
  const err = (await t.rejects(client.session.perform({ kind: 'send', text: 'NOOP' }, ctx))) as unknown as LimitError;
  t.ok(err instanceof LimitError);
  t.equal(err.limit, 'lineBytes');
});

t.test('garbage in a response is a ProtocolError with the offset and what was awaited', async (t) => {
  const client = await scripted(t, GREETING, (line, socket) => socket.write(`* 1 FETCH (FLAGS (\\Seen)\r\n${tagOf(line)} OK\r\n`));
  await client.perform({ kind: 'read' });
  const err = (await t.rejects(client.session.perform({ kind: 'send', text: 'FETCH 1 FLAGS' }, ctx))) as unknown as ProtocolError;
  t.ok(err instanceof ProtocolError);
  t.equal(err.offset, 24);
  t.match(err.message, /while reading the response to FETCH \(at offset 24\)$/);
});

t.test('bytes after the STARTTLS OK, before the handshake, are refused (command injection)', async (t) => {
  const client = await scripted(t, GREETING, (line, socket) => socket.write(`${tagOf(line)} OK Begin TLS now\r\n* OK injected\r\n`));
  await client.perform({ kind: 'read' });
  const err = (await t.rejects(client.session.perform({ kind: 'starttls' }, ctx))) as unknown as MailprobeError;
  t.equal(err.code, ErrorCode.PROTOCOL);
  t.match(err.message, /STARTTLS command injection/);
});

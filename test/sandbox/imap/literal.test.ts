/**
 * Literals over a real connection (RFC 3501 §4.3, §7.5; RFC 7888 LITERAL+): continuation only for
 * synchronizing literals, binary and 8-bit bytes kept exact both ways, and the named limits — a literal or
 * a line exactly at its limit is taken, one past is refused (BAD [TOOBIG]), and a non-synchronizing
 * literal past it ends the connection since its bytes are already on the way.
 */
import t from 'tap';
import { ImapServerLimits } from '../../../src/sandbox/imap/limits.js';
import { connect, loggedIn, sandboxFor, selected } from './client.js';

const sandbox = await sandboxFor(t);

t.test('binary and 8-bit bytes: APPENDed as a literal, FETCHed back exact, as a literal', async (t) => {
  const client = await loggedIn(t, sandbox);
  const bytes = Buffer.concat([Buffer.from('Subject: bin\r\n\r\n'), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from('\r\n')]);
  client.write(`B1 APPEND INBOX {${bytes.length}+}\r\n`);
  client.write(Buffer.concat([bytes, Buffer.from('\r\n')]));
  t.match(await client.response(), /^B1 OK \[APPENDUID \d+ 1\]/);
  await client.command('SELECT INBOX');
  const { untagged } = await client.command('FETCH 1 BODY.PEEK[]');
  const head = `* 1 FETCH (BODY[] {${bytes.length}}\r\n`;
  t.ok(untagged[0]!.startsWith(head), 'a literal with the byte count');
  t.same(Buffer.from(untagged[0]!.slice(head.length, head.length + bytes.length), 'latin1'), bytes, 'exact bytes');
  const quoted = await client.command('FETCH 1 (BODY.PEEK[HEADER.FIELDS (Subject)] ENVELOPE)');
  t.match(quoted.untagged[0], /ENVELOPE \(NIL "bin" NIL/);
});

t.test('mailbox names and strings as literals in any argument', async (t) => {
  const client = await selected(t, sandbox);
  client.write('L1 CREATE {5}\r\n');
  t.match(await client.response(), /^\+ /);
  client.write('Käst\r\n');
  t.match(await client.response(), /^L1 OK/);
  const listed = await client.command('LIST "" K*');
  t.same(listed.untagged, ['* LIST (\\HasNoChildren) "/" {5}\r\nK\xc3\xa4st'], 'an 8-bit name goes back as a literal');
  client.write('L2 SEARCH SUBJECT {3+}\r\nbin\r\n');
  t.equal(await client.response(), '* SEARCH 1');
  t.match(await client.response(), /^L2 OK/);
  client.write('L3 LIST "" {1}\r\n');
  await client.response();
  client.write('*\r\n');
  t.match(await client.response(), /^\* LIST .* INBOX$/);
});

t.test('literal size: exactly at the limit taken; one past refused without reading it', async (t) => {
  const client = await loggedIn(t, sandbox, 'bob');
  const max = ImapServerLimits.literalBytes;
  client.write(`T1 APPEND INBOX {${max + 1}}\r\n`);
  t.match(await client.response(), /^T1 BAD \[TOOBIG\] literalBytes/);
  client.write(`T2 APPEND INBOX {${max}}\r\n`);
  t.match(await client.response(), /^\+ /);
  client.write(Buffer.concat([Buffer.from('Subject: big\r\n\r\n'), Buffer.alloc(max - 16, 0x61), Buffer.from('\r\n')]));
  t.match(await client.response(10_000), /^T2 OK /);
  t.equal(sandbox.store.mailbox('bob', 'INBOX')!.messages.at(-1)!.bytes.length, max);
});

t.test('a non-synchronizing literal past the limit: BAD, BYE, closed', async (t) => {
  const { client } = await connect(t, sandbox.targets.imap);
  client.write(`P1 APPEND INBOX {${ImapServerLimits.literalBytes + 1}+}\r\n`);
  t.match(await client.response(), /^P1 BAD \[TOOBIG\]/);
  t.match(await client.response(), /^\* BYE /);
  await t.rejects(client.response(1000), /connection closed/);
});

t.test('line length: at the limit taken, one past refused, the session goes on', async (t) => {
  const { client } = await connect(t, sandbox.targets.imap);
  const prefix = 'X1 NOOP ';
  client.write(`${prefix}${'a'.repeat(ImapServerLimits.lineBytes - prefix.length - 2)}\r\n`);
  t.match(await client.response(), /^X1 BAD .*unexpected text/, 'read whole and parsed');
  client.write(`X2 NOOP ${'a'.repeat(ImapServerLimits.lineBytes)}\r\n`);
  t.match(await client.response(), /^X2 BAD \[TOOBIG\] lineBytes/);
  client.write('X3 NOOP\r\n');
  t.match(await client.response(), /^X3 OK/);
});

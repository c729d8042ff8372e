import t from 'tap';
import { INBOX } from '../../../src/sandbox/store.js';
import { uniqueId } from '../../../src/sandbox/pop3/maildrop.js';
import { connect, loggedIn, sandboxFor } from './client.js';

const FIRST = Buffer.from('Subject: first\r\n\r\n.starts with a dot\r\nline 2\r\n');
const SECOND = Buffer.from('Subject: second\r\nX-Bytes: \xe9\r\n\r\nno final line end', 'latin1');

t.test('STAT, LIST, UIDL: counts and exact octet sizes (RFC 1939 §5, §7)', async (t) => {
  const sandbox = await sandboxFor(t);
  const [a, b] = [sandbox.store.deliver('alice', FIRST), sandbox.store.deliver('alice', SECOND)];
  const client = await loggedIn(t, sandbox.targets.pop3);
  t.equal(await client.command('STAT'), `+OK 2 ${FIRST.length + SECOND.length}`);
  t.same((await client.multiline('LIST')).body.toString(), `1 ${FIRST.length}\r\n2 ${SECOND.length}\r\n.\r\n`);
  t.equal(await client.command('LIST 2'), `+OK 2 ${SECOND.length}`);
  t.equal(await client.command('LIST 3'), '-ERR No such message');
  t.equal(await client.command('LIST 0'), '-ERR No such message');
  t.equal(await client.command('LIST x'), '-ERR Syntax: LIST [msg]');
  const validity = sandbox.store.mailbox('alice', INBOX)!.uidValidity;
  const ids = [uniqueId(a.uid, validity), uniqueId(b.uid, validity)];
  t.equal((await client.multiline('UIDL')).body.toString(), `1 ${ids[0]}\r\n2 ${ids[1]}\r\n.\r\n`);
  t.equal(await client.command('UIDL 1'), `+OK 1 ${ids[0]}`);
  t.match(ids[0], /^[\x21-\x7e]{1,70}$/, 'RFC 1939 §7 unique-id syntax');
});

t.test('RETR sends the stored bytes exactly, dot-stuffed; TOP the header and n lines', async (t) => {
  const sandbox = await sandboxFor(t);
  sandbox.store.deliver('alice', FIRST);
  sandbox.store.deliver('alice', SECOND);
  const client = await loggedIn(t, sandbox.targets.pop3);
  const first = await client.multiline('RETR 1');
  t.equal(first.status, `+OK ${FIRST.length} octets`);
  t.same(first.body, Buffer.from('Subject: first\r\n\r\n..starts with a dot\r\nline 2\r\n.\r\n'));
  const second = await client.multiline('RETR 2');
  t.same(second.body, Buffer.concat([SECOND, Buffer.from('\r\n.\r\n')]), '8-bit octets kept; CRLF added before the terminator');
  t.same((await client.multiline('TOP 1 1')).body.toString(), 'Subject: first\r\n\r\n..starts with a dot\r\n.\r\n');
  t.same((await client.multiline('TOP 1 0')).body.toString(), 'Subject: first\r\n\r\n.\r\n');
  t.equal(await client.command('TOP 1'), '-ERR Syntax: TOP msg n');
  t.equal(await client.command('TOP 1 -1'), '-ERR Syntax: TOP msg n');
  t.equal(await client.command('RETR'), '-ERR Syntax: RETR msg');
  t.equal(await client.command('RETR 9'), '-ERR No such message');
});

t.test('delete mode: DELE marks, the message disappears from the session, QUIT commits', async (t) => {
  const sandbox = await sandboxFor(t);
  sandbox.store.deliver('alice', FIRST);
  sandbox.store.deliver('alice', SECOND);
  const client = await loggedIn(t, sandbox.targets.pop3);
  t.equal(await client.command('DELE 1'), '+OK Marked to be deleted');
  t.equal(await client.command('DELE 1'), '-ERR Message is deleted');
  t.equal(await client.command('RETR 1'), '-ERR Message is deleted');
  t.equal(await client.command('STAT'), `+OK 1 ${SECOND.length}`, 'deleted messages are not counted');
  t.equal((await client.multiline('LIST')).body.toString(), `2 ${SECOND.length}\r\n.\r\n`, 'numbers do not shift');
  t.equal(sandbox.store.mailbox('alice', INBOX)!.messages.length, 2, 'nothing removed before UPDATE');
  t.equal(await client.command('QUIT'), '+OK Logging out');
  await client.closedByServer();
  t.same(sandbox.store.mailbox('alice', INBOX)!.messages.map((m) => m.bytes), [SECOND]);
});

t.test('RSET unmarks; a dropped connection (no QUIT) deletes nothing (RFC 1939 §6)', async (t) => {
  const sandbox = await sandboxFor(t);
  sandbox.store.deliver('alice', FIRST);
  const reset = await loggedIn(t, sandbox.targets.pop3);
  await reset.command('DELE 1');
  t.equal(await reset.command('RSET'), `+OK 1 messages (${FIRST.length} octets)`);
  t.equal(await reset.command('QUIT'), '+OK Logging out');
  await reset.closedByServer();
  t.equal(sandbox.store.mailbox('alice', INBOX)!.messages.length, 1, 'RSET undid the DELE');

  const dropped = await loggedIn(t, sandbox.targets.pop3);
  await dropped.command('DELE 1');
  dropped.close();
  // The login waits (Pop3Limits.lockWaitMs) until the server has noticed the drop and freed the lock.
  const again = await loggedIn(t, sandbox.targets.pop3);
  t.equal(await again.command('STAT'), `+OK 1 ${FIRST.length}`, 'still there after a drop');
});

t.test('keep mode: UIDL stays the same across sessions; new mail waits for the next session', async (t) => {
  const sandbox = await sandboxFor(t);
  sandbox.store.deliver('alice', FIRST);
  const one = await loggedIn(t, sandbox.targets.pop3);
  const firstListing = (await one.multiline('UIDL')).body.toString();
  sandbox.store.deliver('alice', SECOND);
  t.equal(await one.command('STAT'), `+OK 1 ${FIRST.length}`, 'the maildrop is the one locked at login');
  t.equal(await one.command('QUIT'), '+OK Logging out');
  await one.closedByServer();
  const two = await loggedIn(t, sandbox.targets.pop3);
  const secondListing = (await two.multiline('UIDL')).body.toString();
  t.ok(secondListing.startsWith(firstListing.slice(0, -3)), 'the first message keeps its unique-id');
  t.equal(secondListing.split('\r\n').length - 2, 2, 'and the new one is listed');
});

t.test('NOOP and CAPA in TRANSACTION (no USER/SASL/STLS any more: RFC 2449 §5)', async (t) => {
  const sandbox = await sandboxFor(t);
  const client = await loggedIn(t, sandbox.targets.pop3);
  t.equal(await client.command('NOOP'), '+OK');
  const capa = (await client.multiline('CAPA')).body.toString();
  t.match(capa, /^TOP\r\nUIDL\r\n/);
  t.notMatch(capa, /USER|SASL|STLS/);
});

t.test('logins are accepted as the bare name or the address, in any case', async (t) => {
  const sandbox = await sandboxFor(t);
  const { client } = await connect(t, sandbox.targets.pop3);
  await client.command('USER Bob@Example.Test');
  t.match(await client.command('PASS bobpw'), /^\+OK Logged in, 0 messages/);
});

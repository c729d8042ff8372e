/**
 * Several sessions on one mailbox (RFC 3501 §5.2, §7.4.1) and IDLE (RFC 2177): new mail, flag changes
 * and expunges made elsewhere reach each session as untagged responses — at its next command, or at once
 * while it idles — with EXPUNGE withheld during FETCH, STORE and SEARCH, and \Recent for one session only.
 */
import t from 'tap';
import { expectCommand, loggedIn, message, sandboxFor, selected } from './client.js';

t.test('IDLE pushes new mail, flag changes and expunges; DONE ends it', async (t) => {
  const sandbox = await sandboxFor(t);
  sandbox.store.deliver('alice', message('first'));
  const watcher = await selected(t, sandbox);
  const other = await selected(t, sandbox);
  watcher.write('I1 IDLE\r\n');
  t.match(await watcher.response(), /^\+ /);
  t.ok(await watcher.silentFor(50), 'nothing to push yet');
  sandbox.store.deliver('alice', message('second'));
  t.equal(await watcher.response(), '* 2 EXISTS');
  t.equal(await watcher.response(), '* 2 RECENT', 'both messages are \\Recent for the first session that saw them');
  await other.command('STORE 1 +FLAGS (\\Seen)');
  t.equal(await watcher.response(), '* 1 FETCH (FLAGS (\\Seen \\Recent))');
  await other.command('STORE 1 +FLAGS.SILENT (\\Deleted)');
  await watcher.response();
  await other.command('EXPUNGE');
  t.equal(await watcher.response(), '* 1 EXPUNGE');
  watcher.write('DONE\r\n');
  t.match(await watcher.response(), /^I1 OK /);
  await expectCommand(t, watcher, 'FETCH 1 UID', 'OK', /^\* 1 FETCH \(UID 2\)$/);
});

t.test('IDLE: pending updates are sent at once; a line other than DONE is BAD; IDLE when not selected', async (t) => {
  const sandbox = await sandboxFor(t);
  const watcher = await selected(t, sandbox);
  sandbox.store.deliver('alice', message('waiting'));
  watcher.write('I1 IDLE\r\n');
  t.match(await watcher.response(), /^\+ /);
  t.equal(await watcher.response(), '* 1 EXISTS');
  t.equal(await watcher.response(), '* 1 RECENT');
  watcher.write('NOOP\r\n');
  t.match(await watcher.response(), /^I1 BAD /);
  const plain = await loggedIn(t, sandbox);
  plain.write('I2 IDLE\r\n');
  t.match(await plain.response(), /^\+ /);
  plain.write('done\r\n');
  t.match(await plain.response(), /^I2 OK /);
});

t.test('two sessions: flags, new mail and expunges at the next command, sequence rules kept', async (t) => {
  const sandbox = await sandboxFor(t);
  for (const subject of ['a', 'b', 'c']) sandbox.store.deliver('bob', message(subject));
  const one = await selected(t, sandbox, 'INBOX', 'bob');
  const two = await selected(t, sandbox, 'INBOX', 'bob');
  await expectCommand(t, two, 'FETCH 1:3 FLAGS', 'OK', /^\* 1 FETCH \(FLAGS \(\)\)$/);

  await one.command('STORE 2 +FLAGS (\\Flagged)');
  const noop = await expectCommand(t, two, 'NOOP', 'OK');
  t.same(noop.untagged, ['* 2 FETCH (FLAGS (\\Flagged))'], 'the other session sees the flag change');
  t.same((await two.command('NOOP')).untagged, [], 'only once');

  await one.command('STORE 2 +FLAGS.SILENT (\\Deleted)');
  await one.command('EXPUNGE');
  const fetch = await expectCommand(t, two, 'FETCH 2 (UID BODY.PEEK[HEADER.FIELDS (Subject)])', 'OK');
  t.notOk(fetch.untagged.some((r) => /EXPUNGE/.test(r)), 'no EXPUNGE during FETCH');
  t.ok(fetch.untagged.some((r) => /^\* 2 FETCH \(UID 2 .*Subject: b/s.test(r)), 'the expunged message still answers under its number');
  const search = await expectCommand(t, two, 'SEARCH ALL', 'OK');
  t.same(search.untagged, ['* SEARCH 1 3'], 'no EXPUNGE during SEARCH; the expunged message is not found');
  const uidFetch = await expectCommand(t, two, 'UID FETCH 3 FLAGS', 'OK');
  t.same(uidFetch.untagged, ['* 3 FETCH (UID 3 FLAGS ())', '* 2 EXPUNGE'], 'EXPUNGE allowed with UID FETCH, after its data');

  sandbox.store.deliver('bob', message('d'));
  t.same((await two.command('NOOP')).untagged, ['* 3 EXISTS', '* 1 RECENT']);
  // "one" selected first and keeps \Recent for a and c; d went to "two", which saw it first.
  t.same((await one.command('NOOP')).untagged, ['* 3 EXISTS', '* 2 RECENT'], '\\Recent went to one session only');
});

t.test('a session sees messages appended and moved in by another; EXAMINE sessions too', async (t) => {
  const sandbox = await sandboxFor(t);
  const writer = await loggedIn(t, sandbox, 'carol');
  const reader = await loggedIn(t, sandbox, 'carol');
  await writer.command('CREATE Shared');
  await reader.command('EXAMINE Shared');
  writer.write('W1 APPEND Shared {5+}\r\nhello\r\n');
  t.match(await writer.response(), /^W1 OK /);
  t.same((await reader.command('NOOP')).untagged, ['* 1 EXISTS', '* 0 RECENT']);
  sandbox.store.deliver('carol', message('x'));
  await writer.command('SELECT INBOX');
  await writer.command('MOVE 1 Shared');
  t.same((await reader.command('NOOP')).untagged, ['* 2 EXISTS', '* 0 RECENT']);
  await writer.command('SELECT Shared');
  await writer.command('STORE 1 +FLAGS.SILENT (\\Deleted)');
  await writer.command('CLOSE');
  t.same((await reader.command('NOOP')).untagged, ['* 1 EXPUNGE']);
});

t.test('a session that ends leaves no listener behind', async (t) => {
  const sandbox = await sandboxFor(t);
  const before = sandbox.store.listenerCount('change');
  const client = await selected(t, sandbox);
  await client.command('LOGOUT');
  sandbox.store.deliver('alice', message('after'));
  t.equal(sandbox.store.listenerCount('change'), before, 'one store listener for all IMAP sessions');
});

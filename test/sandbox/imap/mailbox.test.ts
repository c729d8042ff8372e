/**
 * The authenticated state's mailbox commands (RFC 3501 §6.3): SELECT / EXAMINE, CREATE / DELETE / RENAME
 * with the "/" hierarchy, SUBSCRIBE / LSUB, LIST wildcards, NAMESPACE, STATUS, APPEND with flags, date
 * and literals, and NO [NONEXISTENT] / [TRYCREATE] for missing mailboxes.
 */
import t from 'tap';
import { expectCommand, loggedIn, message, sandboxFor } from './client.js';

const sandbox = await sandboxFor(t);

t.test('SELECT and EXAMINE: the untagged data, READ-WRITE vs READ-ONLY, NONEXISTENT', async (t) => {
  sandbox.store.deliver('bob', message('one'));
  sandbox.store.deliver('bob', message('two'));
  const client = await loggedIn(t, sandbox, 'bob');
  const box = sandbox.store.mailbox('bob', 'INBOX')!;
  const select = await expectCommand(
    t,
    client,
    'SELECT inbox',
    'OK',
    /^\* FLAGS \(\\Answered \\Flagged \\Deleted \\Seen \\Draft\)$/,
    /^\* OK \[PERMANENTFLAGS \(.*\\\*\)\]/,
    /^\* 2 EXISTS$/,
    /^\* 2 RECENT$/,
    /^\* OK \[UNSEEN 1\]/,
    new RegExp(`^\\* OK \\[UIDVALIDITY ${box.uidValidity}\\]`),
    /^\* OK \[UIDNEXT 3\]/,
  );
  t.match(select.tagged, /OK \[READ-WRITE\]/);
  const examine = await expectCommand(t, client, 'EXAMINE INBOX', 'OK', /^\* 2 EXISTS$/, /^\* 0 RECENT$/, /^\* OK \[PERMANENTFLAGS \(\)\]/);
  t.match(examine.tagged, /OK \[READ-ONLY\]/);
  await expectCommand(t, client, 'STORE 1 +FLAGS (\\Seen)', 'NO', /READ-ONLY/);
  await expectCommand(t, client, 'SELECT nowhere', 'NO', /\[NONEXISTENT\]/);
  await expectCommand(t, client, 'FETCH 1 FLAGS', 'BAD', /not allowed in the authenticated state/);
});

t.test('CREATE, hierarchy, LIST wildcards, RENAME with inferiors, DELETE', async (t) => {
  const client = await loggedIn(t, sandbox);
  await expectCommand(t, client, 'CREATE Projects/2026/Q1', 'OK');
  await expectCommand(t, client, 'CREATE Projects/', 'NO', /\[ALREADYEXISTS\]/);
  await expectCommand(t, client, 'CREATE inbox', 'NO', /\[ALREADYEXISTS\]/);
  await expectCommand(t, client, 'LIST "" ""', 'OK', /^\* LIST \(\\Noselect\) "\/" ""$/);
  const all = await expectCommand(t, client, 'LIST "" *', 'OK');
  t.same(all.untagged, [
    '* LIST (\\HasNoChildren) "/" INBOX',
    '* LIST (\\HasChildren) "/" Projects',
    '* LIST (\\HasChildren) "/" Projects/2026',
    '* LIST (\\HasNoChildren) "/" Projects/2026/Q1',
  ]);
  const top = await expectCommand(t, client, 'LIST "" %', 'OK');
  t.same(top.untagged, ['* LIST (\\HasNoChildren) "/" INBOX', '* LIST (\\HasChildren) "/" Projects']);
  const below = await expectCommand(t, client, 'LIST Projects/ %', 'OK');
  t.same(below.untagged, ['* LIST (\\HasChildren) "/" Projects/2026']);
  await expectCommand(t, client, 'RENAME Projects Archive', 'OK');
  const renamed = await expectCommand(t, client, 'LIST "" "Archive*"', 'OK');
  t.equal(renamed.untagged.length, 3);
  await expectCommand(t, client, 'RENAME Projects Other', 'NO', /\[NONEXISTENT\]/);
  await expectCommand(t, client, 'RENAME Archive INBOX', 'NO', /\[ALREADYEXISTS\]/);
  await expectCommand(t, client, 'DELETE Archive', 'NO', /inferiors/);
  await expectCommand(t, client, 'DELETE Archive/2026/Q1', 'OK');
  await expectCommand(t, client, 'DELETE Archive/2026', 'OK');
  await expectCommand(t, client, 'DELETE Archive', 'OK');
  await expectCommand(t, client, 'DELETE Archive', 'NO', /\[NONEXISTENT\]/);
  await expectCommand(t, client, 'DELETE INBOX', 'NO');
  await expectCommand(t, client, 'CREATE "with space"', 'OK');
  await expectCommand(t, client, 'LIST "" "with*"', 'OK', /^\* LIST \(\\HasNoChildren\) "\/" "with space"$/);
});

t.test('RENAME INBOX moves its messages and leaves INBOX empty', async (t) => {
  sandbox.store.deliver('carol', message('moving'));
  const client = await loggedIn(t, sandbox, 'carol');
  await expectCommand(t, client, 'RENAME INBOX Old', 'OK');
  await expectCommand(t, client, 'STATUS INBOX (MESSAGES)', 'OK', /^\* STATUS INBOX \(MESSAGES 0\)$/);
  await expectCommand(t, client, 'STATUS Old (MESSAGES)', 'OK', /^\* STATUS Old \(MESSAGES 1\)$/);
});

t.test('SUBSCRIBE, LSUB, UNSUBSCRIBE, NAMESPACE', async (t) => {
  const client = await loggedIn(t, sandbox);
  await expectCommand(t, client, 'CREATE Lists', 'OK');
  await expectCommand(t, client, 'SUBSCRIBE Lists', 'OK');
  await expectCommand(t, client, 'SUBSCRIBE Gone', 'OK');
  const lsub = await expectCommand(t, client, 'LSUB "" *', 'OK');
  t.same(lsub.untagged, ['* LSUB () "/" Lists', '* LSUB (\\Noselect) "/" Gone']);
  await expectCommand(t, client, 'UNSUBSCRIBE Gone', 'OK');
  t.same((await client.command('LSUB "" *')).untagged, ['* LSUB () "/" Lists']);
  await expectCommand(t, client, 'NAMESPACE', 'OK', /^\* NAMESPACE \(\("" "\/"\)\) NIL NIL$/);
});

t.test('STATUS items and errors', async (t) => {
  const client = await loggedIn(t, sandbox);
  await client.command('CREATE Stat');
  sandbox.store.append('alice', 'Stat', message('s1'), { flags: ['\\Seen'] });
  sandbox.store.append('alice', 'Stat', message('s2'), { flags: ['\\Deleted'] });
  const box = sandbox.store.mailbox('alice', 'Stat')!;
  await expectCommand(
    t,
    client,
    'STATUS Stat (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN DELETED)',
    'OK',
    new RegExp(`^\\* STATUS Stat \\(MESSAGES 2 RECENT 2 UIDNEXT 3 UIDVALIDITY ${box.uidValidity} UNSEEN 1 DELETED 1\\)$`),
  );
  await expectCommand(t, client, 'STATUS Stat (BOGUS)', 'BAD');
  await expectCommand(t, client, 'STATUS Nope (MESSAGES)', 'NO', /\[NONEXISTENT\]/);
});

t.test('APPEND: literal, flags, date, APPENDUID, exact bytes, TRYCREATE, LITERAL+', async (t) => {
  const client = await loggedIn(t, sandbox);
  await client.command('CREATE Drafts');
  const bytes = Buffer.concat([message('append'), Buffer.from([0xc3, 0xa9, 0x00, 0xff, 0x0d, 0x0a])]);
  client.write(`P1 APPEND Drafts (\\Draft $Label) "05-Mar-2026 10:11:12 +0100" {${bytes.length}}\r\n`);
  t.match(await client.response(), /^\+ /);
  client.write(Buffer.concat([bytes, Buffer.from('\r\n')]));
  const box = sandbox.store.mailbox('alice', 'Drafts')!;
  t.match(await client.response(), new RegExp(`^P1 OK \\[APPENDUID ${box.uidValidity} 1\\]`));
  const stored = box.messages[0]!;
  t.same(stored.bytes, bytes, 'exact bytes');
  t.same([...stored.flags], ['\\Draft', '$Label']);
  t.equal(stored.internalDate.toISOString(), '2026-03-05T09:11:12.000Z');
  client.write(`P2 APPEND Drafts {${bytes.length}+}\r\n`);
  client.write(Buffer.concat([bytes, Buffer.from('\r\n')]));
  t.match(await client.response(), /^P2 OK \[APPENDUID \d+ 2\]/, 'LITERAL+ needs no continuation');
  client.write('P3 APPEND Nowhere {3}\r\n');
  await client.response();
  client.write('abc\r\n');
  t.match(await client.response(), /^P3 NO \[TRYCREATE\]/);
  client.write('P4 APPEND Drafts (\\Seen) "31-Foo-2026 10:11:12 +0100" {1}\r\n');
  await client.response();
  client.write('x\r\n');
  t.match(await client.response(), /^P4 BAD .*invalid date-time/);
});

/**
 * SEARCH and UID SEARCH (RFC 3501 §6.4.4): every key the built-in suite uses and their combinations.
 */
import t from 'tap';
import { expectCommand, message, sandboxFor, selected } from './client.js';

const sandbox = await sandboxFor(t);
const store = sandbox.store;
store.append('alice', 'INBOX', message('Quarterly report', 'numbers inside\r\n'), { flags: ['\\Seen'], internalDate: new Date('2026-01-10T12:00:00Z') });
store.append('alice', 'INBOX', message('Lunch', 'pizza?\r\n', 'Cc: carol@example.test\r\n'), { flags: ['\\Flagged'], internalDate: new Date('2026-02-10T12:00:00Z') });
store.append('alice', 'INBOX', message('=?UTF-8?B?R3LDvMOfZQ==?=', 'big body '.repeat(200)), { flags: ['\\Deleted', '\\Answered'], internalDate: new Date('2026-03-10T12:00:00Z') });
store.append('alice', 'INBOX', Buffer.from('From: bob@example.test\r\nTo: alice@example.test\r\nSubject: plain\r\nX-Tag: blue\r\n\r\nGrüße\r\n'), { internalDate: new Date('2026-04-10T12:00:00Z') });

const cases: [string, string][] = [
  ['ALL', '1 2 3 4'],
  ['SEEN', '1'],
  ['UNSEEN', '2 3 4'],
  ['FLAGGED', '2'],
  ['UNFLAGGED', '1 3 4'],
  ['DELETED', '3'],
  ['UNDELETED', '1 2 4'],
  ['ANSWERED', '3'],
  ['UNANSWERED', '1 2 4'],
  ['NEW', '2 3 4'],
  ['RECENT', '1 2 3 4'],
  ['SUBJECT report', '1'],
  ['SUBJECT "grüße"', '3'],
  ['FROM alice', '1 2 3'],
  ['FROM "Bob@Example"', '4'],
  ['TO bob', '1 2 3'],
  ['CC carol', '2'],
  ['HEADER X-Tag blue', '4'],
  ['HEADER X-Tag ""', '4'],
  ['HEADER Message-ID <Lunch@example.test>', '2'],
  ['BODY pizza', '2'],
  ['BODY Subject', ''],
  ['TEXT Lunch', '2'],
  ['TEXT "grüße"', '4'],
  ['LARGER 1000', '3'],
  ['SMALLER 200', '1 2 4'],
  ['BEFORE 10-Feb-2026', '1'],
  ['ON 10-Feb-2026', '2'],
  ['SINCE 10-Mar-2026', '3 4'],
  ['SENTBEFORE 24-Nov-2026', '1 2 3'],
  ['NOT SEEN', '2 3 4'],
  ['OR SEEN FLAGGED', '1 2'],
  ['OR (SEEN SUBJECT report) (FLAGGED BODY nothing)', '1'],
  ['2:3', '2 3'],
  ['2:* UNDELETED', '2 4'],
  ['UID 1,4', '1 4'],
  ['UID 3:*', '3 4'],
  ['CHARSET UTF-8 SUBJECT grüße', '3'],
  ['KEYWORD $none', ''],
  ['UNKEYWORD $none', '1 2 3 4'],
];

t.test('search keys', async (t) => {
  const client = await selected(t, sandbox);
  for (const [keys, expected] of cases) {
    const r = await client.command(`SEARCH ${keys}`);
    t.equal(r.status, 'OK', `${keys} → OK`);
    t.same(r.untagged, [`* SEARCH${expected ? ` ${expected}` : ''}`], keys);
  }
});

t.test('UID SEARCH answers UIDs; errors are BAD or NO', async (t) => {
  const client = await selected(t, sandbox);
  await client.command('STORE 1 +FLAGS.SILENT (\\Deleted)');
  await client.command('EXPUNGE');
  // Messages 1 and 3 were \Deleted and are gone: "plain" is now message 2.
  await expectCommand(t, client, 'SEARCH SUBJECT plain', 'OK', /^\* SEARCH 2$/);
  await expectCommand(t, client, 'UID SEARCH SUBJECT plain', 'OK', /^\* SEARCH 4$/);
  await expectCommand(t, client, 'SEARCH FROBNICATE', 'BAD', /unknown search key/);
  await expectCommand(t, client, 'SEARCH', 'BAD');
  await expectCommand(t, client, 'SEARCH 7', 'BAD');
  await expectCommand(t, client, 'SEARCH CHARSET KOI8-R ALL', 'NO', /BADCHARSET/);
  await expectCommand(t, client, `SEARCH ${'NOT '.repeat(40)}ALL`, 'BAD', /nested too deeply/);
});

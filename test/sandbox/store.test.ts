import t from 'tap';
import { INBOX, MailStore, normalizeMailboxName, type StoreChange } from '../../src/sandbox/store.js';

function recorded(store: MailStore): StoreChange[] {
  const changes: StoreChange[] = [];
  store.on('change', (change) => changes.push(change));
  return changes;
}

t.test('deliver keeps a copy of the exact bytes in INBOX with ascending UIDs and emits append', async (t) => {
  const store = new MailStore(['alice', 'bob']);
  const changes = recorded(store);
  const bytes = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x2e, 0x2e, 0x0a, 0xc3, 0xa9]);
  const before = Date.now();
  const first = store.deliver('alice', bytes);
  bytes[0] = 0x41;
  const second = store.deliver('alice', Buffer.from('second'));
  t.same(first.bytes, Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x2e, 0x2e, 0x0a, 0xc3, 0xa9]), 'a copy, not the caller buffer');
  t.same([first.uid, second.uid], [1, 2]);
  t.same([...first.flags], []);
  t.ok(first.internalDate.getTime() >= before);
  const inbox = store.mailbox('alice', 'inbox')!;
  t.equal(inbox.name, INBOX, 'INBOX is case-insensitive');
  t.equal(inbox.uidNext, 3);
  t.same(inbox.messages.map((m) => m.uid), [1, 2]);
  t.equal(store.mailbox('bob', INBOX)!.messages.length, 0, 'other users untouched');
  t.same(changes.map((c) => [c.type, c.user, c.mailbox]), [['append', 'alice', INBOX], ['append', 'alice', INBOX]]);
  t.equal(changes[0]!.type === 'append' && changes[0]!.message, first);
});

t.test('unknown users and mailboxes', async (t) => {
  const store = new MailStore(['alice']);
  t.ok(store.hasUser('alice'));
  t.notOk(store.hasUser('mallory'));
  t.throws(() => store.deliver('mallory', Buffer.from('x')), /no sandbox user "mallory"/);
  t.throws(() => store.append('alice', 'Nope', Buffer.from('x')), /alice has no mailbox "Nope"/);
  t.equal(store.mailbox('alice', 'Nope'), undefined);
  t.equal(store.mailbox('mallory', INBOX), undefined);
});

t.test('folders: CREATE makes superiors, names are checked, APPEND keeps flags and date', async (t) => {
  const store = new MailStore(['alice']);
  const changes = recorded(store);
  store.createMailbox('alice', 'Archive/2026/Nov');
  t.same(store.mailboxNames('alice'), [INBOX, 'Archive', 'Archive/2026', 'Archive/2026/Nov']);
  t.same(changes.map((c) => c.type === 'create' && c.mailbox), ['Archive', 'Archive/2026', 'Archive/2026/Nov']);
  t.throws(() => store.createMailbox('alice', 'Archive/2026'), /already exists/);
  t.throws(() => store.createMailbox('alice', 'inbox'), /already exists/);
  for (const bad of ['', '/lead', 'trail/', 'a//b', 'ctl\x01']) t.throws(() => store.createMailbox('alice', bad), /invalid mailbox name/, JSON.stringify(bad));
  const date = new Date('2026-01-02T03:04:05Z');
  const appended = store.append('alice', 'Archive', Buffer.from('m'), { flags: ['\\Seen', '$Label'], internalDate: date });
  t.same([...appended.flags], ['\\Seen', '$Label']);
  t.equal(appended.internalDate, date);
  t.equal(appended.uid, 1, 'UIDs count per mailbox');
  const validities = store.mailboxNames('alice').map((name) => store.mailbox('alice', name)!.uidValidity);
  t.equal(new Set(validities).size, validities.length, 'each mailbox its own UIDVALIDITY');
  t.equal(normalizeMailboxName('iNbOx'), INBOX);
  t.equal(normalizeMailboxName('Inbox/Sub'), 'Inbox/Sub', 'only INBOX itself folds case');
});

t.test('setFlags replaces the flag set and emits flags; expunge removes and emits the UIDs', async (t) => {
  const store = new MailStore(['bob']);
  const changes = recorded(store);
  const [a, b, c] = ['a', 'b', 'c'].map((text) => store.deliver('bob', Buffer.from(text)));
  const flagged = store.setFlags('bob', INBOX, b!.uid, ['\\Flagged']);
  t.same([...flagged.flags], ['\\Flagged']);
  t.same([...b!.flags], [], 'the earlier object is not mutated');
  t.equal(store.mailbox('bob', INBOX)!.messages[1], flagged);
  t.throws(() => store.setFlags('bob', INBOX, 99, []), /no message with UID 99/);
  t.same(store.expunge('bob', INBOX, [a!.uid, c!.uid, 42]), [1, 3]);
  t.same(store.expunge('bob', INBOX, [42]), [], 'nothing to remove: no event');
  t.same(store.mailbox('bob', INBOX)!.messages.map((m) => m.uid), [2]);
  t.same(store.deliver('bob', Buffer.from('d')).uid, 4, 'UIDs are never reused');
  t.same(changes.filter((c) => c.type !== 'append').map((c) => c.type === 'expunge' ? c.uids : c.type), ['flags', [1, 3]]);
});

t.test('userBytes: exactly at the limit is stored, one byte past is a LimitError, expunge frees space', async (t) => {
  const store = new MailStore(['alice', 'bob'], { userBytes: 10 });
  store.deliver('alice', Buffer.alloc(6));
  const last = store.deliver('alice', Buffer.alloc(4));
  t.throws(() => store.deliver('alice', Buffer.alloc(1)), { code: 'MP_ERR_LIMIT', limit: 'userBytes', max: 10, actual: 11 });
  t.equal(store.mailbox('alice', INBOX)!.messages.length, 2, 'the refused message is not stored');
  t.ok(store.deliver('bob', Buffer.alloc(10)), 'the limit is per user');
  store.expunge('alice', INBOX, [last.uid]);
  t.ok(store.deliver('alice', Buffer.alloc(4)), 'space freed by expunge is usable again');
});

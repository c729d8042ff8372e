/**
 * The selected state's commands that change messages (RFC 3501 §6.4): STORE (+FLAGS, -FLAGS, FLAGS,
 * .SILENT, keywords), COPY with COPYUID, MOVE (RFC 6851), EXPUNGE and UID EXPUNGE (RFC 4315), CLOSE,
 * UNSELECT, CHECK, and the UID forms.
 */
import t from 'tap';
import { expectCommand, message, sandboxFor, selected } from './client.js';

const sandbox = await sandboxFor(t);

function fill(user: string, count: number): void {
  for (let i = 1; i <= count; i++) sandbox.store.deliver(user, message(`m${i}`));
}

t.test('STORE: add, remove, replace, silent, keywords, UID STORE', async (t) => {
  fill('alice', 3);
  const client = await selected(t, sandbox);
  await expectCommand(t, client, 'STORE 1 +FLAGS (\\Seen \\Flagged)', 'OK', /^\* 1 FETCH \(FLAGS \(\\Seen \\Flagged \\Recent\)\)$/);
  await expectCommand(t, client, 'STORE 1 -FLAGS \\Flagged', 'OK', /^\* 1 FETCH \(FLAGS \(\\Seen \\Recent\)\)$/);
  await expectCommand(t, client, 'STORE 1:2 FLAGS ($Work \\Answered)', 'OK', /^\* 1 FETCH \(FLAGS \(\$Work \\Answered \\Recent\)\)$/, /^\* 2 FETCH /);
  const silent = await expectCommand(t, client, 'STORE 3 +FLAGS.SILENT (\\Deleted)', 'OK');
  t.same(silent.untagged, [], '.SILENT: no FETCH');
  t.ok(sandbox.store.mailbox('alice', 'INBOX')!.messages[2]!.flags.has('\\Deleted'));
  await expectCommand(t, client, 'UID STORE 2 +FLAGS (\\seen)', 'OK', /^\* 2 FETCH \(UID 2 FLAGS \(\$Work \\Answered \\seen \\Recent\)\)$/);
  await expectCommand(t, client, 'STORE 1 +FLAGS (\\Recent)', 'OK', /^\* 1 FETCH \(FLAGS \(\$Work \\Answered \\Recent\)\)$/);
  await expectCommand(t, client, 'STORE 1 FLAGS', 'BAD');
  await expectCommand(t, client, 'STORE 1 XFLAGS (\\Seen)', 'BAD');
  await expectCommand(t, client, 'CHECK', 'OK');
});

t.test('EXPUNGE reports each removal with shifting sequence numbers; UID EXPUNGE only in its set', async (t) => {
  fill('bob', 5);
  const client = await selected(t, sandbox, 'INBOX', 'bob');
  await client.command('STORE 2,3,5 +FLAGS.SILENT (\\Deleted)');
  await expectCommand(t, client, 'UID EXPUNGE 1:3', 'OK');
  const state = sandbox.store.mailbox('bob', 'INBOX')!.messages.map((m) => m.uid);
  t.same(state, [1, 4, 5]);
  const expunge = await expectCommand(t, client, 'EXPUNGE', 'OK');
  t.same(expunge.untagged, ['* 3 EXPUNGE']);
  t.same(sandbox.store.mailbox('bob', 'INBOX')!.messages.map((m) => m.uid), [1, 4]);
});

t.test('the UID EXPUNGE response: sequence numbers as they shift', async (t) => {
  fill('carol', 4);
  const client = await selected(t, sandbox, 'INBOX', 'carol');
  await client.command('STORE 1:4 +FLAGS.SILENT (\\Deleted)');
  const r = await expectCommand(t, client, 'UID EXPUNGE 1:4', 'OK');
  t.same(r.untagged, ['* 1 EXPUNGE', '* 1 EXPUNGE', '* 1 EXPUNGE', '* 1 EXPUNGE']);
  await expectCommand(t, client, 'FETCH 1 FLAGS', 'BAD');
});

t.test('COPY and MOVE with COPYUID; TRYCREATE; UID forms', async (t) => {
  const user = 'alice';
  const client = await selected(t, sandbox, 'INBOX', user);
  await client.command('CREATE Archive');
  const archive = sandbox.store.mailbox(user, 'Archive')!;
  await expectCommand(t, client, 'COPY 1:2 Archive', 'OK', new RegExp(`^A\\d+ OK \\[COPYUID ${archive.uidValidity} 1:2 1:2\\]`));
  t.same(archive.messages.map((m) => [...m.flags]), [['$Work', '\\Answered'], ['$Work', '\\Answered', '\\seen']], 'flags copied');
  await expectCommand(t, client, 'COPY 1 Nowhere', 'NO', /\[TRYCREATE\]/);
  const move = await expectCommand(t, client, 'UID MOVE 3 Archive', 'OK');
  t.same(move.untagged, [`* OK [COPYUID ${archive.uidValidity} 3 3] Moved`, '* 3 EXPUNGE']);
  t.same(sandbox.store.mailbox(user, 'INBOX')!.messages.map((m) => m.uid), [1, 2]);
  const uidCopy = await expectCommand(t, client, 'UID COPY 2 Archive', 'OK');
  t.match(uidCopy.tagged, `[COPYUID ${archive.uidValidity} 2 4]`);
  await expectCommand(t, client, 'UID COPY 99 Archive', 'OK');
  await expectCommand(t, client, 'UID FROB 1', 'BAD');
});

t.test('CLOSE expunges silently, UNSELECT does not; both leave the selected state', async (t) => {
  const client = await selected(t, sandbox, 'Archive');
  await client.command('STORE 1 +FLAGS.SILENT (\\Deleted)');
  await expectCommand(t, client, 'UNSELECT', 'OK');
  t.equal(sandbox.store.mailbox('alice', 'Archive')!.messages.length, 4);
  await expectCommand(t, client, 'FETCH 1 FLAGS', 'BAD');
  await client.command('SELECT Archive');
  const close = await expectCommand(t, client, 'CLOSE', 'OK');
  t.same(close.untagged, []);
  // Message 1, and the one MOVE brought over with its \Deleted.
  t.same(sandbox.store.mailbox('alice', 'Archive')!.messages.map((m) => m.uid), [2, 4]);
  await client.command('EXAMINE Archive');
  await expectCommand(t, client, 'EXPUNGE', 'NO', /READ-ONLY/);
  await expectCommand(t, client, 'MOVE 1 INBOX', 'NO', /READ-ONLY/);
});

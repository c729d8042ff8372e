/**
 * `maildir`: the sandbox's store kept in Maildirs survives a restart (bytes, flags, keywords, UIDs,
 * UIDVALIDITY, folders), takes in files other programs drop into new/, and loads a Dovecot maildir with
 * Dovecot's UIDs. Real sandboxes on loopback, real files in a temporary directory.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/index.js';
import { INBOX, type Mailbox, type MailStore } from '../../../src/sandbox/store.js';
import { greeted } from '../client.js';
import { expectCommand, loggedIn } from '../imap/client.js';

const root = mkdtempSync(join(tmpdir(), 'mailprobe-maildir-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));

async function started(t: Test, options: SandboxOptions): Promise<Sandbox> {
  const sandbox = await startSandbox(options);
  t.teardown(() => sandbox.close());
  return sandbox;
}

/** Everything a client can observe of a user's store, in a comparable form. */
function snapshot(store: MailStore, user: string): unknown {
  // In name order: the store lists in creation order, which a Maildir does not keep (nor does IMAP LIST promise one).
  return store.mailboxNames(user).sort().map((name) => {
    const box = store.mailbox(user, name) as Mailbox;
    return {
      name,
      uidValidity: box.uidValidity,
      uidNext: box.uidNext,
      messages: box.messages.map((m) => ({ uid: m.uid, bytes: m.bytes.toString('base64'), flags: [...m.flags].sort(), date: Math.floor(m.internalDate.getTime() / 1000) })),
    };
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  // Bounded: the watcher reports a new file within milliseconds; 200 × 25 ms is generous on a busy machine.
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!condition()) throw new Error(`not within 5 s: ${what}`);
}

const MESSAGE = Buffer.concat([Buffer.from('From: bob@example.test\r\nSubject: kept\r\n\r\n'), Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x2e, 0x0a, 0xc3, 0xa9, 0x0d, 0x0a])]);

t.test('a restart on the same directory brings back bytes, flags, keywords, UIDs, UIDVALIDITY and folders', async (t) => {
  const dir = join(root, 'restart');
  const first = await startSandbox({ maildir: dir });
  const client = await greeted(t, first.targets.smtp);
  await client.expect('MAIL FROM:<bob@example.test>', '250');
  await client.expect('RCPT TO:<alice@example.test>', '250');
  t.equal((await client.step({ kind: 'message', bytes: MESSAGE })).status, '250');
  await client.expect('QUIT', '221');
  const { store } = first;
  const second = store.append('alice', INBOX, Buffer.from('Subject: two\r\n\r\n2\r\n'));
  store.append('alice', INBOX, Buffer.from('Subject: three\r\n\r\n3\r\n'));
  store.setFlags('alice', INBOX, second.uid, ['\\Seen', '\\Flagged', 'Junk', '$Forwarded']);
  store.expunge('alice', INBOX, [1]);
  store.createMailbox('alice', 'Work/Projects');
  store.createMailbox('alice', 'v1.2');
  store.append('alice', 'Work/Projects', Buffer.from('Subject: in a folder\r\n\r\nx\r\n'), { flags: ['\\Answered'], internalDate: new Date('2026-01-02T03:04:05Z') });
  store.createMailbox('alice', 'Gone');
  store.deleteMailbox('alice', 'Gone');
  store.createMailbox('alice', 'Old');
  store.append('alice', 'Old', Buffer.from('Subject: renamed\r\n\r\n\r\n'));
  store.renameMailbox('alice', 'Old', 'New/Name');
  const before = snapshot(store, 'alice');
  await first.close();

  const alice = join(dir, 'alice');
  t.same(readdirSync(alice).filter((d) => d.startsWith('.')).sort(), ['.New', '.New.Name', '.Work', '.Work.Projects', '.v1&AC4-2']);
  t.equal(readdirSync(join(alice, 'new')).length, 1, 'the unflagged message waits in new/');
  t.match(readdirSync(join(alice, 'cur')), [/,S=\d+:2,FPSa$/], 'flags and the keyword letter in the info suffix');
  t.equal(readFileSync(join(alice, 'dovecot-keywords'), 'utf8'), '0 Junk\n');
  t.match(readdirSync(join(alice, '.Work.Projects', 'cur')), [/:2,R$/]);
  t.ok(readdirSync(join(alice, 'tmp')).length === 0, 'nothing left in tmp/');

  const restarted = await started(t, { maildir: dir });
  t.same(snapshot(restarted.store, 'alice'), before, 'everything is back');
  // An IMAP client sees the same UIDVALIDITY and UIDs as before the restart.
  const imap = await loggedIn(t, restarted);
  const inbox = restarted.store.mailbox('alice', INBOX)!;
  await expectCommand(t, imap, 'SELECT INBOX', 'OK', new RegExp(`\\[UIDVALIDITY ${inbox.uidValidity}\\]`), new RegExp(`\\[UIDNEXT ${inbox.uidNext}\\]`));
  await expectCommand(t, imap, 'UID FETCH 1:* (FLAGS)', 'OK', new RegExp(`UID ${second.uid} FLAGS \\(.*\\\\Flagged`));
  // New mail after the restart continues the UIDs.
  const uidNext = inbox.uidNext;
  t.equal(restarted.store.deliver('alice', Buffer.from('x\r\n')).uid, uidNext);
});

t.test('a file another program drops into new/ shows up, and keeps its UID across a restart', async (t) => {
  const dir = join(root, 'drop');
  const first = await startSandbox({ maildir: dir });
  const bob = join(dir, 'bob');
  // The Maildir way: write in tmp/, then rename into new/.
  writeFileSync(join(bob, 'tmp', '1795459999.Xdrop.elsewhere'), MESSAGE);
  utimesSync(join(bob, 'tmp', '1795459999.Xdrop.elsewhere'), new Date('2026-05-06T07:08:09Z'), new Date('2026-05-06T07:08:09Z'));
  renameSync(join(bob, 'tmp', '1795459999.Xdrop.elsewhere'), join(bob, 'new', '1795459999.Xdrop.elsewhere'));
  const box = (): Mailbox => first.store.mailbox('bob', INBOX)!;
  await until(() => box().messages.length === 1, 'the dropped file in the store');
  const taken = box().messages[0]!;
  t.same(taken.bytes, MESSAGE, 'byte for byte');
  t.equal(taken.internalDate.toISOString(), '2026-05-06T07:08:09.000Z', 'INTERNALDATE from the file');
  t.same(readdirSync(join(bob, 'new')), ['1795459999.Xdrop.elsewhere'], 'left where it was, not copied');
  first.store.setFlags('bob', INBOX, taken.uid, ['\\Seen']);
  const before = snapshot(first.store, 'bob');
  await first.close();
  t.same(readdirSync(join(bob, 'cur')), ['1795459999.Xdrop.elsewhere:2,S']);
  const restarted = await started(t, { maildir: dir });
  t.same(snapshot(restarted.store, 'bob'), before);
});

/** A maildir as Dovecot leaves it: dovecot-uidlist v3 with extension fields, keywords, a file it has not listed yet. */
function dovecotMaildir(dir: string): void {
  for (const sub of ['tmp', 'new', 'cur', '.Sent/tmp', '.Sent/new', '.Sent/cur']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'dovecot-uidlist'), '3 V1795460088 N12 Gb799250df88b046b710c000083ecc375\n5 W515 :1795459032.V1.vm\n9 :1795459524.V2.vm\n');
  writeFileSync(join(dir, 'dovecot-keywords'), '0 $Label1\n1 NonJunk\n');
  writeFileSync(join(dir, 'cur', '1795459032.V1.vm:2,Sb'), 'Subject: five\r\n\r\n5\r\n');
  writeFileSync(join(dir, 'cur', '1795459524.V2.vm:2,'), 'Subject: nine\r\n\r\n9\r\n');
  writeFileSync(join(dir, 'new', '1795459600.V3.vm'), 'Subject: unlisted\r\n\r\n?\r\n');
  writeFileSync(join(dir, '.Sent', 'cur', '1795459700.V4.vm:2,S'), 'Subject: sent\r\n\r\n\r\n');
}

t.test("a Dovecot maildir: Dovecot's UIDs, UIDVALIDITY, flags and keywords; unlisted files after them", async (t) => {
  const dir = join(root, 'dovecot');
  dovecotMaildir(join(dir, 'carol'));
  const sandbox = await started(t, { maildir: dir });
  const inbox = sandbox.store.mailbox('carol', INBOX)!;
  t.equal(inbox.uidValidity, 1795460088);
  t.same(inbox.messages.map((m) => [m.uid, m.bytes.toString().split('\r\n')[0], [...m.flags]]), [
    [5, 'Subject: five', ['\\Seen', 'NonJunk']],
    [9, 'Subject: nine', []],
    [12, 'Subject: unlisted', []],
  ]);
  t.equal(inbox.uidNext, 13);
  t.same(sandbox.store.mailboxNames('carol'), [INBOX, 'Sent']);
  t.equal(sandbox.store.mailbox('carol', 'Sent')!.messages.length, 1);
});

const REAL_MAILDIR = '/var/mail/vhosts/example.test/bob';
const noRealMaildir = !existsSync(join(REAL_MAILDIR, 'dovecot-uidlist')) && 'no Dovecot maildir for bob here (scripts/targets/start.sh makes one)';

t.test('the real Dovecot target’s maildirs load (a copy), when this machine has them', { skip: noRealMaildir }, async (t) => {
  const source = REAL_MAILDIR;
  const dir = join(root, 'real');
  cpSync(source, join(dir, 'bob'), { recursive: true });
  const files = readdirSync(join(dir, 'bob', 'cur')).length + readdirSync(join(dir, 'bob', 'new')).length;
  const sandbox = await started(t, { maildir: dir });
  const inbox = sandbox.store.mailbox('bob', INBOX)!;
  t.equal(inbox.messages.length, files, 'one message per file');
  const header = readFileSync(join(dir, 'bob', 'dovecot-uidlist'), 'utf8').split('\n')[0]!;
  t.equal(`V${inbox.uidValidity}`, header.split(' ')[1], "Dovecot's UIDVALIDITY");
});

t.test('a damaged uidlist of ours stops the start with the file and line', async (t) => {
  const dir = join(root, 'damaged');
  mkdirSync(join(dir, 'alice'), { recursive: true });
  writeFileSync(join(dir, 'alice', 'mailprobe-uidlist'), 'mailprobe-uidlist 1 V5 N2\nnot a line\n');
  await t.rejects(startSandbox({ maildir: dir }), { message: /alice\/mailprobe-uidlist:2: expected "<uid> <file>"/ });
});

t.test('a user name that is not a plain directory name gets no Maildir', async (t) => {
  await t.rejects(startSandbox({ maildir: join(root, 'names'), users: [{ name: '../escape', password: 'x' }] }), { message: /"\.\.\/escape" cannot have a Maildir/ });
  t.notOk(existsSync(join(root, 'escape')), 'nothing made outside the directory');
});

import t from 'tap';
import { fileNameWithFlags, flagsOf, folderDirectory, lettersOf, mailboxOfDirectory, parseFileName, uniqueBase } from '../../../src/sandbox/maildir/names.js';
import { formatKeywords, formatUidList, parseDovecotUidList, parseKeywords, parseUidList } from '../../../src/sandbox/maildir/uidlist.js';

t.test('info suffix (Maildir spec): flags in ASCII order after ":2,"; none in new/', async (t) => {
  t.same(parseFileName('1795459032.Vfe00I16647cM356648.vm:2,FS'), { base: '1795459032.Vfe00I16647cM356648.vm', letters: 'FS' });
  t.same(parseFileName('1795459032.M1P2Q3.host,S=12'), { base: '1795459032.M1P2Q3.host,S=12', letters: '' });
  t.same(parseFileName('x:1,experimental'), { base: 'x', letters: '' }, 'info other than "2," carries no flags');
  t.equal(fileNameWithFlags('b', 'TSFS'), 'b:2,FST');
  const keywords = ['Junk', '$Label1'];
  const letters = lettersOf(['\\Seen', '\\Recent', '\\Answered', '$Forwarded', '$Label1', '\\Unknown'], (k) => 'ab'[keywords.indexOf(k)]);
  t.equal(letters, 'SRPb', '\\Recent is never stored; keywords take letters');
  t.same(flagsOf('DFPRSTa', (l) => (l === 'a' ? 'Junk' : undefined)), ['\\Draft', '\\Flagged', '$Forwarded', '\\Answered', '\\Seen', '\\Deleted', 'Junk']);
});

t.test('unique names: time, microseconds, pid, counter, host with / and : escaped, size', async (t) => {
  t.equal(uniqueBase(new Date(1795459032123), 42, 7, 'a/b:c', 99), '1795459032.M123000P42Q7.a\\057b\\072c,S=99');
});

t.test('Maildir++ folders: "." separates levels, a "." in a name is "&AC4-", INBOX is the maildir itself', async (t) => {
  for (const [mailbox, directory] of [['INBOX', ''], ['Work', '.Work'], ['Work/Projects', '.Work.Projects'], ['v1.2/notes', '.v1&AC4-2.notes']]) {
    t.equal(folderDirectory(mailbox!, '/'), directory);
    if (directory !== '') t.equal(mailboxOfDirectory(directory!, '/'), mailbox);
  }
  for (const other of ['cur', '.', '..', '.a..b', '.trailing.']) t.equal(mailboxOfDirectory(other, '/'), undefined, other);
});

t.test('our uidlist: written, appended to, read back; damage named with file:line', async (t) => {
  const text = formatUidList({ uidValidity: 1700000000, uidNext: 5, uids: new Map([['b2', 2], ['b1', 1]]) }) + '7 b7\n';
  t.equal(text, 'mailprobe-uidlist 1 V1700000000 N5\n1 b1\n2 b2\n7 b7\n');
  t.same(parseUidList(text, 'f'), { uidValidity: 1700000000, uidNext: 8, uids: new Map([['b1', 1], ['b2', 2], ['b7', 7]]) });
  t.throws(() => parseUidList('3 V1 N2\n', 'dir/mailprobe-uidlist'), /^dir\/mailprobe-uidlist:1: not a mailprobe-uidlist 1 header: "3 V1 N2"/);
  t.throws(() => parseUidList('mailprobe-uidlist 1 V1 N2\n1 a\nx b\n', 'f'), /^f:3: expected "<uid> <file>"/);
});

t.test("Dovecot's uidlist (version 3) and keywords", async (t) => {
  const list = parseDovecotUidList('3 V1795460088 N109 Gb799250df88b046b710c000083ecc375\n1 W515 :1795459032.Vfe00I16647cM356648.vm\n2 :plain.vm\n');
  t.same(list, { uidValidity: 1795460088, uidNext: 109, uids: new Map([['1795459032.Vfe00I16647cM356648.vm', 1], ['plain.vm', 2]]) });
  t.equal(parseDovecotUidList('1 1795460088 109\n'), undefined, 'other versions are not guessed at');
  t.same(parseKeywords('0 Junk\n1 $Label1\n'), ['Junk', '$Label1']);
  t.equal(formatKeywords(['Junk', '$Label1']), '0 Junk\n1 $Label1\n');
});

import t from 'tap';
import { appendCommand, astring, loginCommand, splitSendText, type CommandPart } from '../../../src/protocols/imap/commands.js';
import { ErrorCode, MailprobeError } from '../../../src/util/errors.js';

/** Parts as readable tuples: text, or the literal with its mode. */
function show(parts: CommandPart[]): Array<[string, string]> {
  return parts.map((p) => (p.kind === 'text' ? ['text', p.bytes.toString('utf8')] : [`literal ${p.literal8 ? '~' : ''}${String(p.synchronizing)}`, p.bytes.toString('utf8')]));
}

t.test('astring: quoted with DQUOTE and backslash escaped; a literal when a byte cannot be quoted', async (t) => {
  t.same(show([astring('INBOX')]), [['text', '"INBOX"']]);
  t.same(show([astring('')]), [['text', '""']]);
  t.same(show([astring('a"b\\c')]), [['text', '"a\\"b\\\\c"']]);
  t.same(show([astring('Grüße')]), [['literal auto', 'Grüße']], '8-bit octets go as a literal');
  t.same(show([astring('two\r\nlines')]), [['literal auto', 'two\r\nlines']]);
  t.equal(astring('pw', true).secret, true);
  t.equal(astring('pw').secret, undefined);
});

t.test('LOGIN and APPEND commands', async (t) => {
  t.same(show(loginCommand('alice', 'pw')), [['text', 'LOGIN '], ['text', '"alice"'], ['text', ' '], ['text', '"pw"']]);
  t.equal(loginCommand('alice', 'pw')[3]!.secret, true, 'the password is a secret');
  t.same(show(appendCommand('Sent', ['\\Seen'], Buffer.from('m'))), [['text', 'APPEND '], ['text', '"Sent"'], ['text', ' (\\Seen)'], ['text', ' '], ['literal auto', 'm']]);
  t.same(show(appendCommand('INBOX', [], Buffer.from('m'))).slice(2), [['text', ' '], ['literal auto', 'm']], 'no flag list without flags');
});

t.test('send text: {n}\\r\\n, {n+}\\r\\n and ~{n}\\r\\n start literals of exactly n octets', async (t) => {
  t.same(show(splitSendText('NOOP')), [['text', 'NOOP']]);
  t.same(show(splitSendText('LOGIN {5}\\r\\nalice {7+}\\r\\nalicepw')), [
    ['text', 'LOGIN '],
    ['literal true', 'alice'],
    ['text', ' '],
    ['literal false', 'alicepw'],
    ['text', ''],
  ]);
  t.same(show(splitSendText('APPEND x ~{3}\\r\\nabc')), [['text', 'APPEND x '], ['literal ~true', 'abc'], ['text', '']]);
  t.same(show(splitSendText('SEARCH TEXT {3}\\r\\nüb')), [['text', 'SEARCH TEXT '], ['literal true', 'üb'], ['text', '']], 'counts octets, not characters');
  t.same(show(splitSendText('SEARCH TEXT {2}\\r\\n{1}\\r\\n')), [['text', 'SEARCH TEXT '], ['literal true', '{1'], ['text', '}\\r\\n']], 'a literal\'s octets are not scanned for markers');
  t.same(show(splitSendText('SEARCH TEXT "{5}"')), [['text', 'SEARCH TEXT "{5}"']], 'a marker without \\r\\n is text');
});

t.test('send text: a literal longer than the text, or a real line break, is a scenario error', async (t) => {
  const short = t.throws(() => splitSendText('LOGIN {9}\\r\\nabc')) as MailprobeError;
  t.equal(short.code, ErrorCode.SCENARIO);
  t.match(short.message, /literal \{9\}\\r\\n announces 9 octets but only 3 follow/);
  const broken = t.throws(() => splitSendText('NOOP\nNOOP')) as MailprobeError;
  t.equal(broken.code, ErrorCode.SCENARIO);
  t.match(broken.message, /line break outside a literal/);
  t.doesNotThrow(() => splitSendText('APPEND x {2}\\r\\n\r\n'), 'a line break inside a literal is fine');
});

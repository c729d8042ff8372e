import t from 'tap';
import { apopDigest, apopTimestamp, authCommand, commandLabel, isMultilineCommand, splitCommandLines } from '../../../src/protocols/pop3/commands.js';
import { pop3Driver } from '../../../src/protocols/pop3/driver.js';

t.test('which commands get a multi-line response', async (t) => {
  for (const line of ['CAPA', 'LIST', 'UIDL', 'RETR 1', 'TOP 1 0', 'retr 2', 'list', ' UIDL ']) t.ok(isMultilineCommand(line), line);
  for (const line of ['LIST 1', 'UIDL 3', 'STAT', 'NOOP', 'DELE 1', 'RSET', 'QUIT', 'USER bob', 'PASS x', 'STLS', 'AUTH PLAIN', 'AUTH', '']) {
    t.notOk(isMultilineCommand(line), line);
  }
});

t.test('command labels never carry a password or a SASL payload', async (t) => {
  t.equal(commandLabel('RETR 1'), 'RETR 1');
  t.equal(commandLabel('PASS secret word'), 'PASS');
  t.equal(commandLabel('pass secret'), 'PASS');
  t.equal(commandLabel('APOP bob c4c9334bac560ecc979e58001b3e22fb'), 'APOP bob');
  t.equal(commandLabel('AUTH PLAIN AGJvYgBib2Jwdw=='), 'AUTH PLAIN');
  t.equal(commandLabel(''), 'an empty line');
  t.equal(commandLabel(`NOOP ${'x'.repeat(100)}`).length, 60);
});

t.test('raw bytes split into the command lines they complete', async (t) => {
  const first = splitCommandLines(Buffer.alloc(0), Buffer.from('STAT\r\nLIST\r\nRE'));
  t.same(first.lines, ['STAT', 'LIST']);
  t.same(first.rest, Buffer.from('RE'));
  const second = splitCommandLines(first.rest, Buffer.from('TR 1\nNOOP'));
  t.same(second.lines, ['RETR 1'], 'a bare LF ends a line too');
  t.same(second.rest, Buffer.from('NOOP'));
  t.same(splitCommandLines(Buffer.alloc(0), Buffer.alloc(0)), { lines: [], rest: Buffer.alloc(0) });
});

t.test('APOP: the example of RFC 1939 §7', async (t) => {
  const greeting = Buffer.from('+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>');
  const timestamp = apopTimestamp(greeting);
  t.equal(timestamp, '<1896.697170952@dbc.mtview.ca.us>');
  t.equal(apopDigest(timestamp!, 'tanstaaf'), 'c4c9334bac560ecc979e58001b3e22fb');
  t.equal(apopTimestamp(Buffer.from('+OK Dovecot ready.')), undefined);
  t.equal(apopTimestamp(Buffer.from('+OK <no-at-sign>')), undefined, 'a msg-id holds an @ (RFC 822 §6.1)');
});

t.test('AUTH command line (RFC 5034 §4)', async (t) => {
  t.same(authCommand('LOGIN', undefined), { line: 'AUTH LOGIN' });
  t.same(authCommand('PLAIN', Buffer.from('\0bob\0bobpw')), { line: 'AUTH PLAIN AGJvYgBib2Jwdw==', initialResponseAt: 11 });
  t.same(authCommand('XOAUTH2', Buffer.alloc(0)), { line: 'AUTH XOAUTH2 =', initialResponseAt: 13 });
  // 'AUTH XOAUTH2 ' (13) + 240 base64 characters (180 bytes) + CRLF make exactly 255 octets.
  t.equal(authCommand('XOAUTH2', Buffer.alloc(180, 0x61)).initialResponseAt, 13, 'exactly 255 octets: sent with the command');
  t.same(authCommand('XOAUTH2', Buffer.alloc(181, 0x61)), { line: 'AUTH XOAUTH2' }, 'over 255 octets: sent after the first challenge');
});

t.test('driver: statuses and default expectations', async (t) => {
  t.equal(pop3Driver.protocol, 'pop3');
  t.ok(pop3Driver.statusMatches('+OK', '+OK'));
  t.ok(pop3Driver.statusMatches('-ERR', '-ERR'));
  t.notOk(pop3Driver.statusMatches('+', '+OK'));
  t.notOk(pop3Driver.statusMatches('-ERR', '+OK'));
  t.same(pop3Driver.defaultStatus('starttls'), ['+OK']);
  t.same(pop3Driver.defaultStatus('auth'), ['+OK']);
  t.equal(pop3Driver.defaultStatus('send'), undefined);
  t.equal(pop3Driver.defaultStatus('read'), undefined);
});

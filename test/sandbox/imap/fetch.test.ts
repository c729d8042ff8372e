/**
 * FETCH and UID FETCH (RFC 3501 §6.4.5, §7.4.2): simple items, macros, ENVELOPE, BODY and BODYSTRUCTURE
 * of a multipart message with an attached message, body sections with part numbers, HEADER.FIELDS,
 * partial fetches, exact bytes as literals, and \Seen set by BODY[] but not by BODY.PEEK[].
 */
import t from 'tap';
import { expectCommand, message, sandboxFor, selected } from './client.js';

const sandbox = await sandboxFor(t);

const MULTIPART = Buffer.from(
  [
    'From: "Doe, Jane" <jane@example.test>',
    'To: bob@example.test, Team: carol@example.test, dave@example.test;',
    'Cc: undisclosed-recipients:;',
    'Subject: Report',
    'Date: Tue, 24 Nov 2026 09:00:00 +0000',
    'Message-ID: <report@example.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    'preamble',
    '--outer',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße',
    'line two',
    '--outer',
    'Content-Type: message/rfc822',
    'Content-Disposition: attachment; filename="fwd.eml"',
    '',
    'Subject: Inner',
    'From: x@example.test',
    '',
    'inner body',
    '--outer--',
    'epilogue',
    '',
  ].join('\r\n'),
);

const plain = message('plain', 'Hello\r\nWorld\r\n');
sandbox.store.deliver('bob', plain);
sandbox.store.deliver('bob', MULTIPART);
sandbox.store.deliver('bob', message('third'));

t.test('simple items and macros; UID FETCH adds UID', async (t) => {
  const client = await selected(t, sandbox, 'INBOX', 'bob');
  await expectCommand(t, client, 'FETCH 1 (UID FLAGS RFC822.SIZE INTERNALDATE)', 'OK', new RegExp(`^\\* 1 FETCH \\(UID 1 FLAGS \\(\\\\Recent\\) RFC822.SIZE ${plain.length} INTERNALDATE "[ 0-9]{2}-[A-Z][a-z]{2}-\\d{4} \\d\\d:\\d\\d:\\d\\d \\+0000"\\)$`));
  const fast = await expectCommand(t, client, 'FETCH 1:* FAST', 'OK');
  t.equal(fast.untagged.length, 3);
  await expectCommand(t, client, 'UID FETCH 2 FLAGS', 'OK', /^\* 2 FETCH \(UID 2 FLAGS \(\\Recent\)\)$/);
  await expectCommand(t, client, 'UID FETCH 99 FLAGS', 'OK');
  await expectCommand(t, client, 'FETCH 4 FLAGS', 'BAD', /invalid message sequence number/);
  await expectCommand(t, client, 'FETCH 1 (FLAGS', 'BAD', /offset/);
  await expectCommand(t, client, 'FETCH 1 BOGUS', 'BAD', /unknown fetch attribute/);
});

t.test('ENVELOPE with display names, groups and defaults', async (t) => {
  const client = await selected(t, sandbox, 'INBOX', 'bob');
  const { untagged } = await expectCommand(t, client, 'FETCH 2 ENVELOPE', 'OK');
  t.equal(
    untagged[0],
    '* 2 FETCH (ENVELOPE ("Tue, 24 Nov 2026 09:00:00 +0000" "Report" (("Doe, Jane" NIL "jane" "example.test")) ' +
      '(("Doe, Jane" NIL "jane" "example.test")) (("Doe, Jane" NIL "jane" "example.test")) ' +
      '((NIL NIL "bob" "example.test")(NIL NIL "Team" NIL)(NIL NIL "carol" "example.test")(NIL NIL "dave" "example.test")(NIL NIL NIL NIL)) ' +
      '((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) NIL NIL "<report@example.test>"))',
  );
});

t.test('BODYSTRUCTURE and BODY', async (t) => {
  const client = await selected(t, sandbox, 'INBOX', 'bob');
  const single = await expectCommand(t, client, 'FETCH 1 BODYSTRUCTURE', 'OK');
  t.equal(single.untagged[0], '* 1 FETCH (BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 14 2 NIL NIL NIL NIL))');
  const multi = await expectCommand(t, client, 'FETCH 2 (BODYSTRUCTURE BODY)', 'OK');
  t.equal(
    multi.untagged[0],
    '* 2 FETCH (BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 17 2 NIL NIL NIL NIL)' +
      '("message" "rfc822" NIL NIL NIL "7bit" 50 (NIL "Inner" ((NIL NIL "x" "example.test")) ((NIL NIL "x" "example.test")) ((NIL NIL "x" "example.test")) NIL NIL NIL NIL NIL) ' +
      '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 1 NIL NIL NIL NIL) 4 NIL ("attachment" ("filename" "fwd.eml")) NIL NIL) ' +
      '"mixed" ("boundary" "outer") NIL NIL NIL) ' +
      'BODY (("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 17 2)' +
      '("message" "rfc822" NIL NIL NIL "7bit" 50 (NIL "Inner" ((NIL NIL "x" "example.test")) ((NIL NIL "x" "example.test")) ((NIL NIL "x" "example.test")) NIL NIL NIL NIL NIL) ' +
      '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 1) 4) "mixed"))',
  );
});

/** The literal's bytes in a FETCH response for `item` (latin1, one char per octet). */
function literalOf(response: string, item: string): string {
  const at = response.indexOf(`${item} {`);
  const m = /^\{(\d+)\}\r\n/.exec(response.slice(at + item.length + 1));
  if (at < 0 || !m) throw new Error(`no ${item} literal in ${response}`);
  const start = at + item.length + 1 + m[0].length;
  return response.slice(start, start + Number(m[1]));
}

t.test('sections: whole, HEADER, TEXT, HEADER.FIELDS (.NOT), parts, MIME, nested message', async (t) => {
  const client = await selected(t, sandbox, 'INBOX', 'bob');
  const text = MULTIPART.toString('latin1');
  const headerEnd = text.indexOf('\r\n\r\n') + 4;
  const fetch1 = async (item: string, label = item.replace('.PEEK', '')): Promise<string> => literalOf((await client.command(`FETCH 2 ${item}`)).untagged[0]!, label);
  t.equal(await fetch1('BODY.PEEK[]'), text);
  t.equal(await fetch1('BODY.PEEK[HEADER]'), text.slice(0, headerEnd));
  t.equal(await fetch1('BODY.PEEK[TEXT]'), text.slice(headerEnd));
  t.equal(await fetch1('BODY.PEEK[HEADER.FIELDS (Subject message-id)]'), 'Subject: Report\r\nMessage-ID: <report@example.test>\r\n\r\n');
  t.match(await fetch1('BODY.PEEK[HEADER.FIELDS.NOT (Subject)]'), /^From: .*\r\n\r\n$/s);
  t.notMatch(await fetch1('BODY.PEEK[HEADER.FIELDS.NOT (Subject)]'), /Subject/);
  t.equal(await fetch1('BODY.PEEK[1]'), 'Grüße\r\nline two'.replace('ü', '\xc3\xbc').replace('ß', '\xc3\x9f'));
  t.equal(await fetch1('BODY.PEEK[1.MIME]'), 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n');
  t.equal(await fetch1('BODY.PEEK[2]'), 'Subject: Inner\r\nFrom: x@example.test\r\n\r\ninner body');
  t.equal(await fetch1('BODY.PEEK[2.HEADER]'), 'Subject: Inner\r\nFrom: x@example.test\r\n\r\n');
  t.equal(await fetch1('BODY.PEEK[2.TEXT]'), 'inner body');
  t.equal(await fetch1('BODY.PEEK[2.1]'), 'inner body');
  t.equal(await fetch1('RFC822.HEADER'), text.slice(0, headerEnd));
  t.match((await client.command('FETCH 2 BODY.PEEK[9]')).untagged[0], /BODY\[9\] NIL/);
  t.equal(literalOf((await client.command('FETCH 1 BODY.PEEK[1]')).untagged[0]!, 'BODY[1]'), 'Hello\r\nWorld\r\n', 'part 1 of a one-part message is its body');
});

t.test('partial fetch <origin.count>', async (t) => {
  const client = await selected(t, sandbox, 'INBOX', 'bob');
  const text = MULTIPART.toString('latin1');
  const r = (await client.command('FETCH 2 BODY.PEEK[]<0.100>')).untagged[0]!;
  t.equal(literalOf(r, 'BODY[]<0>'), text.slice(0, 100));
  t.equal(literalOf((await client.command('FETCH 2 BODY.PEEK[]<10.5>')).untagged[0]!, 'BODY[]<10>'), text.slice(10, 15));
  t.equal(literalOf((await client.command('FETCH 2 BODY.PEEK[]<100000.5>')).untagged[0]!, 'BODY[]<100000>'), '');
});

t.test('BODY[] sets \\Seen and returns FLAGS; BODY.PEEK[] and EXAMINE do not', async (t) => {
  const client = await selected(t, sandbox, 'INBOX', 'bob');
  const peek = await client.command('FETCH 3 BODY.PEEK[]');
  t.notMatch(peek.untagged[0], /FLAGS/);
  t.notOk(sandbox.store.mailbox('bob', 'INBOX')!.messages[2]!.flags.has('\\Seen'));
  const examined = await selected(t, sandbox, 'INBOX', 'bob');
  await examined.command('EXAMINE INBOX');
  await examined.command('FETCH 3 BODY[]');
  t.notOk(sandbox.store.mailbox('bob', 'INBOX')!.messages[2]!.flags.has('\\Seen'), 'read-only');
  const read = await client.command('FETCH 3 BODY[]');
  t.match(read.untagged[0], /FLAGS \(\\Seen/);
  t.ok(sandbox.store.mailbox('bob', 'INBOX')!.messages[2]!.flags.has('\\Seen'));
  const again = await client.command('FETCH 3 (FLAGS RFC822)');
  t.match(again.untagged[0], /^\* 3 FETCH \(FLAGS \(\\Seen[^)]*\) RFC822 \{/);
});

t.test('attribute names are whole words', async (t) => {
  const client = await selected(t, sandbox, 'INBOX', 'bob');
  await expectCommand(t, client, 'FETCH 1 ALLX', 'BAD', /unknown fetch attribute/);
  await expectCommand(t, client, 'FETCH 1 (FLAGSX)', 'BAD', /unknown fetch attribute/);
  await expectCommand(t, client, 'FETCH 1 (UID RFC822.SIZE)', 'OK', /^\* 1 FETCH \(UID 1 RFC822.SIZE \d+\)$/);
  await expectCommand(t, client, 'FETCH 1 ALL', 'OK', /^\* 1 FETCH \(FLAGS .* INTERNALDATE .* RFC822.SIZE \d+ ENVELOPE \(/);
  await expectCommand(t, client, 'FETCH 1 FULL', 'OK', / BODY \("text"/);
});

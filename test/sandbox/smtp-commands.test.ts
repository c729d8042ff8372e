import t from 'tap';
import { unimplementedCommands } from '../../src/sandbox/smtp-commands.js';
import { greeted, open, sandboxFor } from './client.js';

const sandbox = await sandboxFor(t);
const { smtp } = sandbox.targets;

t.test('greeting and EHLO keywords (RFC 5321 §4.1.1.1, RFC 1870, 6152, 2920, 2034, 3461, 3207)', async (t) => {
  const client = await open(t, smtp);
  const greeting = await client.step({ kind: 'read' });
  t.match(greeting.text, /^220 mx\.example\.test ESMTP /);
  const ehlo = await client.expect('EHLO probe.example', '250');
  t.match(ehlo.text, /^250-mx\.example\.test /);
  for (const keyword of ['PIPELINING', '8BITMIME', 'ENHANCEDSTATUSCODES', 'DSN', 'STARTTLS', 'SIZE 16777216', 'CHUNKING']) {
    t.match(ehlo.text, new RegExp(`\\r\\n250[- ]${keyword}(\\r\\n|$)`), keyword);
  }
  await client.expect('HELO probe.example', '250', /^250 mx\.example\.test/);
  await client.expect('QUIT', '221', /^221 2\.0\.0 /);
});

/** Each command with the reply RFC 5321 wants from a server that does not offer it. */
const CONFORMANT: Array<[command: string, status: string, text: RegExp]> = [
  ['VRFY alice', '252', /^252 2\.1\.5 /], // §3.5.3: will not verify, will accept
  ['VRFY', '501', /^501 5\.5\.4 /], // §4.1.1.6: VRFY needs an argument
  ['EXPN staff', '502', /^502 5\.5\.1 /], // §3.5.3 / §7.3
  ['HELP', '214', /^214 2\.0\.0 /], // §4.1.1.8
  ['HELP MAIL', '214', /^214 /],
  ['NOOP', '250', /^250 2\.0\.0 /], // §4.1.1.9
  ['TURN', '502', /^502 5\.5\.1 /], // Appendix F.1: obsolete
  ['SEND FROM:<alice@example.test>', '502', /^502 5\.5\.1 /], // Appendix F.3
  ['SOML FROM:<alice@example.test>', '502', /^502 5\.5\.1 /],
  ['SAML FROM:<alice@example.test>', '502', /^502 5\.5\.1 /],
  ['BDAT 0 LAST', '503', /^503 5\.5\.1 /], // RFC 3030 §2: BDAT outside a transaction
  ['BDAT', '501', /^501 5\.5\.4 /], // RFC 3030 §3: chunk-size missing
  ['BDAT 12 FIRST', '501', /^501 5\.5\.4 /],
  ['BDAT -1', '501', /^501 5\.5\.4 /],
  ['XYZZY', '500', /^500 5\.5\.2 /], // §4.2.4: not a command at all
  ['DATA', '503', /^503 5\.5\.1 /], // §4.1.4: DATA before MAIL/RCPT
  ['RCPT TO:<bob@example.test>', '503', /^503 5\.5\.1 /], // RCPT before MAIL
  ['MAIL FROM:alice@example.test', '501', /^501 5\.1\.7 /], // §4.1.2: Reverse-path needs <>
  ['MAIL FROM:<alice@@example.test>', '501', /^501 /],
  ['MAIL TO:<alice@example.test>', '501', /^501 /],
  ['MAIL FROM:<alice@example.test> BODY=9BIT', '501', /^501 /], // RFC 6152 §2: 7BIT or 8BITMIME
  ['MAIL FROM:<alice@example.test> FOO=1', '555', /^555 5\.5\.4 Unsupported parameter FOO/], // §4.1.1.11
  ['MAIL FROM:<alice@example.test> AUTH=<>', '555', /^555 5\.5\.4 /], // RFC 4954 §5: only where AUTH is offered
  ['MAIL FROM:<alice@example.test> RET=ALL', '501', /^501 /], // RFC 3461 §4.3: FULL or HDRS
  ['EHLO', '501', /^501 /], // §4.1.1.1: EHLO needs a domain
];

t.test('each command gets its conformant reply, and the session survives all of them', async (t) => {
  const client = await greeted(t, smtp);
  for (const [command, status, text] of CONFORMANT) await client.expect(command, status, text);
  await client.expect('MAIL FROM:<alice@example.test> BODY=8BITMIME', '250', /^250 2\.1\.0 /);
  await client.expect('MAIL FROM:<alice@example.test>', '503', /^503 5\.5\.1 .*nested/i); // §4.1.4 nested MAIL
  await client.expect('RSET', '250');
  await client.expect('NOOP', '250');
});

t.test('the command table: every command smtp-server lacks answers 502, none counts as unrecognized', async (t) => {
  const client = await greeted(t, smtp);
  const table = unimplementedCommands();
  t.same(table.sort(), ['EXPN', 'SAML', 'SEND', 'SOML', 'TURN']);
  // smtp-server drops a session after ten unrecognized commands; the table's commands must not count.
  for (let round = 0; round < 2; round++) for (const verb of table) await client.expect(`${verb} x`, '502', /^502 5\.5\.1 /);
  await client.expect('NOOP', '250');
  await client.expect(`${table[0]!.toLowerCase()} x`, '502', /^502 /);
});

t.test('sequence: RCPT codes for unknown users, relay, and the case of local parts', async (t) => {
  const client = await greeted(t, smtp);
  await client.expect('MAIL FROM:<>', '250', /^250 2\.1\.0 /); // §4.5.5: the null reverse-path
  await client.expect('RCPT TO:<nobody@example.test>', '550', /^550 5\.1\.1 <nobody@example\.test>: .*User unknown/);
  await client.expect('RCPT TO:<bob@elsewhere.test>', '554', /^554 5\.7\.1 <bob@elsewhere\.test>: Relay access denied/);
  await client.expect('RCPT TO:<BOB@EXAMPLE.TEST>', '250', /^250 2\.1\.5 /);
  await client.expect('RCPT TO:<postmaster>', '250'); // §4.5.1
  await client.expect('RCPT TO:<Postmaster@example.test>', '250');
  await client.expect('RCPT TO:<carol@example.test> NOTIFY=NEVER', '250', /^250 2\.1\.5 /); // RFC 3461 §4.1
  await client.expect('RCPT TO:<carol@example.test> XRCPT=1', '555', /^555 5\.5\.4 Unsupported parameter XRCPT/);
  await client.expect('DATA', '354');
});

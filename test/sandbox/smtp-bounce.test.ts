import t from 'tap';
import { parseMessage } from '../../src/mime/parser/parse.js';
import type { MimePart } from '../../src/mime/parser/types.js';
import { INBOX, type StoredMessage } from '../../src/sandbox/store.js';
import { DEFAULT_USERS } from '../../src/sandbox/index.js';
import { greeted, sandboxFor } from './client.js';

const log: string[] = [];
const TINY_QUOTA = 600;
const sandbox = await sandboxFor(t, {
  users: [...DEFAULT_USERS, { name: 'tiny', password: 'tinypw', quota: TINY_QUOTA }],
  unknownRecipients: 'bounce',
  log: (line) => log.push(line),
});
const { smtp } = sandbox.targets;

function inbox(user: string): readonly StoredMessage[] {
  return sandbox.store.mailbox(user, INBOX)!.messages;
}

/** The delivery-status fields of a bounce, parsed; the report's parts for further checks. */
function report(stored: StoredMessage): { parts: MimePart[]; status: string; bytes: Buffer } {
  const { root, warnings } = parseMessage(stored.bytes);
  t.same(warnings, [], 'the bounce parses cleanly');
  t.equal(root.contentType.mediaType, 'multipart/report');
  const status = root.children.find((c) => c.contentType.mediaType === 'message/delivery-status');
  return { parts: root.children, status: status?.content?.toString() ?? '', bytes: stored.bytes };
}

/** One transaction: MAIL (with parameters), each RCPT accepted, the message; the 250 after it. */
async function send(from: string, recipients: readonly string[], body: Buffer | string): Promise<void> {
  const client = await greeted(t, smtp);
  await client.expect(`MAIL FROM:<${from}>`, '250');
  for (const rcpt of recipients) await client.expect(`RCPT TO:${rcpt}`, '250');
  const reply = await client.step({ kind: 'message', bytes: Buffer.from(body) });
  t.equal(reply.status, '250', 'accepted: failures are reported later, by DSN');
  await client.expect('QUIT', '221');
}

const MESSAGE = 'From: alice@example.test\r\nTo: nobody@example.test\r\nSubject: to nobody\r\n\r\nhello\r\n';

t.test('unknownRecipients: bounce — RCPT accepted, the known recipient served, the sender gets a 5.1.1 DSN', async (t) => {
  const before = inbox('alice').length;
  const bobBefore = inbox('bob').length;
  await send('alice@example.test', ['<nobody@example.test> ORCPT=rfc822;Nobody+2Bx@example.test', '<bob@example.test>'], MESSAGE);
  t.equal(inbox('bob').length, bobBefore + 1, 'bob has his copy');
  t.equal(inbox('alice').length, before + 1, 'alice has the bounce');
  const bounce = inbox('alice').at(-1)!;
  t.match(bounce.bytes.toString(), /^Return-Path: <>\r\n/, 'sent from the null reverse-path (RFC 3461 §6.2)');
  const { parts, status, bytes } = report(bounce);
  t.match(status, /^Reporting-MTA: dns;mx\.example\.test\r\nArrival-Date: .+\r\n\r\n/);
  t.match(status, /Original-Recipient: rfc822;Nobody\+x@example\.test\r\nFinal-Recipient: rfc822;nobody@example\.test\r\nAction: failed\r\nStatus: 5\.1\.1\r\n/);
  t.match(status, /Diagnostic-Code: smtp; 550 5\.1\.1 <nobody@example\.test>: /);
  t.notMatch(status, /bob@/, 'only the failed recipient is reported');
  const returned = parts.at(-1)!;
  t.equal(returned.contentType.mediaType, 'message/rfc822');
  t.equal(bytes.subarray(returned.body.start, returned.body.end).toString(), MESSAGE, 'RET=FULL by default, byte for byte');
});

t.test('quota: a message that does not fit is bounced with 5.2.2; one that fits is delivered', async (t) => {
  const before = inbox('alice').length;
  const big = `Subject: big\r\n\r\n${'x'.repeat(TINY_QUOTA)}\r\n`;
  await send('alice@example.test', ['<tiny@example.test>'], big);
  t.equal(inbox('tiny').length, 0, 'nothing stored past the quota');
  const { status } = report(inbox('alice').at(-1)!);
  t.equal(inbox('alice').length, before + 1);
  t.match(status, /Final-Recipient: rfc822;tiny@example\.test\r\nAction: failed\r\nStatus: 5\.2\.2\r\nDiagnostic-Code: smtp; 552 5\.2\.2 /);
  await send('alice@example.test', ['<tiny@example.test>'], 'Subject: small\r\n\r\nfits\r\n');
  t.equal(inbox('tiny').length, 1, 'a message within the quota is delivered');
});

t.test('RET=HDRS and ENVID (RFC 3461 §4.3, §4.4); BDAT bounces the same way', async (t) => {
  const client = await greeted(t, smtp);
  await client.expect('MAIL FROM:<carol@example.test> RET=HDRS ENVID=QQ314', '250');
  await client.expect('RCPT TO:<ghost@example.test>', '250');
  const body = Buffer.from(MESSAGE);
  t.equal((await client.step({ kind: 'raw', bytes: Buffer.concat([Buffer.from(`BDAT ${body.length} LAST\r\n`), body]), read: true })).status, '250');
  const { parts, status } = report(inbox('carol').at(-1)!);
  t.match(status, /Original-Envelope-Id: QQ314\r\n/);
  t.match(status, /Final-Recipient: rfc822;ghost@example\.test\r\n/);
  t.equal(parts.at(-1)!.contentType.mediaType, 'text/rfc822-headers');
  t.equal(parts.at(-1)!.content!.toString(), 'From: alice@example.test\r\nTo: nobody@example.test\r\nSubject: to nobody\r\n\r\n');
});

t.test('no bounce for NOTIFY=NEVER, for the null sender, nor to a remote sender (logged instead)', async (t) => {
  const counts = (): number[] => ['alice', 'bob', 'carol'].map((u) => inbox(u).length);
  const before = counts();
  log.length = 0;
  await send('alice@example.test', ['<nobody@example.test> NOTIFY=NEVER'], MESSAGE);
  await send('', ['<nobody@example.test>'], MESSAGE);
  await send('someone@elsewhere.test', ['<nobody@example.test>'], MESSAGE);
  t.same(counts(), before, 'no mailbox got anything');
  t.match(log, [/<nobody@example\.test> 5\.1\.1; no notification \(NOTIFY\)/, /no notification \(null sender\)/, /notification to <someone@elsewhere\.test> dropped: not a local user/]);
});

t.test('NOTIFY=NEVER with another value is a syntax error (RFC 3461 §4.1)', async (t) => {
  const client = await greeted(t, smtp);
  await client.expect('MAIL FROM:<alice@example.test>', '250');
  await client.expect('RCPT TO:<bob@example.test> NOTIFY=NEVER,FAILURE', '501');
  await client.expect('RCPT TO:<bob@example.test> NOTIFY=SUCCESS,FAILURE,DELAY', '250');
});

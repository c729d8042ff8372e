import t from 'tap';
import { SandboxLimits } from '../../src/sandbox/limits.js';
import { rfc5322Date } from '../../src/sandbox/delivery.js';
import { INBOX, type StoredMessage } from '../../src/sandbox/store.js';
import { ctx, greeted, sandboxFor } from './client.js';

const sandbox = await sandboxFor(t);
const { smtp } = sandbox.targets;

function inbox(user: string): readonly StoredMessage[] {
  return sandbox.store.mailbox(user, INBOX)!.messages;
}

/** Splits a delivered message into the trace headers the sandbox added and the bytes that were sent. */
function splitTrace(stored: Buffer): { trace: string; rest: Buffer } {
  const text = stored.toString('latin1');
  const match = /^Return-Path: <[^>]*>\r\nReceived: from [^\r\n]*\r\n\t[^\r\n]*\r\n\t[^\r\n]*\r\n/.exec(text);
  if (!match) throw new Error(`no trace headers in ${JSON.stringify(text.slice(0, 300))}`);
  return { trace: match[0], rest: stored.subarray(Buffer.byteLength(match[0], 'latin1')) };
}

t.test('DATA: the exact bytes land in each INBOX behind Return-Path and Received (RFC 5321 §4.4)', async (t) => {
  const client = await greeted(t, smtp);
  const message = Buffer.concat([
    Buffer.from('From: alice@example.test\r\nTo: bob@example.test\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n\r\n'),
    Buffer.from('8-bit: Grüße\r\n.leading dot\r\n..two dots\r\n.\r\n...\r\n \t trailing space \r\nlast\r\n', 'utf8'),
  ]);
  const beforeBob = inbox('bob').length;
  const beforeCarol = inbox('carol').length;
  await client.expect('MAIL FROM:<alice@example.test> BODY=8BITMIME', '250');
  await client.expect('RCPT TO:<bob@example.test>', '250');
  await client.expect('RCPT TO:<Carol@Example.Test>', '250');
  await client.expect('RCPT TO:<BOB@example.test>', '250');
  const reply = await client.step({ kind: 'message', bytes: message });
  t.match(reply.text, /^250 2\.0\.0 Ok: queued as \S+$/);
  t.equal(inbox('bob').length, beforeBob + 1, 'one copy for bob, though named twice');
  t.equal(inbox('carol').length, beforeCarol + 1);
  // smtp-server keeps one entry per recipient, as last written.
  for (const [user, recipient] of [['bob', 'BOB@example.test'], ['carol', 'Carol@Example.Test']] as const) {
    const { trace, rest } = splitTrace(inbox(user).at(-1)!.bytes);
    t.same(rest, message, `${user}: byte for byte, dots unstuffed`);
    t.match(trace, /^Return-Path: <alice@example\.test>\r\n/);
    t.match(trace, /Received: from probe\.example \(\[127\.0\.0\.1\]\)\r\n\tby mx\.example\.test \(mailprobe sandbox\) with ESMTP id \S+\r\n/);
    t.match(trace, new RegExp(`\\tfor <${recipient}>; \\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000\\r\\n$`));
  }
});

t.test('the null sender and several transactions in one session', async (t) => {
  const client = await greeted(t, smtp);
  for (const subject of ['one', 'two']) {
    await client.expect('MAIL FROM:<>', '250');
    await client.expect('RCPT TO:<carol@example.test>', '250');
    t.equal((await client.step({ kind: 'message', bytes: Buffer.from(`Subject: ${subject}\r\n\r\nx\r\n`) })).status, '250');
    const { trace, rest } = splitTrace(inbox('carol').at(-1)!.bytes);
    t.match(trace, /^Return-Path: <>\r\n/);
    t.same(rest, Buffer.from(`Subject: ${subject}\r\n\r\nx\r\n`));
  }
});

t.test('PIPELINING (RFC 2920): a batch in one write gets its replies in order', async (t) => {
  const client = await greeted(t, smtp);
  const batch = 'MAIL FROM:<alice@example.test>\r\nRCPT TO:<nobody@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n';
  await client.session.perform({ kind: 'raw', bytes: Buffer.from(batch), read: false }, ctx);
  for (const status of ['250', '550', '250', '354']) t.equal((await client.step({ kind: 'read' })).status, status);
  const end = await client.step({ kind: 'raw', bytes: Buffer.from('Subject: p\r\n\r\npipelined\r\n.\r\nNOOP\r\n'), read: true });
  t.equal(end.status, '250');
  t.equal((await client.step({ kind: 'read' })).status, '250', 'NOOP after the data, in the same write');
  t.same(splitTrace(inbox('bob').at(-1)!.bytes).rest, Buffer.from('Subject: p\r\n\r\npipelined\r\n'));
});

t.test('SIZE (RFC 1870): declared size at the limit passes, one past gets 552 5.3.4 at MAIL FROM', async (t) => {
  const client = await greeted(t, smtp);
  await client.expect(`MAIL FROM:<alice@example.test> SIZE=${SandboxLimits.messageBytes}`, '250');
  await client.expect('RSET', '250');
  await client.expect(`MAIL FROM:<alice@example.test> SIZE=${SandboxLimits.messageBytes + 1}`, '552', /^552 5\.3\.4 /);
});

t.test('SIZE: a message of exactly the limit is delivered, one byte more gets 552 and is not', async (t) => {
  const client = await greeted(t, smtp);
  const head = Buffer.from('Subject: big\r\n\r\n');
  /** A message of `size` bytes in 998-octet lines (RFC 5321 §4.5.3.1.6), ending in CRLF. */
  const messageOf = (size: number): Buffer => {
    const body = Buffer.alloc(size - head.length, 0x61);
    for (let i = 998; i < body.length - 2; i += 1000) body.write('\r\n', i, 'latin1');
    body.write('\r\n', body.length - 2, 'latin1');
    return Buffer.concat([head, body]);
  };
  const before = inbox('alice').length;
  for (const [size, status] of [[SandboxLimits.messageBytes, '250'], [SandboxLimits.messageBytes + 1, '552']] as const) {
    await client.expect('MAIL FROM:<bob@example.test>', '250');
    await client.expect('RCPT TO:<alice@example.test>', '250');
    const reply = await client.step({ kind: 'message', bytes: messageOf(size) });
    t.equal(reply.status, status, `${size} bytes → ${reply.text}`);
  }
  t.equal(inbox('alice').length, before + 1, 'only the message at the limit was stored');
  t.equal(splitTrace(inbox('alice').at(-1)!.bytes).rest.length, SandboxLimits.messageBytes);
  await client.expect('NOOP', '250');
});

t.test('rfc5322Date', async (t) => {
  t.equal(rfc5322Date(new Date('2026-11-03T04:05:06Z')), 'Tue, 03 Nov 2026 04:05:06 +0000');
});

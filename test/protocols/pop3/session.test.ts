/**
 * The POP3 session against the real Dovecot of scripts/targets (skipped with the reason when it is not
 * running): greeting, CAPA, STLS, implicit TLS, USER/PASS and SASL logins, and a message delivered through
 * Postfix with mailprobe's own SMTP engine, then found, read, peeked at, deleted and gone.
 */
import t, { type Test } from 'tap';
import { setTimeout as delay } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { pop3Driver } from '../../../src/protocols/pop3/driver.js';
import type { ProtocolSession, Reply, StepAction } from '../../../src/protocols/types.js';
import type { Endpoint } from '../../../src/wire/types.js';
import { Transcript } from '../../../src/wire/transcript.js';
import { openSmtpClient } from '../../helpers/smtp-client.js';
import { targetEndpoint, unreachable } from './targets.js';

// Dovecot answers a failed login after about 2 s, and delays later logins from 127.0.0.1 for a while.
const ctx = { timeoutMs: 15_000, signal: new AbortController().signal };
const USER = { username: 'carol', password: 'carolpw' };

interface Client {
  session: ProtocolSession;
  transcript: Transcript;
  step(action: StepAction): Promise<Reply>;
  send(text: string): Promise<Reply>;
}

async function open(t: Test, endpoint: Endpoint): Promise<Client> {
  const transcript = new Transcript({ startNs: process.hrtime.bigint(), secrets: [USER.password] });
  const session = await pop3Driver.open({ endpoint, transcript: transcript.sink('default'), connectTimeoutMs: 5000, signal: ctx.signal });
  t.teardown(() => session.close());
  const step = async (action: StepAction): Promise<Reply> => {
    const reply = await session.perform(action, ctx);
    if (!reply) throw new Error(`no reply to ${action.kind}`);
    return reply;
  };
  return { session, transcript, step, send: (text) => step({ kind: 'send', text }) };
}

/** Greeted, STLS, logged in as carol. */
async function loggedIn(t: Test, endpoint: Endpoint): Promise<Client> {
  const client = await open(t, endpoint);
  t.equal((await client.step({ kind: 'read' })).status, '+OK');
  t.equal((await client.step({ kind: 'starttls' })).status, '+OK');
  t.equal((await client.step({ kind: 'auth', mechanism: 'USER', ...USER })).status, '+OK');
  return client;
}

const pop3 = targetEndpoint('pop3');
const pop3s = targetEndpoint('pop3s');
const smtp = targetEndpoint('smtp');
const skip = (await unreachable(pop3)) || (await unreachable(smtp));

t.test('greeting, CAPA, STLS, CAPA again, AUTH PLAIN, STAT, QUIT', { skip }, async (t) => {
  const client = await open(t, pop3);
  const greeting = await client.step({ kind: 'read' });
  t.match(greeting, { status: '+OK', text: /^\+OK / });
  const capa = await client.send('CAPA');
  t.equal(capa.status, '+OK');
  t.match(capa.text, /\r\nSTLS\r\n/);
  t.match(capa.text, /\r\nSASL [^\r\n]*PLAIN/);
  t.notMatch(capa.text, /\r\n\.$/, 'the terminator is not part of the text');
  t.ok(capa.body?.toString().endsWith('\r\n'), 'the body keeps its last CRLF');
  t.equal((await client.step({ kind: 'starttls' })).status, '+OK');
  t.ok(client.transcript.entries().some((e) => e.dir === 'i' && e.text.startsWith('TLS established')));
  const again = await client.send('CAPA');
  t.notMatch(again.text, /\r\nSTLS(\r\n|$)/, 'RFC 2595 §4: no STLS once TLS is up');
  t.same(await client.step({ kind: 'auth', mechanism: 'PLAIN', ...USER }), { status: '+OK', text: '+OK Logged in.' });
  t.match((await client.send('STAT')).text, /^\+OK \d+ \d+$/);
  t.equal((await client.send('QUIT')).status, '+OK');
  t.equal(await client.session.perform({ kind: 'expect_close' }, ctx), undefined);
});

t.test('implicit TLS (pop3s), USER/PASS, AUTH LOGIN and CRAM-MD5', { skip: skip || (await unreachable(pop3s)) }, async (t) => {
  for (const mechanism of ['USER', 'LOGIN', 'CRAM-MD5']) {
    const client = await open(t, pop3s);
    t.equal((await client.step({ kind: 'read' })).status, '+OK');
    t.equal((await client.step({ kind: 'auth', mechanism, ...USER })).status, '+OK', mechanism);
    t.notOk(client.transcript.entries().some((e) => e.text.includes(USER.password)), `${mechanism}: no password in the transcript`);
    await client.send('QUIT');
  }
});

t.test('a wrong password gets -ERR; commands before login get -ERR', { skip }, async (t) => {
  const client = await open(t, pop3);
  await client.step({ kind: 'read' });
  t.equal((await client.send('STAT')).status, '-ERR', 'RFC 1939 §3: STAT is not valid in the AUTHORIZATION state');
  t.equal((await client.send('RETR 1')).status, '-ERR', 'a -ERR to a multi-line command is one line');
  t.equal((await client.send('NOOP')).status, '-ERR');
  const wrong = await client.step({ kind: 'auth', mechanism: 'USER', username: USER.username, password: 'wrong' });
  t.equal(wrong.status, '-ERR');
});

/** Message numbers of the maildrop whose header holds the Message-ID, polling while Postfix delivers. */
async function findMessage(t: Test, messageId: string): Promise<{ client: Client; number: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const client = await loggedIn(t, pop3);
    const count = Number(/^\+OK (\d+)/.exec((await client.send('STAT')).text)![1]);
    // Newest last: look at the most recent messages first.
    for (let number = count; number > Math.max(0, count - 20); number--) {
      const top = await client.send(`TOP ${number} 0`);
      if (top.text.includes(`Message-ID: <${messageId}>`)) return { client, number };
    }
    await client.send('QUIT');
    await client.session.close();
    await delay(250);
  }
  throw new Error(`message <${messageId}> did not arrive`);
}

t.test('a message delivered by Postfix: RETR byte-exact, TOP, UIDL, DELE then QUIT removes it', { skip }, async (t) => {
  const messageId = `${randomUUID()}@mailprobe.example`;
  const sent = Buffer.from(
    `From: <alice@example.test>\r\nTo: <carol@example.test>\r\nSubject: pop3 session test\r\nMessage-ID: <${messageId}>\r\nDate: Mon, 23 Nov 2026 12:00:00 +0000\r\n\r\n` +
      'line one\r\n.leading dot\r\n.\r\n..two dots\r\nline five\r\n',
  );
  const out = await openSmtpClient(t, smtp);
  await out.step({ kind: 'read' });
  await out.expect('EHLO probe.example', '250');
  await out.expect('MAIL FROM:<alice@example.test>', '250');
  await out.expect('RCPT TO:<carol@example.test>', '250');
  t.equal((await out.step({ kind: 'message', bytes: sent })).status, '250');
  await out.expect('QUIT', '221');

  const { client, number } = await findMessage(t, messageId);
  const retr = await client.send(`RETR ${number}`);
  t.equal(retr.status, '+OK');
  t.equal(retr.body!.subarray(retr.body!.length - sent.length).toString('latin1'), sent.toString('latin1'), 'the body ends with exactly the bytes sent, dot lines unstuffed');
  const size = Number(/^\+OK \S+ (\d+)$/.exec((await client.send(`LIST ${number}`)).text)![1]);
  t.equal(retr.body!.length, size, 'RFC 1939 §5: LIST gives the exact size of the message');
  const top = await client.send(`TOP ${number} 2`);
  t.match(top.body!.toString(), new RegExp(`Message-ID: <${messageId}>\r\nDate: [^\r]*\r\n\r\nline one\r\n\\.leading dot\r\n$`), 'TOP: header, blank line, two lines');
  const uid = /^\+OK \d+ (\S+)$/.exec((await client.send(`UIDL ${number}`)).text)![1]!;
  t.match((await client.send('UIDL')).text, new RegExp(`\\r\\n${number} ${uid}(\\r\\n|$)`), 'the listing agrees');
  t.equal((await client.send(`DELE ${number}`)).status, '+OK');
  t.equal((await client.send(`RETR ${number}`)).status, '-ERR', 'a deleted message cannot be read');
  t.equal((await client.send('QUIT')).status, '+OK');
  await client.session.perform({ kind: 'expect_close' }, ctx);

  const next = await loggedIn(t, pop3);
  t.notMatch((await next.send('UIDL')).text, new RegExp(` ${uid}(\\r\\n|$)`), 'RFC 1939 §6: QUIT removed it');
  await next.send('QUIT');
});

import net from 'node:net';
import fc from 'fast-check';
import t from 'tap';
import { SandboxLimits } from '../../src/sandbox/limits.js';
import { INBOX } from '../../src/sandbox/store.js';
import { ctx, greeted, portOf, readReply, sandboxFor } from './client.js';

const sandbox = await sandboxFor(t);
const { smtp, smtps } = sandbox.targets;

function lastOf(user: string): Buffer {
  const stored = sandbox.store.mailbox(user, INBOX)!.messages.at(-1)!.bytes;
  // Behind Return-Path and the three lines of Received (see smtp-delivery.test.ts).
  const text = stored.toString('latin1');
  const end = text.indexOf('\r\n', text.indexOf('\tfor <')) + 2;
  return stored.subarray(end);
}

function count(user: string): number {
  return sandbox.store.mailbox(user, INBOX)!.messages.length;
}

t.test('RFC 3030: chunks are taken as octets, no dot-stuffing, and LAST delivers their concatenation', async (t) => {
  const client = await greeted(t, smtp);
  const parts = [Buffer.from('Subject: bdat\r\n\r\n.not stuffed\r\n'), Buffer.from('.\r\n'), Buffer.from([0x00, 0xff, 0x0a, 0x0d]), Buffer.alloc(0)];
  await client.expect('MAIL FROM:<alice@example.test>', '250');
  await client.expect('RCPT TO:<bob@example.test>', '250');
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    await client.session.perform({ kind: 'raw', bytes: Buffer.from(`BDAT ${part.length}${last ? ' LAST' : ''}\r\n`), read: false }, ctx);
    const reply = await client.step({ kind: 'raw', bytes: part, read: true });
    t.match(reply.text, last ? /^250 2\.0\.0 Ok: queued as / : new RegExp(`^250 2\\.0\\.0 ${part.length} octets received`));
  }
  t.same(lastOf('bob'), Buffer.concat(parts));
  // The transaction is over, as after DATA.
  await client.expect('RCPT TO:<bob@example.test>', '503');
});

t.test('the engine\'s own chunking step, and one chunk split into single bytes', async (t) => {
  const client = await greeted(t, smtp);
  await client.expect('MAIL FROM:<alice@example.test>', '250');
  await client.expect('RCPT TO:<carol@example.test>', '250');
  const message = Buffer.from('Subject: one\r\n\r\n.\r\nbody\r\n');
  t.equal((await client.step({ kind: 'message', bytes: message, chunking: true })).status, '250');
  t.same(lastOf('carol'), message);

  const socket = net.connect(portOf(smtp), '127.0.0.1');
  t.teardown(() => void socket.destroy());
  await readReply(socket);
  for (const line of ['EHLO probe.example', 'MAIL FROM:<alice@example.test>', 'RCPT TO:<carol@example.test>']) {
    socket.write(`${line}\r\n`);
    await readReply(socket);
  }
  const reply = readReply(socket);
  const input = Buffer.concat([Buffer.from(`BDAT ${message.length} LAST\r\n`), message]);
  for (const byte of input) socket.write(Buffer.from([byte]));
  t.match(await reply, /^250 2\.0\.0 Ok: queued/);
  t.same(lastOf('carol'), message, 'same bytes however the input is split');
});

t.test('PIPELINING: commands in the same write as a chunk run after it', async (t) => {
  const client = await greeted(t, smtp);
  const batch = 'MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nBDAT 5 LAST\r\nhelloNOOP\r\nRSET\r\n';
  await client.session.perform({ kind: 'raw', bytes: Buffer.from(batch), read: false }, ctx);
  for (const status of ['250', '250', '250', '250', '250']) t.equal((await client.step({ kind: 'read' })).status, status);
  t.same(lastOf('bob'), Buffer.from('hello'));
});

t.test('a refused BDAT still consumes its octets; DATA cannot follow chunks; RSET forgets them', async (t) => {
  const client = await greeted(t, smtp);
  const before = count('alice');
  // Octets that look like commands must not run.
  await client.session.perform({ kind: 'raw', bytes: Buffer.from('BDAT 6\r\nQUIT\r\n'), read: false }, ctx);
  t.match((await client.step({ kind: 'read' })).text, /^503 5\.5\.1 .*MAIL/);
  await client.expect('MAIL FROM:<bob@example.test>', '250');
  await client.session.perform({ kind: 'raw', bytes: Buffer.from('BDAT 6\r\nQUIT\r\n'), read: false }, ctx);
  t.match((await client.step({ kind: 'read' })).text, /^503 5\.5\.1 .*RCPT/);
  await client.expect('RCPT TO:<alice@example.test>', '250');
  await client.session.perform({ kind: 'raw', bytes: Buffer.from('BDAT 3\r\nabc'), read: false }, ctx);
  t.equal((await client.step({ kind: 'read' })).status, '250');
  await client.expect('DATA', '503', /^503 5\.5\.1 .*BDAT/);
  await client.expect('RSET', '250');
  await client.expect('MAIL FROM:<bob@example.test>', '250');
  await client.expect('RCPT TO:<alice@example.test>', '250');
  await client.session.perform({ kind: 'raw', bytes: Buffer.from('BDAT 3 LAST\r\nxyz'), read: false }, ctx);
  t.equal((await client.step({ kind: 'read' })).status, '250');
  t.same(lastOf('alice'), Buffer.from('xyz'), 'the chunk before RSET is gone');
  t.equal(count('alice'), before + 1);
});

t.test('SIZE: chunks up to the limit are delivered; past it 552 and the transaction ends', async (t) => {
  const client = await greeted(t, smtp);
  const before = count('carol');
  await client.expect('MAIL FROM:<alice@example.test>', '250');
  await client.expect('RCPT TO:<carol@example.test>', '250');
  const half = SandboxLimits.messageBytes / 2;
  for (const last of [false, true]) {
    await client.session.perform({ kind: 'raw', bytes: Buffer.from(`BDAT ${half}${last ? ' LAST' : ''}\r\n`), read: false }, ctx);
    t.equal((await client.step({ kind: 'raw', bytes: Buffer.alloc(half, 0x61), read: true })).status, '250');
  }
  t.equal(lastOf('carol').length, SandboxLimits.messageBytes, 'exactly at the limit');
  await client.expect('MAIL FROM:<alice@example.test>', '250');
  await client.expect('RCPT TO:<carol@example.test>', '250');
  await client.session.perform({ kind: 'raw', bytes: Buffer.from(`BDAT ${half}\r\n`), read: false }, ctx);
  t.equal((await client.step({ kind: 'raw', bytes: Buffer.alloc(half, 0x62), read: true })).status, '250');
  await client.session.perform({ kind: 'raw', bytes: Buffer.from(`BDAT ${half + 1} LAST\r\n`), read: false }, ctx);
  const over = await client.step({ kind: 'raw', bytes: Buffer.alloc(half + 1, 0x62), read: true });
  t.match(over.text, /^552 5\.3\.4 /, 'one octet past the limit');
  await client.expect('RCPT TO:<carol@example.test>', '503', /MAIL/);
  t.equal(count('carol'), before + 1, 'the oversized message was not delivered');
});

t.test('BDAT after STARTTLS and AUTH (a new parser after the TLS upgrade)', async (t) => {
  const client = await greeted(t, smtps);
  await client.step({ kind: 'auth', mechanism: 'PLAIN', username: 'bob', password: 'bobpw' });
  await client.expect('MAIL FROM:<bob@example.test>', '250');
  await client.expect('RCPT TO:<alice@example.test>', '250');
  const message = Buffer.from('Subject: tls\r\n\r\nover TLS\r\n');
  t.equal((await client.step({ kind: 'message', bytes: message, chunking: true })).status, '250');
  t.same(lastOf('alice'), message);

  const relay = await greeted(t, smtp);
  await relay.step({ kind: 'starttls' });
  await relay.expect('EHLO probe.example', '250', /CHUNKING/);
  await relay.expect('MAIL FROM:<bob@example.test>', '250');
  await relay.expect('RCPT TO:<alice@example.test>', '250');
  t.equal((await relay.step({ kind: 'message', bytes: message, chunking: true })).status, '250');
  t.same(lastOf('alice'), message);
});

/** Writes the pieces one by one, each after the previous one left, and collects `replies` reply lines. */
async function exchange(pieces: Buffer[], replies: number): Promise<string[]> {
  const socket = net.connect(portOf(smtp), '127.0.0.1');
  try {
    await readReply(socket);
    socket.write('EHLO probe.example\r\n');
    await readReply(socket);
    const lines: string[] = [];
    let buffered = '';
    const done = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('latin1');
        const complete = buffered.split('\r\n');
        buffered = complete.pop()!;
        lines.push(...complete);
        if (lines.length >= replies) resolve();
      });
    });
    for (const piece of pieces) await new Promise<void>((resolve) => socket.write(piece, () => setImmediate(resolve)));
    await done;
    return lines;
  } finally {
    socket.destroy();
  }
}

t.test('chunking does not change results: the same input split anywhere gives the same replies and bytes', async (t) => {
  const octets = fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes));
  // Chunk contents that look like SMTP: end-of-data markers, commands, bare line ends.
  const tricky = fc.constantFrom('\r\n.\r\n', 'QUIT\r\n', 'BDAT 1 LAST\r\n', '\n.\n', '.', '\r').map((text) => Buffer.from(text));
  const part = fc.array(fc.oneof(octets, tricky), { maxLength: 4 }).map((parts) => Buffer.concat(parts));
  await fc.assert(
    fc.asyncProperty(part, part, fc.array(fc.nat(), { maxLength: 6 }), async (first, second, cuts) => {
      const input = Buffer.concat([
        Buffer.from(`MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nBDAT ${first.length}\r\n`),
        first,
        Buffer.from(`BDAT ${second.length} LAST\r\n`),
        second,
        Buffer.from('NOOP\r\n'),
      ]);
      const points = [...new Set(cuts.map((cut) => cut % input.length))].sort((a, b) => a - b);
      const pieces = [0, ...points].map((from, i) => input.subarray(from, [...points, input.length][i]));
      const lines = await exchange(pieces.filter((piece) => piece.length > 0), 5);
      const codes = lines.map((line) => line.slice(0, 4));
      if (codes.join('') !== '250 250 250 250 250 ') throw new Error(`replies: ${lines.join(' | ')}`);
      if (!lastOf('bob').equals(Buffer.concat([first, second]))) throw new Error('delivered bytes differ');
    }),
    { numRuns: 25 },
  );
  t.pass('25 random splits');
});

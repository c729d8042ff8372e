import t from 'tap';
import { compareExact, stripHeaders } from '../../src/mime/compare.js';
import { messageIdOf, normalizeCrlf } from '../../src/mime/message.js';

const sent = Buffer.from('From: a@example.test\r\nMessage-ID: <1@x>\r\nSubject: hi\r\n\r\nline 1\r\n.dot\r\n');

t.test('compareExact ignores trace headers a server adds, with their folded lines', async (t) => {
  const received = Buffer.concat([
    Buffer.from('Return-Path: <a@example.test>\r\nDelivered-To: b@example.test\r\nReceived: from x\r\n\tby y; Mon, 1 Jan 2024\r\n'),
    sent,
  ]);
  t.equal(compareExact(sent, received), undefined);
});

t.test('compareExact names the first differing byte and line', async (t) => {
  const received = Buffer.from(sent.toString('latin1').replace('.dot', 'dot'), 'latin1');
  const diff = compareExact(sent, received);
  t.ok(diff);
  t.equal(diff!.offset, sent.indexOf('.dot'));
  t.equal(diff!.line, 6);
  t.match(diff!.sent, /\.dot/);
});

t.test('compareExact: ignore_headers removes user-named headers on both sides', async (t) => {
  const received = Buffer.from(sent.toString('latin1').replace('Subject: hi', 'Subject: hi\r\nX-Spam: no'), 'latin1');
  t.ok(compareExact(sent, received));
  t.equal(compareExact(sent, received, ['X-Spam']), undefined);
});

t.test('stripHeaders keeps the body even when a body line looks like a header', async (t) => {
  const msg = Buffer.from('Received: x\r\nA: 1\r\n\r\nReceived: body\r\n');
  t.equal(stripHeaders(msg, ['received']).toString(), 'A: 1\r\n\r\nReceived: body\r\n');
});

t.test('normalizeCrlf turns bare LF and bare CR into CRLF and leaves CRLF alone', async (t) => {
  t.equal(normalizeCrlf(Buffer.from('a\nb\rc\r\nd')).toString(), 'a\r\nb\r\nc\r\nd');
  const already = Buffer.from('a\r\nb\r\n');
  t.equal(normalizeCrlf(already), already, 'same buffer when nothing to change');
});

t.test('messageIdOf reads a folded Message-ID header only from the header section', async (t) => {
  t.equal(messageIdOf(Buffer.from('Subject: x\r\nMessage-ID:\r\n <abc@example.test>\r\n\r\nbody')), '<abc@example.test>');
  t.equal(messageIdOf(Buffer.from('Subject: x\r\n\r\nMessage-ID: <no@x>\r\n')), undefined);
});

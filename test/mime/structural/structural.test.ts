import t from 'tap';
import { buildMessage } from '../../../src/mime/builder/build.js';
import { parseMessageSpec } from '../../../src/mime/builder/spec.js';
import { compareFragments, compareStructural } from '../../../src/mime/compare/structural.js';
import type { StructuralDifference } from '../../../src/mime/compare/difference.js';

const NOW = new Date(Date.UTC(2026, 10, 23, 12));
const build = (spec: unknown, seed = 's'): Buffer => buildMessage(parseMessageSpec(spec), { seed, now: NOW });
const edit = (bytes: Buffer, from: string | RegExp, to: string): Buffer => {
  const text = bytes.toString('latin1');
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`test setup: ${String(from)} not found`);
  return Buffer.from(changed, 'latin1');
};
const summary = (ds: StructuralDifference[]): [string, string, boolean][] => ds.map((d) => [d.kind, d.path, d.breaking]);

const SPEC = {
  from: 'a@example.test',
  to: ['b@example.test'],
  subject: 'A subject long enough that a server might want to fold it somewhere in the middle of it',
  text: 'Hello.\nTrailing spaces   \nGrüße, ünïcödé text with few non-ASCII letters in a long enough line.\n',
  attachments: [{ content: 'PNGDATA', type: 'image/png', filename: 'p.png' }],
};
const SENT = build(SPEC);
const TRACE = 'Return-Path: <a@example.test>\r\nDelivered-To: b@example.test\r\nReceived: from x\r\n\tby y; Mon, 23 Nov 2026 12:00:01 +0000\r\n';

t.test('identical, and with the trace fields a server adds: no difference', async (t) => {
  t.same(compareStructural(SENT, SENT), []);
  t.same(compareStructural(SENT, Buffer.concat([Buffer.from(TRACE), SENT])), []);
});

t.test('header added, removed and changed are breaking; ignore_headers takes them out', async (t) => {
  const added = edit(SENT, 'MIME-Version: 1.0\r\n', 'MIME-Version: 1.0\r\nX-Spam-Score: 0.1\r\n');
  t.same(summary(compareStructural(SENT, added)), [['header-added', '', true]]);
  t.match(compareStructural(SENT, added)[0], { message: /the message \(multipart\/mixed\): header X-Spam-Score added/, actual: 'X-Spam-Score: 0.1' });
  t.same(compareStructural(SENT, added, { ignoreHeaders: ['x-spam-score'] }), []);
  const removed = edit(SENT, /To: b@example.test\r\n/, '');
  t.same(summary(compareStructural(SENT, removed)), [['header-removed', '', true]]);
  const changed = edit(SENT, 'From: a@example.test', 'From: someone@else.test');
  t.match(compareStructural(SENT, changed), [{ kind: 'header-changed', expected: 'a@example.test', actual: 'someone@else.test' }]);
});

t.test('a refolded header is reported but allowed', async (t) => {
  const refolded = edit(SENT, 'might want to fold', 'might want\r\n to fold');
  t.same(summary(compareStructural(SENT, refolded)), [['header-refolded', '', false]]);
});

t.test('a folded-in space changes the unfolded value', async (t) => {
  const folded = edit(SENT, 'a@example.test\r\n', 'a@\r\n example.test\r\n');
  t.same(summary(compareStructural(SENT, folded)), [['header-changed', '', true]]);
});

t.test('a re-encoding with the same content is allowed', async (t) => {
  const eight = build({ body: { content: 'Grüße\n', encoding: '8bit' } });
  const qp = edit(eight, /8bit\r\n\r\n[^\r]+/, 'quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe');
  const same = compareStructural(eight, qp);
  t.same(summary(same), [['transfer-encoding', '', false]]);
  t.match(same[0], { message: /transfer encoding changed from 8bit to quoted-printable/ });
  t.same(summary(compareStructural(eight, edit(qp, '=9Fe', '=9Fx'))), [['transfer-encoding', '', false], ['content', '', true]]);
});

t.test('content changed: part path, sizes, hashes and the first differing byte', async (t) => {
  const changed = edit(SENT, 'UE5HREFUQQ==', 'UE5HREFUQg==');
  const [d] = compareStructural(SENT, changed);
  t.match(d, { kind: 'content', path: '2', breaking: true, message: /^part 2 \(image\/png\): decoded content changed at byte 6 \(7 bytes sha256 [0-9a-f]{16}… sent, 7 bytes sha256 [0-9a-f]{16}… received\)$/ });
});

t.test('line endings and trailing whitespace are named as such', async (t) => {
  const seven = build({ body: { content: 'one  \ntwo\n', encoding: '7bit' } });
  const lf = Buffer.from(seven.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
  t.same(summary(compareStructural(seven, lf)), [['line-endings', '', false], ['line-endings', '', true]]);
  const stripped = edit(seven, 'one  \r\n', 'one\r\n');
  t.same(summary(compareStructural(seven, stripped)), [['trailing-whitespace', '', true]]);
});

t.test('type, parameters, boundary and shape', async (t) => {
  t.same(summary(compareStructural(SENT, edit(SENT, 'image/png', 'image/gif'))), [['type', '2', true]]);
  t.same(summary(compareStructural(SENT, edit(SENT, 'charset=utf-8', 'charset=iso-8859-1'))), [['parameters', '1', true]]);
  const boundary = /=_mp_[0-9a-f]{24}/.exec(SENT.toString('latin1'))![0];
  const rewritten = Buffer.from(SENT.toString('latin1').replaceAll(boundary, 'other-boundary'), 'latin1');
  t.same(summary(compareStructural(SENT, rewritten)), [['boundary', '', false]]);
  const dropped = Buffer.from(SENT.toString('latin1').replace(new RegExp(`--${boundary}\\r\\nContent-Type: image/png[^]*?(?=--${boundary}--)`), ''), 'latin1');
  t.match(compareStructural(SENT, dropped), [{ kind: 'shape', path: '', breaking: true, message: /2 parts sent, 1 received/, expected: 'text/plain, image/png', actual: 'text/plain' }]);
});

t.test('multipart/signed: any change to the signed part breaks the signature', async (t) => {
  const signed = build({
    body: {
      type: 'multipart/signed; protocol="application/pgp-signature"; micalg=pgp-sha256',
      parts: [{ content: 'Signed text.\n', headers: { 'X-Long': 'a value' } }, { type: 'application/pgp-signature', content: 'SIG' }],
    },
  });
  t.same(compareStructural(signed, signed), []);
  const refolded = edit(signed, 'X-Long: a value', 'X-Long: a\r\n value');
  t.same(summary(compareStructural(signed, refolded)), [['signature', '1', true], ['header-refolded', '1', false]]);
  t.match(compareStructural(signed, refolded)[0], { message: /part 1 \(text\/plain\): the signed part's bytes changed at byte \d+ .* breaks the multipart\/signed signature/ });
  const unsigned = build({ parts: [{ content: 'Signed text.\n', headers: { 'X-Long': 'a value' } }] });
  t.same(summary(compareStructural(unsigned, edit(unsigned, 'X-Long: a value', 'X-Long: a\r\n value'))), [['header-refolded', '1', false]], 'outside multipart/signed a refold is allowed');
});

t.test('message/rfc822 parts are compared inside', async (t) => {
  const forward = build({ attachments: [{ message: { subject: 'inner', text: 'inner text\n' } }] });
  t.same(summary(compareStructural(forward, edit(forward, 'inner text', 'inner TEXT'))), [['content', '1', true]]);
  t.same(summary(compareStructural(forward, edit(forward, 'Subject: inner', 'Subject: changed'))), [['header-changed', '1', true]]);
});

t.test('message/partial: changed id or number is a fragment that no longer reassembles', async (t) => {
  const spec = (number: number): unknown => ({ subject: 'p', body: { content: 'A line.\n', repeat: 12 }, partial: { number, total: 3 } });
  const fragments = [1, 2, 3].map((n) => build(spec(n), 'p'));
  const renumbered = edit(fragments[1]!, 'number=2', 'number=4');
  t.match(compareStructural(fragments[1]!, renumbered), [{ kind: 'partial', expected: '2', actual: '4', message: /fragment number changed, so the fragments no longer reassemble/ }]);
  t.same(compareFragments(fragments, fragments), []);
  t.match(compareFragments(fragments, [fragments[0]!, renumbered, fragments[2]!]), [
    { kind: 'partial', breaking: true, message: 'the received fragments do not reassemble: fragment 4 is beyond the total of 3; fragment 2 of 3 is missing' },
  ]);
  const damaged = edit(fragments[2]!, /A line\./, 'A LINE.');
  t.same(summary(compareFragments(fragments, [damaged, fragments[0]!, fragments[1]!])), [['partial', '', false], ['content', '', true]], 'in any order; the changed fragment named, allowed, then the breaking change');
});

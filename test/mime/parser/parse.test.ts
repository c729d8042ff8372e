import t from 'tap';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parseMessage, MAX_NESTING } from '../../../src/mime/parser/parse.js';
import { textOf } from '../../../src/mime/parser/content.js';
import type { MimePart, ParsedMessage } from '../../../src/mime/parser/types.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/mime/${name}`, import.meta.url));
const codes = (parsed: ParsedMessage): string[] => parsed.warnings.map((w) => w.code);
const slice = (parsed: ParsedMessage, range: { start: number; end: number }): string => parsed.bytes.subarray(range.start, range.end).toString('latin1');
const header = (part: MimePart, key: string): string | undefined => part.headers.find((h) => h.key === key)?.value;

const SIMPLE = Buffer.from(
  'From: a@example.test\r\nSubject: two\r\n parts\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' +
    'preamble\r\n--b\r\nContent-Type: text/plain\r\n\r\none\r\n--b \t\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--b--\r\nepilogue\r\n',
);

t.test('exact byte ranges of header blocks, bodies, fields, preamble and epilogue', async (t) => {
  const parsed = parseMessage(SIMPLE);
  const root = parsed.root;
  t.same(parsed.warnings, []);
  t.equal(parsed.lineEnding, 'crlf');
  t.equal(slice(parsed, root.header), 'From: a@example.test\r\nSubject: two\r\n parts\r\nContent-Type: multipart/mixed; boundary="b"\r\n');
  t.equal(slice(parsed, root.headers[1]!.raw), 'Subject: two\r\n parts\r\n');
  t.equal(header(root, 'subject'), 'two parts', 'unfolded (RFC 5322 §2.2.3)');
  t.equal(slice(parsed, root.preamble!), 'preamble');
  t.equal(slice(parsed, root.epilogue!), 'epilogue\r\n');
  const [one, two] = root.children;
  t.equal(slice(parsed, one!.range), 'Content-Type: text/plain\r\n\r\none', 'the CRLF before a delimiter belongs to the delimiter');
  t.equal(slice(parsed, one!.body), 'one');
  t.equal(slice(parsed, two!.header), 'Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n', 'transport padding after the delimiter');
  t.equal(one!.path, '1');
  t.equal(two!.path, '2');
  t.same([...two!.content!], [0, 1, 2]);
  t.equal(two!.sha256, createHash('sha256').update(Buffer.from([0, 1, 2])).digest('hex'));
  t.equal(textOf(one!), 'one');
  t.equal(one!.contentType.parameters.size, 0);
});

t.test('defaults: text/plain and 7bit; message/rfc822 inside a digest', async (t) => {
  const plain = parseMessage(Buffer.from('Subject: x\r\n\r\nbody\r\n')).root;
  t.equal(plain.contentType.mediaType, 'text/plain');
  t.equal(plain.transferEncoding, '7bit');
  const digest = parseMessage(fixture('digest.eml'));
  t.same(digest.warnings, []);
  t.same(digest.root.children.map((c) => c.contentType.mediaType), ['message/rfc822', 'message/rfc822']);
  t.equal(header(digest.root.children[0]!.message!, 'subject'), 'item one');
  t.same(digest.root.children[1]!.message!.children.map((c) => c.path), ['2.1', '2.2']);
  t.equal(slice(digest, digest.root.epilogue!), 'epilogue\r\n');
});

t.test('enclosed messages are parsed in place, with ranges in the outer buffer', async (t) => {
  const parsed = parseMessage(fixture('nested-rfc822.eml'));
  t.same(parsed.warnings, []);
  const inner = parsed.root.children[1]!.message!;
  t.equal(header(inner, 'subject'), 'inner');
  t.same(inner.children.map((c) => textOf(c)), ['inner plain', '<p>inner html</p>']);
  t.ok(slice(parsed, inner.range).startsWith('From: b@example.test'));
});

t.test('RFC 2231 continuations and 8bit bodies', async (t) => {
  const parsed = parseMessage(fixture('folded-headers.eml'));
  t.same(parsed.warnings, []);
  t.equal(header(parsed.root, 'x-long'), 'one\ttwo\tthree');
  const [text, pdf] = parsed.root.children;
  t.equal(textOf(text!), 'Grüße.');
  t.equal(pdf!.contentType.parameters.get('name'), 'Überblick für alle.pdf');
  t.equal(pdf!.content!.toString(), '%PDF-1.4\n%%EOF\n');
});

t.test('quoted-printable with soft breaks and lowercase hex, in ISO-8859-1', async (t) => {
  const parsed = parseMessage(fixture('qp-soft-breaks.eml'));
  t.equal(textOf(parsed.root), 'Café au lait, a long line that is broken with a soft line break right here and continues. \r\nLast line= end.\r\n');
});

t.test('LF-only lines: parsed the same, with a warning', async (t) => {
  const parsed = parseMessage(fixture('lf-only.eml'));
  t.same(codes(parsed), ['lf-line-endings']);
  t.equal(parsed.lineEnding, 'lf');
  t.same(parsed.root.children.map((c) => c.contentType.mediaType), ['text/plain', 'application/octet-stream']);
  t.equal(textOf(parsed.root.children[0]!), 'First part, LF only.');
  t.same([...parsed.root.children[1]!.content!], [0, 1, 2, 3, 4, 5]);
  const mixed = parseMessage(Buffer.from('Subject: x\r\n\nbody\n'));
  t.same(codes(mixed), ['mixed-line-endings']);
  t.equal(mixed.root.content?.toString(), 'body\n');
});

t.test('a missing close delimiter: the last part runs to the end', async (t) => {
  const parsed = parseMessage(fixture('missing-final-boundary.eml'));
  t.same(codes(parsed), ['missing-final-boundary']);
  t.equal(slice(parsed, parsed.root.preamble!), 'preamble text');
  t.same(parsed.root.children.map((c) => textOf(c)), ['one', 'two\r\n']);
  t.equal(parsed.root.epilogue, undefined);
});

t.test('breakage becomes warnings, never exceptions', async (t) => {
  const charset = parseMessage(fixture('bad-charset.eml'));
  t.same(codes(charset), ['unknown-charset']);
  t.equal(textOf(charset.root), undefined);
  t.equal(charset.root.content?.toString(), 'Text in an unknown charset.\r\n');
  const base64 = parseMessage(fixture('bad-base64.eml'));
  t.same(codes(base64), ['invalid-base64']);
  t.equal(base64.warnings[0]!.offset, fixture('bad-base64.eml').indexOf('!!'), 'offset of the first bad byte in the message');
  t.equal(base64.root.content?.toString(), 'Hello world');
  const noBody = parseMessage(fixture('no-body.eml'));
  t.same(codes(noBody), ['no-header-end']);
  t.equal(header(noBody.root, 'message-id'), '<header-only@example.test>');
  const noBoundary = parseMessage(fixture('multipart-without-boundary.eml'));
  t.same(codes(noBoundary), ['missing-boundary']);
  t.ok(noBoundary.root.content, 'kept as a leaf');
  const notHeader = parseMessage(Buffer.from('Subject: x\r\nthis is no header\r\nbody\r\n'));
  t.same(codes(notHeader), ['malformed-header']);
  t.equal(notHeader.root.content?.toString(), 'this is no header\r\nbody\r\n');
  const noDelimiter = parseMessage(Buffer.from('Content-Type: multipart/mixed; boundary=q\r\n\r\nno parts here\r\n'));
  t.same(codes(noDelimiter), ['no-delimiter']);
  const badType = parseMessage(Buffer.from('Content-Type: garbage\r\n\r\nx'));
  t.same(codes(badType), ['invalid-content-type']);
  t.equal(badType.root.contentType.mediaType, 'text/plain');
  const latin1 = parseMessage(Buffer.concat([Buffer.from('Subject: caf'), Buffer.from([0xe9]), Buffer.from('\r\n\r\nx')]));
  t.same(codes(latin1), ['header-encoding']);
  t.equal(header(latin1.root, 'subject'), 'café');
});

t.test('nesting beyond the limit is kept whole', async (t) => {
  let body = 'deep\r\n';
  for (let i = 0; i <= MAX_NESTING; i++) body = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--\r\n`;
  const parsed = parseMessage(Buffer.from(body));
  t.same(codes(parsed), ['too-deep']);
  let node = parsed.root;
  let depth = 0;
  while (node.children.length > 0) {
    node = node.children[0]!;
    depth++;
  }
  t.equal(depth, MAX_NESTING);
});

t.test('a boundary that is a prefix of a longer line is not a delimiter', async (t) => {
  const parsed = parseMessage(Buffer.from('Content-Type: multipart/mixed; boundary=ab\r\n\r\n--ab\r\n\r\n--abc not a delimiter\r\n--ab--\r\n'));
  t.same(parsed.warnings, []);
  t.equal(parsed.root.children.length, 1);
  t.equal(parsed.root.children[0]!.content?.toString(), '--abc not a delimiter');
});

t.test('property: any bytes parse without throwing, and ranges stay inside the buffer', async (t) => {
  const pieces = fc.constantFrom('\r\n', '\n', '--b', '--b--', 'Content-Type: multipart/mixed; boundary=b', 'Content-Type: message/rfc822', ': ', ' ', 'Content-Transfer-Encoding: base64', '=?', '=', 'x');
  const messages = fc.oneof(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), fc.array(pieces, { maxLength: 60 }).map((p) => Buffer.from(p.join(''))));
  fc.assert(
    fc.property(messages, (bytes) => {
      const parsed = parseMessage(bytes);
      const check = (p: MimePart): boolean =>
        [p.range, p.header, p.body].every((r) => r.start >= 0 && r.start <= r.end && r.end <= bytes.length) &&
        p.children.every(check) &&
        (p.message === undefined || check(p.message));
      return check(parsed.root);
    }),
    { numRuns: 2000 },
  );
  t.pass('no exception, ranges in bounds');
});

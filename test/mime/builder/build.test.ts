import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { buildMessage, type BuildOptions } from '../../../src/mime/builder/build.js';
import { parseMessageSpec, type MessageSpec } from '../../../src/mime/builder/spec.js';
import { SeededTokens } from '../../../src/mime/builder/seeded.js';
import { parseMessage } from '../../../src/mime/parser/parse.js';
import { reassemblePartial } from '../../../src/mime/parser/reassemble.js';
import { compareStructural } from '../../../src/mime/compare/structural.js';
import { decodeParameters } from '../../../src/mime/encoding/rfc2231.js';
import { decodeWords } from '../../../src/mime/encoding/encoded-word.js';
import type { MimePart } from '../../../src/mime/parser/types.js';

const NOW = new Date(Date.UTC(2026, 10, 23, 12, 0, 0));
const build = (spec: unknown, options: Partial<BuildOptions> = {}): Buffer =>
  buildMessage(parseMessageSpec(spec), { seed: 'test', now: NOW, ...options });

function leaves(part: MimePart): MimePart[] {
  if (part.message) return leaves(part.message);
  if (part.children.length > 0) return part.children.flatMap(leaves);
  return [part];
}

function lines(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (let lf = bytes.indexOf(0x0a); lf >= 0; lf = bytes.indexOf(0x0a, at)) {
    out.push(bytes.subarray(at, lf + 1));
    at = lf + 1;
  }
  if (at < bytes.length) out.push(bytes.subarray(at));
  return out;
}

const EVERYTHING = {
  from: 'Jürgen Müller <alice@example.test>',
  to: ['bob@example.test', 'Carol, C. <carol@example.test>'],
  subject: 'Grüße — golden',
  headers: { 'X-Note': 'plain' },
  text: 'Hello\nGrüße aus Köln\n',
  html: '<p>Hi <img src="cid:logo@x"></p>\n',
  attachments: [
    { content: 'PNG', type: 'image/png', cid: 'logo@x' },
    { content: 'Ünïcode text', type: 'text/plain; charset=utf-8', encoding: 'quoted-printable', filename: 'Überblick für die Prüfung, sehr lang.txt' },
    { message: { from: 'x@example.test', subject: 'inner', text: 'inner body\n' }, description: 'A forwarded message' },
  ],
};

t.test('output matches the golden file for a fixed spec, seed and date', async (t) => {
  const golden = new URL('../../fixtures/mime/golden-everything.eml', import.meta.url);
  const bytes = build(EVERYTHING);
  if (process.env['MAILPROBE_UPDATE_GOLDEN'] === '1') writeFileSync(golden, bytes);
  t.equal(bytes.toString('latin1'), readFileSync(golden).toString('latin1'));
});

t.test('same spec and seed give the same bytes; another seed other boundaries and Message-ID', async (t) => {
  t.ok(build(EVERYTHING).equals(build(EVERYTHING)));
  const a = parseMessage(build(EVERYTHING));
  const b = parseMessage(build(EVERYTHING, { seed: 'other' }));
  const id = (p: MimePart): string | undefined => p.headers.find((h) => h.key === 'message-id')?.value;
  t.not(id(a.root), id(b.root));
  t.not(a.root.contentType.parameters.get('boundary'), b.root.contentType.parameters.get('boundary'));
  const breaking = compareStructural(build(EVERYTHING), build(EVERYTHING, { seed: 'other' })).filter((d) => d.breaking);
  t.same(breaking.map((d) => [d.kind, d.path, d.message.includes('Message-ID')]), [['header-changed', '', true], ['header-changed', '3', true]], 'only the Message-IDs differ');
});

t.test('CRLF line endings only, no line over 998 octets, ending in CRLF', async (t) => {
  const bytes = build({ ...EVERYTHING, text: 'bare\nLF\rCR\r\nCRLF' });
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) t.equal(bytes[i - 1], 0x0d, `LF at ${i} follows CR`);
    if (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a) t.fail(`bare CR at ${i}`);
  }
  t.ok(lines(bytes).every((l) => l.length <= 1000));
  t.equal(bytes.subarray(-2).toString(), '\r\n');
  t.same(parseMessage(bytes).warnings, []);
});

t.test('Date and Message-ID are generated when absent and kept when given', async (t) => {
  const generated = parseMessage(build({ from: 'a@example.test', text: 'x' })).root.headers;
  t.equal(generated.find((h) => h.key === 'date')?.value, 'Mon, 23 Nov 2026 12:00:00 +0000');
  t.match(generated.find((h) => h.key === 'message-id')?.value, /^<[0-9a-f]{32}@example\.test>$/);
  const given = parseMessage(build({ date: 'Tue, 1 Dec 2026 08:00:00 +0100', message_id: 'id-1@x', text: 'x' })).root.headers;
  t.equal(given.find((h) => h.key === 'date')?.value, 'Tue, 1 Dec 2026 08:00:00 +0100');
  t.equal(given.find((h) => h.key === 'message-id')?.value, '<id-1@x>');
});

t.test('the layout from text, html and attachments', async (t) => {
  const shape = (p: MimePart): unknown => (p.children.length ? [p.contentType.mediaType, p.children.map(shape)] : p.contentType.mediaType);
  t.same(shape(parseMessage(build({ text: 'a' })).root), 'text/plain');
  t.same(shape(parseMessage(build({ html: '<p>' })).root), 'text/html');
  t.same(shape(parseMessage(build({ text: 'a', html: '<p>' })).root), ['multipart/alternative', ['text/plain', 'text/html']]);
  t.same(shape(parseMessage(build(EVERYTHING)).root), [
    'multipart/mixed',
    [['multipart/alternative', ['text/plain', ['multipart/related', ['text/html', 'image/png']]]], 'text/plain', 'message/rfc822'],
  ]);
  t.same(shape(parseMessage(build({ multipart: 'parallel', parts: [{ content: 'a' }, { content: 'b' }] })).root), ['multipart/parallel', ['text/plain', 'text/plain']]);
});

t.test('transfer encoding chosen from the content, and honoured when requested', async (t) => {
  const encodingOf = (part: unknown): string => parseMessage(build({ body: part })).root.transferEncoding;
  t.equal(encodingOf({ content: 'plain ASCII\n' }), '7bit');
  t.equal(encodingOf({ content: `${'a'.repeat(998)}\n` }), '7bit', '998 octets fit');
  t.equal(encodingOf({ content: `${'a'.repeat(999)}\n` }), 'quoted-printable', '999 do not');
  t.equal(encodingOf({ content: 'Mostly ASCII text with one ü in it.\n' }), 'quoted-printable');
  t.equal(encodingOf({ content: 'ÄÖÜäöüßÄÖÜäöüß\n' }), 'base64');
  t.equal(encodingOf({ content: 'ASCII', type: 'application/octet-stream' }), 'base64');
  t.equal(encodingOf({ message: { body: { content: 'ü', encoding: '8bit' } } }), '8bit', 'message/rfc822 is never encoded');
  t.equal(encodingOf({ message: { text: 'ü' } }), '7bit', 'its own parts are');
  t.equal(encodingOf({ content: 'ü', encoding: '8bit' }), '8bit');
  t.equal(encodingOf({ content: 'ASCII', encoding: 'base64' }), 'base64');
  const binary = build({ body: { content: `${'ü'.repeat(600)}\n`, encoding: 'binary' } });
  t.ok(binary.includes(Buffer.from('ü'.repeat(600))), 'binary content is written as it is');
});

t.test('every leaf decodes back to its content', async (t) => {
  const bytes = build({ parts: [{ content: 'ÄÖÜ text\n' }, { content: 'x'.repeat(5000) }, { content: 'A = sign\t\n', encoding: 'quoted-printable' }, { content: 'b64', encoding: 'base64' }] });
  const contents = leaves(parseMessage(bytes).root).map((p) => p.content!.toString('utf8'));
  t.same(contents, ['ÄÖÜ text\r\n', 'x'.repeat(5000), 'A = sign\t\r\n', 'b64']);
});

t.test('file contents come from options.files, repeated on request', async (t) => {
  const files = new Map([['/fixtures/a.bin', Buffer.from([0, 1, 2, 255])]]);
  const bytes = build({ body: { file: '/fixtures/a.bin', repeat: 3, type: 'image/png' } }, { files });
  const root = parseMessage(bytes).root;
  t.same([...root.content!], [0, 1, 2, 255, 0, 1, 2, 255, 0, 1, 2, 255]);
  t.equal(root.sha256, createHash('sha256').update(root.content!).digest('hex'));
  t.throws(() => build({ body: { file: '/missing' } }), { code: 'MP_ERR_CONFIG' });
});

t.test('a boundary is drawn again when the content holds its delimiter', async (t) => {
  const first = `=_mp_${new SeededTokens('test').hex(24)}`;
  const bytes = build({ parts: [{ content: `--${first}\n`, encoding: '7bit' }] });
  const boundary = parseMessage(bytes).root.contentType.parameters.get('boundary');
  t.not(boundary, first);
  t.equal(parseMessage(bytes).root.children.length, 1);
  t.equal(parseMessage(bytes).root.children[0]!.content!.toString(), `--${first}\r\n`);
});

t.test('non-ASCII header text becomes encoded words that decode back', async (t) => {
  const root = parseMessage(build(EVERYTHING)).root;
  const value = (key: string): string => decodeWords(root.headers.find((h) => h.key === key)!.value).text;
  t.equal(value('subject'), 'Grüße — golden');
  t.equal(value('from'), 'Jürgen Müller <alice@example.test>');
  t.equal(value('to'), 'bob@example.test, "Carol, C." <carol@example.test>');
  t.ok(lines(build(EVERYTHING)).every((l) => l.length <= 1000));
});

t.test('non-ASCII filenames use RFC 2231 in Content-Disposition and Content-Type', async (t) => {
  const part = leaves(parseMessage(build(EVERYTHING)).root)[3]!;
  t.equal(part.contentType.parameters.get('name'), 'Überblick für die Prüfung, sehr lang.txt');
  const disposition = decodeParameters(part.headers.find((h) => h.key === 'content-disposition')!.value);
  t.equal(disposition.value, 'attachment');
  t.equal(disposition.parameters.get('filename')?.value, 'Überblick für die Prüfung, sehr lang.txt');
  t.equal(disposition.parameters.get('filename')?.charset, 'UTF-8');
});

t.test('Content-ID, Content-Description and part headers', async (t) => {
  const bytes = build({ body: { content: 'x', cid: 'c1@x', description: 'Beschreibung äöü', headers: { 'X-Part': 'yes' } } });
  const headers = parseMessage(bytes).root.headers;
  t.equal(headers.find((h) => h.key === 'content-id')?.value, '<c1@x>');
  t.equal(decodeWords(headers.find((h) => h.key === 'content-description')!.value).text, 'Beschreibung äöü');
  t.equal(headers.find((h) => h.key === 'x-part')?.value, 'yes');
});

t.test('multipart/digest parts default to message/rfc822 without writing it', async (t) => {
  const bytes = build({ multipart: 'digest', parts: [{ message: { subject: 'one', text: '1' } }] });
  const child = parseMessage(bytes).root.children[0]!;
  t.equal(child.contentType.mediaType, 'message/rfc822');
  t.notOk(child.headers.some((h) => h.key === 'content-type'));
  t.equal(child.message?.headers.find((h) => h.key === 'subject')?.value, 'one');
});

t.test('message/partial: fragments share an id, number 1…N, and reassemble to the message', async (t) => {
  const spec = (number: number): MessageSpec => parseMessageSpec({ from: 'a@example.test', subject: 'big', body: { content: 'A line of text.\n', repeat: 40 }, partial: { number, total: 3 } });
  const fragments = [1, 2, 3].map((n) => buildMessage(spec(n), { seed: 'p', now: NOW }));
  const params = fragments.map((f) => parseMessage(f).root.contentType);
  t.ok(params.every((p) => p.mediaType === 'message/partial'));
  t.same(params.map((p) => p.parameters.get('number')), ['1', '2', '3']);
  t.same(params.map((p) => p.parameters.get('total')), ['3', '3', '3']);
  t.equal(new Set(params.map((p) => p.parameters.get('id'))).size, 1);
  t.equal(new Set(fragments.map((f) => parseMessage(f).root.headers.find((h) => h.key === 'message-id')!.value)).size, 3, 'each fragment its own Message-ID');
  const whole = buildMessage({ ...spec(1), partial: undefined } as MessageSpec, { seed: 'p', now: NOW });
  const reassembled = reassemblePartial(fragments);
  t.same(reassembled.problems, []);
  t.same(compareStructural(whole, reassembled.message!).filter((d) => d.breaking), []);
  t.throws(() => buildMessage(parseMessageSpec({ body: { content: 'ü', encoding: '8bit' }, partial: { number: 1, total: 2 } }), { seed: 'p' }), { code: 'MP_ERR_CONFIG' });
});

t.test('nesting any depth', async (t) => {
  let part: unknown = { content: 'deepest' };
  for (let i = 0; i < 5; i++) part = { type: 'multipart/mixed', parts: [part] };
  let node = parseMessage(build({ body: part })).root;
  let depth = 0;
  while (node.children.length > 0) {
    node = node.children[0]!;
    depth++;
  }
  t.equal(depth, 5);
  t.equal(node.content?.toString(), 'deepest');
  t.equal(node.path, '1.1.1.1.1');
});

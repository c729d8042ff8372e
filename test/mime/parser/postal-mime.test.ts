// Cross-check of our parser against postal-mime (a devDependency) on hand-written and generated messages:
// the same subject and Message-ID, every attachment postal-mime finds is a part of ours with the same type,
// file name and decoded bytes, and the plain text agrees.
import t from 'tap';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import PostalMime from 'postal-mime';
import { parseMessage } from '../../../src/mime/parser/parse.js';
import { textOf } from '../../../src/mime/parser/content.js';
import { buildMessage } from '../../../src/mime/builder/build.js';
import { parseMessageSpec } from '../../../src/mime/builder/spec.js';
import { decodeWords } from '../../../src/mime/encoding/encoded-word.js';
import { decodeParameters } from '../../../src/mime/encoding/rfc2231.js';
import type { MimePart, ParsedMessage } from '../../../src/mime/parser/types.js';

const FIXTURES = new URL('../../fixtures/mime/', import.meta.url);

function allParts(part: MimePart): MimePart[] {
  return [part, ...part.children.flatMap(allParts), ...(part.message ? allParts(part.message) : [])];
}

/** The decoded bytes of a part as postal-mime hands out attachments: a message part as its body bytes. */
function bytesOf(parsed: ParsedMessage, part: MimePart): Buffer | undefined {
  if (part.content) return part.content;
  if (part.message) return parsed.bytes.subarray(part.body.start, part.body.end);
  return undefined;
}

function filenameOf(part: MimePart): string | undefined {
  const disposition = part.headers.find((h) => h.key === 'content-disposition');
  return (disposition && decodeParameters(disposition.value).parameters.get('filename')?.value) ?? part.contentType.parameters.get('name');
}

/** Text with LF line ends and no final newline. */
function normal(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(/\n+$/, '');
}

/** Which disagreements with postal-mime there are (an empty list when none). */
async function crossCheck(bytes: Buffer): Promise<string[]> {
  const ours = parseMessage(bytes);
  const theirs = await PostalMime.parse(bytes, { forceRfc822Attachments: true });
  const problems: string[] = [];
  const header = (key: string): string | undefined => ours.root.headers.find((h) => h.key === key)?.value;
  const subject = header('subject');
  // postal-mime leaves an empty Subject out.
  if ((subject ? decodeWords(subject).text : undefined) !== (theirs.subject || undefined)) problems.push(`subject ${subject} vs ${theirs.subject}`);
  if (header('message-id') !== theirs.messageId) problems.push(`message-id ${header('message-id')} vs ${theirs.messageId}`);
  const parts = allParts(ours.root);
  for (const attachment of theirs.attachments) {
    const content = Buffer.from(attachment.content as ArrayBuffer);
    // postal-mime hands out text and messages with LF line ends and a final newline, and keeps the line
    // break before a delimiter in quoted-printable content (RFC 2046 §5.1.1 gives it to the delimiter).
    const same = (part: MimePart): boolean => {
      const ourBytes = bytesOf(ours, part);
      if (ourBytes === undefined) return false;
      const lineBased = /^(text|message)\//.test(attachment.mimeType) || part.transferEncoding === 'quoted-printable';
      return lineBased ? normal(ourBytes.toString('latin1')) === normal(content.toString('latin1')) : ourBytes.equals(content);
    };
    const match = parts.find((p) => p.contentType.mediaType === attachment.mimeType && same(p));
    if (!match) problems.push(`postal-mime attachment ${attachment.mimeType} ${attachment.filename} (${content.length} bytes) has no equal part`);
    else if ((filenameOf(match) ?? null) !== attachment.filename) problems.push(`filename ${filenameOf(match)} vs ${attachment.filename}`);
  }
  const plain = parts.filter((p) => p.contentType.mediaType === 'text/plain' && p.content && filenameOf(p) === undefined && !p.headers.some((h) => h.key === 'content-disposition'));
  if (plain.length === 1 && theirs.text !== undefined) {
    const text = textOf(plain[0]!);
    if (text !== undefined && normal(text) !== normal(theirs.text)) problems.push(`text ${JSON.stringify(text)} vs ${JSON.stringify(theirs.text)}`);
  }
  return problems;
}

t.test('hand-written messages, broken ones included', async (t) => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.eml'));
  t.ok(files.length >= 10);
  for (const file of files) {
    t.same(await crossCheck(readFileSync(new URL(file, FIXTURES))), [], file);
  }
});

const NOW = new Date(Date.UTC(2026, 0, 1));
const SPECS: unknown[] = [
  { subject: 'plain', text: 'Hello\n' },
  { subject: 'Grüße', text: 'Grüße aus Köln\n', html: '<p>Grüße</p>' },
  { subject: 'attachments', text: 'see', attachments: [{ content: 'a,b\n1,2\n', type: 'text/csv', filename: 'data.csv' }, { content: '\u0000\u0001binary', type: 'application/octet-stream', filename: 'Überblick.bin' }] },
  { subject: 'forward', text: 'fwd', attachments: [{ message: { subject: 'inner', text: 'inner text\n' }, filename: 'inner.eml' }] },
  { subject: 'digest', multipart: 'digest', parts: [{ message: { subject: 'one', text: '1' } }, { message: { subject: 'two', text: '2' } }] },
  { subject: 'qp', body: { content: 'A = sign and ü and a long line '.repeat(10), encoding: 'quoted-printable' } },
];

t.test('generated messages', async (t) => {
  for (const [i, spec] of SPECS.entries()) {
    t.same(await crossCheck(buildMessage(parseMessageSpec(spec), { seed: `s${i}`, now: NOW })), [], JSON.stringify(spec).slice(0, 60));
  }
});

t.test('property: random text and attachments agree with postal-mime', async (t) => {
  const text = fc.string({ unit: 'grapheme', maxLength: 200 });
  const attachment = fc.record({
    content: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }),
    type: fc.constantFrom('application/octet-stream', 'image/png', 'text/csv', 'application/pdf'),
    filename: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && !/[\u0000-\u001f\u007f"\\]/.test(s)),
    encoding: fc.constantFrom(undefined, 'base64', 'quoted-printable'),
  });
  await fc.assert(
    fc.asyncProperty(text, fc.array(attachment, { maxLength: 3 }), fc.string({ unit: 'grapheme', maxLength: 80 }), async (body, attachments, subject) => {
      const spec = { subject, text: body, attachments: attachments.map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined))) };
      const problems = await crossCheck(buildMessage(parseMessageSpec(spec), { seed: 'p', now: NOW }));
      if (problems.length > 0) throw new Error(problems.join('; '));
    }),
    { numRuns: 150 },
  );
  t.pass('150 random messages agree');
});

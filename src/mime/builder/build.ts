/**
 * The MIME builder behind `message: { mime: … }`: a MessageSpec (see spec.ts) becomes the exact bytes of
 * an RFC 5322 / MIME message with CRLF line endings. Leaf parts get the transfer encoding their content
 * needs unless the spec names one; multipart boundaries are checked against the bytes they enclose;
 * Date and Message-ID are generated when absent. Deterministic: the same spec, seed and `now` give the same
 * bytes. Pure (file contents come in through `files`); imports the encoding core and builder modules only.
 */
import { decodeParameters } from '../encoding/rfc2231.js';
import { normalizeCrlf } from '../message.js';
import { ErrorCode, MailprobeError } from '../../util/errors.js';
import { addressList, field, messageIdValue, rfc5322Date, unstructured, withParameters } from './header-fields.js';
import { SeededTokens } from './seeded.js';
import type { MessageSpec, PartSpec, TransferEncoding } from './spec.js';
import { broadest, chooseEncoding, encodeBody, lineSafe, shapeOf } from './transfer.js';
import { splitIntoFragment } from './partial.js';

export interface BuildOptions {
  /** Seeds boundaries, generated Message-IDs and message/partial ids. */
  seed: string;
  /** The Date written when the spec gives none (default: the current time). */
  now?: Date;
  /** Contents of the files the spec names (spec.ts filesOf), by path. */
  files?: ReadonlyMap<string, Buffer>;
}

/** A built part: its header fields (each ending in CRLF) and its encoded body. */
export interface Entity {
  header: string;
  /** The body's bytes in order, in pieces: a multipart's parts are copied together once, with the message. */
  body: Buffer[];
  /** The encoding the body is in (for multipart and message parts, the broadest inside). */
  encoding: TransferEncoding;
}

interface Context {
  tokens: SeededTokens;
  now: Date;
  files: ReadonlyMap<string, Buffer>;
}

/** The message's bytes: header, empty line, body; CRLF throughout, ending in CRLF. */
export function buildMessage(spec: MessageSpec, options: BuildOptions): Buffer {
  const ctx: Context = { tokens: new SeededTokens(options.seed), now: options.now ?? new Date(), files: options.files ?? new Map() };
  const whole = wholeMessage(spec, ctx);
  if (!spec.partial) return whole;
  return splitIntoFragment(whole, spec.partial, {
    tokens: ctx.tokens.derive('partial'),
    outerHeader: (messageId) => identityFields(spec, ctx, messageId),
  });
}

function wholeMessage(spec: MessageSpec, ctx: Context): Buffer {
  const messageId = spec.messageId !== undefined ? messageIdValue(spec.messageId) : generatedMessageId(spec, ctx.tokens);
  const root = rootPart(spec, ctx);
  const header = `${identityFields(spec, ctx, messageId)}${field('MIME-Version', '1.0')}${root.header}`;
  return withFinalCrlf(Buffer.concat([Buffer.from(`${header}\r\n`, 'utf8'), ...root.body]));
}

/** RFC 5322 §3.6 originator, destination, identification and informational fields, and the user's own. */
function identityFields(spec: MessageSpec, ctx: Context, messageId: string): string {
  let header = '';
  if (spec.from !== undefined) header += field('From', addressList([spec.from]));
  if (spec.to?.length) header += field('To', addressList(spec.to));
  if (spec.cc?.length) header += field('Cc', addressList(spec.cc));
  if (spec.subject !== undefined) header += field('Subject', unstructured(spec.subject));
  header += field('Date', spec.date ?? rfc5322Date(ctx.now));
  header += field('Message-ID', messageId);
  for (const [name, value] of Object.entries(spec.headers ?? {})) header += field(name, unstructured(value));
  return header;
}

/** RFC 5322 §3.6.4: unique per seed; the right-hand side is the sender's domain when there is one. */
function generatedMessageId(spec: MessageSpec, tokens: SeededTokens): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(spec.from ?? '')?.[1] ?? 'mailprobe.invalid';
  return `<${tokens.hex(32)}@${domain}>`;
}

/** RFC 5322 §2.1: the body ends with CRLF, so that SMTP's end-of-data adds nothing to it. */
function withFinalCrlf(bytes: Buffer): Buffer {
  const n = bytes.length;
  return n >= 2 && bytes[n - 2] === 0x0d && bytes[n - 1] === 0x0a ? bytes : Buffer.concat([bytes, Buffer.from('\r\n')]);
}

/** The root entity: `body`, `parts`, or the usual text / html / attachments layout. */
function rootPart(spec: MessageSpec, ctx: Context): Entity {
  if (spec.body) return buildPart(spec.body, ctx, false);
  if (spec.parts) return multipart(`multipart/${spec.multipart ?? 'mixed'}`, spec.parts, ctx);
  const attachments = (spec.attachments ?? []).map((a) => ({ ...a, disposition: a.disposition ?? (a.cid !== undefined ? 'inline' : 'attachment') }));
  // RFC 2387: inline parts with a Content-ID go beside the HTML that refers to them.
  const related = spec.html !== undefined ? attachments.filter((a) => a.cid !== undefined && a.disposition === 'inline') : [];
  const attached = attachments.filter((a) => !related.includes(a));
  const text: PartSpec | undefined = spec.text !== undefined ? { type: 'text/plain; charset=utf-8', content: spec.text } : undefined;
  let html: PartSpec | undefined = spec.html !== undefined ? { type: 'text/html; charset=utf-8', content: spec.html } : undefined;
  if (html && related.length > 0) html = { type: 'multipart/related; type="text/html"', parts: [html, ...related] };
  let body: PartSpec | undefined = text && html ? { type: 'multipart/alternative', parts: [text, html] } : (text ?? html);
  if (attached.length > 0) body = { type: 'multipart/mixed', parts: body ? [body, ...attached] : attached };
  return buildPart(body ?? { type: 'text/plain; charset=utf-8', content: '' }, ctx, false);
}

/** One part. `inDigest`: RFC 2046 §5.1.5, message/rfc822 is the default type and is not written. */
function buildPart(part: PartSpec, ctx: Context, inDigest: boolean): Entity {
  if (part.parts) return withPartFields(multipart(part.type ?? 'multipart/mixed', part.parts, ctx), part);
  if (part.message) return withPartFields(enclosedMessage(part, ctx, inDigest), part);
  return withPartFields(leaf(part, ctx), part);
}

function parsedType(type: string): { mediaType: string; parameters: Map<string, string> } {
  const decoded = decodeParameters(type);
  const parameters = new Map<string, string>();
  for (const [name, { value }] of decoded.parameters) parameters.set(name, value);
  return { mediaType: decoded.value.toLowerCase(), parameters };
}

function leaf(part: PartSpec, ctx: Context): Entity {
  const { mediaType, parameters } = parsedType(part.type ?? (part.file !== undefined ? 'application/octet-stream' : 'text/plain; charset=utf-8'));
  let content = part.content !== undefined ? Buffer.from(part.content, 'utf8') : fileContent(part.file!, ctx);
  if (part.repeat !== undefined && part.repeat > 1) content = Buffer.concat(Array.from({ length: part.repeat }, () => content));
  const isText = mediaType.startsWith('text/');
  // RFC 2046 §4.1.1: text travels in canonical form, lines ending in CRLF; so does an enclosed message.
  if (isText || mediaType.startsWith('message/')) content = normalizeCrlf(content);
  const shape = shapeOf(content);
  if (isText && shape.high > 0 && !parameters.has('charset')) parameters.set('charset', 'utf-8');
  if (part.filename !== undefined) parameters.set('name', part.filename);
  const encoding = part.encoding ?? chooseEncoding(mediaType, shape);
  // RFC 2045 §2.7, §2.8: in 7bit and 8bit data CR and LF occur only together, as line breaks.
  if (encoding === '7bit' || encoding === '8bit') content = normalizeCrlf(content);
  const header = field('Content-Type', withParameters(mediaType, parameters)) + field('Content-Transfer-Encoding', encoding);
  return { header, body: [encodeBody(content, encoding, isText)], encoding };
}

function fileContent(path: string, ctx: Context): Buffer {
  const bytes = ctx.files.get(path);
  if (!bytes) throw new MailprobeError(ErrorCode.CONFIG, `message mime: the contents of ${path} were not provided`);
  return bytes;
}

/** RFC 2046 §5.2.1 message/rfc822: the enclosed message built by the same rules, never base64 or QP. */
function enclosedMessage(part: PartSpec, ctx: Context, inDigest: boolean): Entity {
  const inner = wholeMessage(part.message!, { ...ctx, tokens: ctx.tokens.derive(`message ${ctx.tokens.hex(8)}`) });
  const type = part.type ?? 'message/rfc822';
  const shape = shapeOf(inner);
  const encoding = part.encoding ?? (lineSafe(shape) ? (shape.high > 0 ? '8bit' : '7bit') : 'binary');
  let header = inDigest && part.type === undefined ? '' : field('Content-Type', type);
  if (encoding !== '7bit') header += field('Content-Transfer-Encoding', encoding);
  return { header, body: [encodeBody(inner, encoding, false)], encoding };
}

/**
 * RFC 2046 §5.1.1: parts between `--boundary` lines, closed by `--boundary--`. The boundary is drawn
 * again until no enclosed line could be mistaken for a delimiter; "=_" cannot occur in base64 or QP
 * output, so the redraw is only ever needed for 7bit, 8bit or binary content.
 */
function multipart(type: string, parts: readonly PartSpec[], ctx: Context): Entity {
  const { mediaType, parameters } = parsedType(type);
  if (!mediaType.startsWith('multipart/')) throw new MailprobeError(ErrorCode.CONFIG, `message mime: a part with parts must be multipart/*, not ${mediaType}`);
  const inDigest = mediaType === 'multipart/digest';
  const children = parts.map((p) => buildPart(p, ctx, inDigest));
  // Each piece is searched alone: no delimiter straddles two, as a header ends in CRLF CRLF, a body is
  // followed by CRLF, and a nested multipart's own pieces start with its delimiters or headers.
  const heads = children.map((c) => `${c.header}\r\n`);
  let boundary: string;
  do boundary = `=_mp_${ctx.tokens.hex(24)}`;
  while (children.some((c, i) => heads[i]!.includes(`--${boundary}`) || c.body.some((piece) => piece.includes(`--${boundary}`))));
  parameters.set('boundary', boundary);
  const pieces: Buffer[] = [];
  children.forEach((c, i) => pieces.push(Buffer.from(`--${boundary}\r\n`), Buffer.from(heads[i]!, 'utf8'), ...c.body, Buffer.from('\r\n')));
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  const encoding = broadest(children.map((c) => c.encoding));
  // RFC 2045 §6.4: a multipart's own encoding is 7bit (the default, left unwritten), 8bit or binary.
  let header = field('Content-Type', withParameters(mediaType, parameters));
  if (encoding !== '7bit') header += field('Content-Transfer-Encoding', encoding);
  return { header, body: pieces, encoding };
}

/** Content-ID (RFC 2045 §7), Content-Description (§8), Content-Disposition (RFC 2183), the part's own fields. */
function withPartFields(entity: Entity, part: PartSpec): Entity {
  let header = entity.header;
  if (part.cid !== undefined) header += field('Content-ID', messageIdValue(part.cid));
  if (part.description !== undefined) header += field('Content-Description', unstructured(part.description));
  const disposition = part.disposition ?? (part.filename !== undefined ? 'attachment' : undefined);
  if (disposition !== undefined) {
    const parameters = new Map<string, string>();
    if (part.filename !== undefined) parameters.set('filename', part.filename);
    header += field('Content-Disposition', withParameters(disposition, parameters));
  }
  for (const [name, value] of Object.entries(part.headers ?? {})) header += field(name, unstructured(value));
  return { ...entity, header };
}

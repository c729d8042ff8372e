/**
 * The MIME parser: bytes → a tree of parts (RFC 2045 entities, RFC 2046 §5.1 multiparts, §5.2.1 enclosed
 * messages) with exact byte ranges, unfolded header fields, and for each leaf the decoded content and its
 * SHA-256. Never throws on message content: LF-only or mixed line endings, a missing close delimiter, no
 * boundary, unknown transfer encodings or charsets, damaged base64 / QP each become a warning and the
 * parser carries on as real mail readers do. Pure; imports the encoding core and parser modules only.
 */
import { decodeParameters } from '../encoding/rfc2231.js';
import { charsetOf, decodeBody, IDENTITY_ENCODINGS, knownCharset, sha256 } from './content.js';
import { fieldValue, lineAt, parseHeaderSection } from './header.js';
import type { ByteRange, ContentType, LineEnding, MimePart, ParsedMessage, ParseWarning } from './types.js';

/** Deepest nesting parsed; deeper parts are kept whole as leaves (a hostile message cannot exhaust the stack). */
export const MAX_NESTING = 64;

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;

interface Context {
  bytes: Buffer;
  warnings: ParseWarning[];
}

export function parseMessage(bytes: Buffer): ParsedMessage {
  const warnings: ParseWarning[] = [];
  const lineEnding = lineEndingOf(bytes);
  if (lineEnding === 'lf') warnings.push({ code: 'lf-line-endings', path: '', message: 'lines end in LF, not CRLF (RFC 5322 §2.1)' });
  if (lineEnding === 'mixed') warnings.push({ code: 'mixed-line-endings', path: '', message: 'some lines end in CRLF and some in a bare LF' });
  const root = parseEntity({ bytes, warnings }, { start: 0, end: bytes.length }, '', DEFAULT_TYPE, 0);
  return { bytes, root, lineEnding, warnings };
}

export function lineEndingOf(bytes: Buffer): LineEnding {
  let crlf = 0;
  let bare = 0;
  for (let at = bytes.indexOf(LF); at >= 0; at = bytes.indexOf(LF, at + 1)) {
    if (at > 0 && bytes[at - 1] === CR) crlf++;
    else bare++;
  }
  if (crlf === 0 && bare === 0) return 'none';
  return bare === 0 ? 'crlf' : crlf === 0 ? 'lf' : 'mixed';
}

// RFC 2045 §5.2: text/plain; charset=us-ascii when Content-Type is absent (RFC 2046 §5.1.5: message/rfc822 in a digest).
const DEFAULT_TYPE = 'text/plain';
const DIGEST_DEFAULT_TYPE = 'message/rfc822';

function parseEntity(ctx: Context, range: ByteRange, path: string, defaultType: string, depth: number): MimePart {
  const { bytes, warnings } = ctx;
  const section = parseHeaderSection(bytes, range.start, range.end, path, warnings);
  const contentType = contentTypeOf(fieldValue(section.fields, 'content-type'), defaultType, path, warnings, section.header.start);
  const transferEncoding = (fieldValue(section.fields, 'content-transfer-encoding') ?? '7bit').toLowerCase();
  const part: MimePart = {
    path,
    range,
    header: section.header,
    body: { start: section.bodyStart, end: range.end },
    headers: section.fields,
    contentType,
    transferEncoding,
    children: [],
  };
  const [type] = contentType.mediaType.split('/');
  if (depth >= MAX_NESTING && (type === 'multipart' || type === 'message')) {
    warnings.push({ code: 'too-deep', path, offset: range.start, message: `nested more than ${MAX_NESTING} levels: kept whole` });
  } else if (type === 'multipart') {
    if (parseMultipart(ctx, part, depth)) return part;
  } else if (isEnclosedMessage(contentType.mediaType) && IDENTITY_ENCODINGS.includes(transferEncoding)) {
    // RFC 2046 §5.2.1: only 7bit, 8bit or binary; an encoded message is kept as a leaf below.
    part.message = parseEntity(ctx, part.body, path, DEFAULT_TYPE, depth + 1);
    return part;
  }
  return withContent(ctx, part);
}

function isEnclosedMessage(mediaType: string): boolean {
  return mediaType === 'message/rfc822' || mediaType === 'message/global';
}

function contentTypeOf(value: string | undefined, defaultType: string, path: string, warnings: ParseWarning[], offset: number): ContentType {
  const fallback = (): ContentType => ({ mediaType: defaultType, parameters: new Map() });
  if (value === undefined) return fallback();
  const decoded = decodeParameters(value);
  for (const w of decoded.warnings) warnings.push({ code: 'invalid-content-type', path, offset, message: `Content-Type: ${w.message}` });
  const mediaType = decoded.value.toLowerCase();
  // RFC 2045 §5.2: a syntactically invalid Content-Type is treated as text/plain.
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(mediaType)) {
    warnings.push({ code: 'invalid-content-type', path, offset, message: `Content-Type ${JSON.stringify(value)} is not type/subtype: taken as ${DEFAULT_TYPE}` });
    return { mediaType: DEFAULT_TYPE, parameters: new Map() };
  }
  const parameters = new Map<string, string>();
  for (const [name, parameter] of decoded.parameters) parameters.set(name, parameter.value);
  return { mediaType, parameters };
}

function withContent(ctx: Context, part: MimePart): MimePart {
  const body = ctx.bytes.subarray(part.body.start, part.body.end);
  part.content = decodeBody(body, part.transferEncoding, part.body.start, part.path, ctx.warnings);
  part.sha256 = sha256(part.content);
  if (part.contentType.mediaType.startsWith('text/') && !knownCharset(charsetOf(part))) {
    ctx.warnings.push({ code: 'unknown-charset', path: part.path, offset: part.header.start, message: `unknown charset ${charsetOf(part)}: content kept as bytes` });
  }
  return part;
}

/** A delimiter line found in a multipart body. */
interface Delimiter {
  /** Where the delimiter starts, including the line break before it (RFC 2046 §5.1.1: it belongs to the delimiter). */
  start: number;
  /** After the delimiter line's own line break. */
  next: number;
  close: boolean;
}

/**
 * RFC 2046 §5.1.1: body parts between `--boundary` lines, the last one closed by `--boundary--`, each
 * delimiter at the start of a line and followed only by transport padding. Returns false (the part is then
 * a leaf) when there is no boundary parameter or no delimiter at all.
 */
function parseMultipart(ctx: Context, part: MimePart, depth: number): boolean {
  const { bytes, warnings } = ctx;
  const boundary = part.contentType.parameters.get('boundary');
  if (boundary === undefined || boundary === '') {
    warnings.push({ code: 'missing-boundary', path: part.path, offset: part.header.start, message: `${part.contentType.mediaType} without a boundary parameter: kept as a leaf` });
    return false;
  }
  if (!IDENTITY_ENCODINGS.includes(part.transferEncoding)) {
    // RFC 2045 §6.4: multiparts are never encoded; be lenient and parse the body as it is.
    warnings.push({ code: 'encoded-multipart', path: part.path, offset: part.header.start, message: `multipart with Content-Transfer-Encoding ${part.transferEncoding}: ignored` });
  }
  const delimiters = findDelimiters(bytes, Buffer.from(`--${boundary}`, 'utf8'), part.body);
  if (delimiters.length === 0) {
    warnings.push({ code: 'no-delimiter', path: part.path, offset: part.body.start, message: `no --${boundary} line in the body: kept as a leaf` });
    return false;
  }
  part.preamble = { start: part.body.start, end: delimiters[0]!.start };
  const defaultType = part.contentType.mediaType === 'multipart/digest' ? DIGEST_DEFAULT_TYPE : DEFAULT_TYPE;
  for (let i = 0; i < delimiters.length; i++) {
    const d = delimiters[i]!;
    if (d.close) {
      part.epilogue = { start: d.next, end: part.body.end };
      break;
    }
    const following = delimiters[i + 1];
    const end = following ? following.start : part.body.end;
    if (!following) {
      warnings.push({ code: 'missing-final-boundary', path: part.path, offset: part.body.end, message: `no closing --${boundary}-- line: the last part runs to the end` });
    }
    const path = part.path === '' ? String(part.children.length + 1) : `${part.path}.${part.children.length + 1}`;
    part.children.push(parseEntity(ctx, { start: d.next, end }, path, defaultType, depth + 1));
  }
  return true;
}

function findDelimiters(bytes: Buffer, dashBoundary: Buffer, body: ByteRange): Delimiter[] {
  const found: Delimiter[] = [];
  let from = body.start;
  while (from < body.end) {
    const at = bytes.indexOf(dashBoundary, from);
    if (at < 0 || at + dashBoundary.length > body.end) break;
    from = at + 1;
    if (at !== body.start && bytes[at - 1] !== LF) continue;
    let i = at + dashBoundary.length;
    const close = bytes[i] === DASH && bytes[i + 1] === DASH && i + 2 <= body.end;
    if (close) i += 2;
    // RFC 2046 §5.1.1 transport-padding: only LWSP may follow on the delimiter line.
    const { next, contentEnd } = lineAt(bytes, i, body.end);
    if (!/^[ \t]*$/.test(bytes.subarray(i, contentEnd).toString('latin1'))) continue;
    let start = at;
    if (at > body.start && bytes[at - 1] === LF) start = at >= body.start + 2 && bytes[at - 2] === CR ? at - 2 : at - 1;
    found.push({ start, next, close });
    if (close) break;
    from = next;
  }
  return found;
}

/**
 * The MIME message spec of a scenario's `message: { mime: … }` (docs/scenario-format.md, "MIME messages"),
 * typed and checked: `parseMessageSpec` turns the loader's plain object into a MessageSpec or throws a
 * MailprobeError(CONFIG) naming the key at fault. Also lists the files a spec reads, so that the caller
 * (the runner) can load them: the builder itself does no I/O. Imports only util/errors.
 */
import { ErrorCode, MailprobeError } from '../../util/errors.js';

/** RFC 2045 §6.1 mechanisms. */
export const TRANSFER_ENCODINGS = ['7bit', '8bit', 'binary', 'quoted-printable', 'base64'] as const;
export type TransferEncoding = (typeof TRANSFER_ENCODINGS)[number];

/** Multipart subtypes of RFC 2046 §5.1, RFC 2387 (related) and RFC 1847 (signed, encrypted). */
export const MULTIPART_KINDS = ['mixed', 'alternative', 'related', 'parallel', 'digest', 'signed', 'encrypted'] as const;
export type MultipartKind = (typeof MULTIPART_KINDS)[number];

/** One body part: a leaf (content, file), a multipart (parts) or an enclosed message (message). */
export interface PartSpec {
  /** Content-Type with parameters; default text/plain; charset=utf-8 for content, multipart/mixed for parts. */
  type?: string;
  content?: string;
  /** Absolute path (the loader resolves it against the scenario file). */
  file?: string;
  /** The content (or file) this many times over: large bodies from a small fixture. */
  repeat?: number;
  parts?: PartSpec[];
  /** message/rfc822: the enclosed message, built by the same rules. */
  message?: MessageSpec;
  /** Content-Transfer-Encoding; chosen from the content when absent. */
  encoding?: TransferEncoding;
  filename?: string;
  disposition?: 'attachment' | 'inline';
  cid?: string;
  description?: string;
  headers?: Record<string, string>;
}

/** RFC 2046 §5.2.2: send fragment `number` of `total` of the message, as message/partial. */
export interface PartialSpec {
  number: number;
  total: number;
  /** The fragments' common id; derived from the seed when absent. */
  id?: string;
}

export interface MessageSpec {
  from?: string;
  to?: string[];
  cc?: string[];
  /** Not written: envelope recipients only. */
  bcc?: string[];
  subject?: string;
  date?: string;
  messageId?: string;
  headers?: Record<string, string>;
  text?: string;
  html?: string;
  attachments?: PartSpec[];
  /** With `parts`: the root multipart's subtype (default mixed). */
  multipart?: MultipartKind;
  parts?: PartSpec[];
  /** The root part itself (e.g. a lone image/png body). */
  body?: PartSpec;
  partial?: PartialSpec;
}

type Plain = Record<string, unknown>;

function fail(at: string, problem: string): never {
  throw new MailprobeError(ErrorCode.CONFIG, `message mime ${at}: ${problem}`);
}

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(object: Plain, allowed: readonly string[], at: string): void {
  for (const key of Object.keys(object)) if (!allowed.includes(key)) fail(at, `unknown key \`${key}\` (known: ${allowed.join(', ')})`);
}

function optionalString(object: Plain, key: string, at: string): string | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(`${at}.${key}`, 'must be a string');
  return value;
}

function addressList(object: Plain, key: string, at: string): string[] | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  fail(`${at}.${key}`, 'must be an address or a list of addresses');
}

function headerMap(object: Plain, at: string): Record<string, string> | undefined {
  const value = object['headers'];
  if (value === undefined) return undefined;
  if (!isPlain(value)) fail(`${at}.headers`, 'must be a map of name: value');
  for (const [name, text] of Object.entries(value)) {
    // RFC 5322 §2.2: a field name is printable ASCII except colon.
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) fail(`${at}.headers`, `\`${name}\` is not a header field name`);
    if (typeof text !== 'string') fail(`${at}.headers.${name}`, 'must be a string');
  }
  return value as Record<string, string>;
}

function positiveInteger(value: unknown, at: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) fail(at, 'must be a positive integer');
  return value;
}

const PART_KEYS = ['type', 'content', 'file', 'repeat', 'parts', 'message', 'encoding', 'filename', 'disposition', 'cid', 'description', 'headers'];

export function parsePartSpec(value: unknown, at: string): PartSpec {
  if (!isPlain(value)) fail(at, 'must be a map');
  checkKeys(value, PART_KEYS, at);
  const sources = ['content', 'file', 'parts', 'message'].filter((key) => value[key] !== undefined);
  if (sources.length !== 1) fail(at, 'needs exactly one of content, file, parts, message');
  const part: PartSpec = {};
  const strings = ['type', 'content', 'file', 'filename', 'cid', 'description'] as const;
  for (const key of strings) {
    const text = optionalString(value, key, at);
    if (text !== undefined) part[key] = text;
  }
  if (value['repeat'] !== undefined) {
    // A placeholder (`repeat: ${size}`) arrives as the digits it was replaced with.
    const repeat = typeof value['repeat'] === 'string' && /^\d+$/.test(value['repeat']) ? Number(value['repeat']) : value['repeat'];
    part.repeat = positiveInteger(repeat, `${at}.repeat`);
  }
  if (value['parts'] !== undefined) {
    if (!Array.isArray(value['parts']) || value['parts'].length === 0) fail(`${at}.parts`, 'must be a non-empty list of parts');
    part.parts = value['parts'].map((p, i) => parsePartSpec(p, `${at}.parts[${i}]`));
  }
  if (value['message'] !== undefined) part.message = parseMessageSpec(value['message'], `${at}.message`);
  const encoding = optionalString(value, 'encoding', at);
  if (encoding !== undefined) {
    const known = TRANSFER_ENCODINGS.find((e) => e === encoding.toLowerCase());
    if (!known) fail(`${at}.encoding`, `unknown transfer encoding ${encoding} (known: ${TRANSFER_ENCODINGS.join(', ')})`);
    part.encoding = known;
  }
  const disposition = optionalString(value, 'disposition', at);
  if (disposition !== undefined) {
    if (disposition !== 'attachment' && disposition !== 'inline') fail(`${at}.disposition`, 'must be attachment or inline');
    part.disposition = disposition;
  }
  const headers = headerMap(value, at);
  if (headers) part.headers = headers;
  return part;
}

const MESSAGE_KEYS = [
  'from', 'to', 'cc', 'bcc', 'subject', 'date', 'message_id', 'headers', 'text', 'html', 'attachments', 'multipart', 'parts', 'body', 'partial',
];

/** The spec as the loader hands it over (plain YAML values, placeholders already interpolated). */
export function parseMessageSpec(value: unknown, at = 'spec'): MessageSpec {
  if (!isPlain(value)) fail(at, 'must be a map');
  checkKeys(value, MESSAGE_KEYS, at);
  const spec: MessageSpec = {};
  for (const key of ['from', 'subject', 'date', 'text', 'html'] as const) {
    const text = optionalString(value, key, at);
    if (text !== undefined) spec[key] = text;
  }
  const messageId = optionalString(value, 'message_id', at);
  if (messageId !== undefined) spec.messageId = messageId;
  for (const key of ['to', 'cc', 'bcc'] as const) {
    const list = addressList(value, key, at);
    if (list) spec[key] = list;
  }
  const headers = headerMap(value, at);
  if (headers) spec.headers = headers;
  const bodyKeys = ['text', 'html', 'attachments'].filter((key) => value[key] !== undefined);
  const rootKeys = ['parts', 'body'].filter((key) => value[key] !== undefined);
  if (rootKeys.length > 1 || (rootKeys.length === 1 && bodyKeys.length > 0)) {
    fail(at, `${[...rootKeys, ...bodyKeys].join(', ')}: use either parts, body, or text/html/attachments`);
  }
  if (value['attachments'] !== undefined) {
    if (!Array.isArray(value['attachments'])) fail(`${at}.attachments`, 'must be a list');
    spec.attachments = value['attachments'].map((p, i) => parsePartSpec(p, `${at}.attachments[${i}]`));
  }
  if (value['parts'] !== undefined) {
    if (!Array.isArray(value['parts']) || value['parts'].length === 0) fail(`${at}.parts`, 'must be a non-empty list of parts');
    spec.parts = value['parts'].map((p, i) => parsePartSpec(p, `${at}.parts[${i}]`));
  }
  const multipart = optionalString(value, 'multipart', at);
  if (multipart !== undefined) {
    const kind = MULTIPART_KINDS.find((k) => k === multipart.toLowerCase());
    if (!kind) fail(`${at}.multipart`, `unknown multipart kind ${multipart} (known: ${MULTIPART_KINDS.join(', ')})`);
    if (spec.parts === undefined) fail(`${at}.multipart`, 'goes with parts');
    spec.multipart = kind;
  }
  if (value['body'] !== undefined) spec.body = parsePartSpec(value['body'], `${at}.body`);
  if (value['partial'] !== undefined) spec.partial = parsePartial(value['partial'], `${at}.partial`);
  return spec;
}

function parsePartial(value: unknown, at: string): PartialSpec {
  if (!isPlain(value)) fail(at, 'must be a map { number, total, id }');
  checkKeys(value, ['number', 'total', 'id'], at);
  const number = positiveInteger(value['number'], `${at}.number`);
  const total = positiveInteger(value['total'], `${at}.total`);
  if (number > total) fail(`${at}.number`, `fragment ${number} of ${total} does not exist`);
  const id = optionalString(value, 'id', at);
  return id === undefined ? { number, total } : { number, total, id };
}

/** Every file a spec reads (attachments, nested parts, enclosed messages), in order of appearance. */
export function filesOf(spec: MessageSpec): string[] {
  const files: string[] = [];
  const visitPart = (part: PartSpec): void => {
    if (part.file !== undefined) files.push(part.file);
    part.parts?.forEach(visitPart);
    if (part.message) visitMessage(part.message);
  };
  const visitMessage = (message: MessageSpec): void => {
    message.attachments?.forEach(visitPart);
    message.parts?.forEach(visitPart);
    if (message.body) visitPart(message.body);
  };
  visitMessage(spec);
  return files;
}

/**
 * FETCH ENVELOPE, BODY and BODYSTRUCTURE (RFC 3501 §7.4.2) from the structure mime.ts reads: header
 * values as stored (encoded words are left to the client, as Dovecot does), address lists cut into
 * (name adl mailbox host), one-part and multipart bodies with their extension data.
 * Pure; imports sandbox/imap modules only.
 */
import { countLines, headerValue, splitOutsideQuotes, unquote, type Entity, type HeaderField } from './mime.js';
import { list, NIL, nstring, string, type Piece } from './response.js';

interface Address {
  name?: string;
  mailbox?: string;
  host?: string;
}

/** RFC 5322 §3.4 mailbox = name-addr / addr-spec; comments dropped. */
function parseMailbox(text: string): Address {
  const angle = /^(.*?)<([^>]*)>/s.exec(text);
  const spec = (angle ? angle[2]! : text.replace(/\([^)]*\)/g, '')).trim();
  const name = angle ? unquote(angle[1]!.trim()) : undefined;
  const at = spec.lastIndexOf('@');
  const address: Address = at < 0 ? { mailbox: spec } : { mailbox: spec.slice(0, at), host: spec.slice(at + 1) };
  return name ? { ...address, name } : address;
}

// RFC 3501 §7.4.2 ENVELOPE address: a group is (NIL NIL "group" NIL) … (NIL NIL NIL NIL)
function addressList(value: string | undefined): Buffer {
  if (value === undefined || value.trim() === '') return NIL;
  const items: Buffer[] = [];
  const address = (a: Address): Buffer => list([nstring(a.name), NIL, nstring(a.mailbox), nstring(a.host)]);
  for (const part of splitOutsideQuotes(value, ',')) {
    let text = part.trim();
    const group = /^([^"<>:]*):(.*)$/s.exec(text);
    if (group) {
      items.push(address({ mailbox: group[1]!.trim() }));
      text = group[2]!.trim();
    }
    const groupEnds = text.endsWith(';');
    if (groupEnds) text = text.slice(0, -1).trim();
    if (text !== '') items.push(address(parseMailbox(text)));
    if (groupEnds || (group && text === '')) items.push(list([NIL, NIL, NIL, NIL]));
  }
  // RFC 3501 §9 env-to = "(" 1*address ")": addresses follow each other without a space.
  return items.length > 0 ? Buffer.concat([Buffer.from('('), ...items, Buffer.from(')')]) : NIL;
}

// RFC 3501 §9 envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP env-to
//   SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"
export function envelope(headers: readonly HeaderField[]): Buffer {
  const value = (name: string): string | undefined => headerValue(headers, name);
  const from = value('from');
  return list([
    nstring(value('date')),
    nstring(value('subject')),
    addressList(from),
    addressList(value('sender') ?? from),
    addressList(value('reply-to') ?? from),
    addressList(value('to')),
    addressList(value('cc')),
    addressList(value('bcc')),
    nstring(value('in-reply-to')),
    nstring(value('message-id')),
  ]);
}

// RFC 3501 §9 body-fld-param = "(" string SP string *(SP string SP string) ")" / nil
function parameters(params: readonly [string, string][]): Buffer {
  return params.length === 0 ? NIL : list(params.flatMap(([name, value]) => [string(name), string(value)]));
}

/** A header like Content-Disposition: "value; name=…" as its value and parameters. */
function valueWithParameters(text: string): { value: string; params: [string, string][] } {
  const [value = '', ...rest] = splitOutsideQuotes(text, ';');
  const params: [string, string][] = [];
  for (const parameter of rest) {
    const eq = parameter.indexOf('=');
    if (eq > 0) params.push([parameter.slice(0, eq).trim().toLowerCase(), unquote(parameter.slice(eq + 1))]);
  }
  return { value: value.trim().toLowerCase(), params };
}

// RFC 3501 §9 body-ext-1part / body-ext-mpart tail: body-fld-dsp SP body-fld-lang SP body-fld-loc
function dispositionLanguageLocation(entity: Entity): Piece[] {
  const disposition = headerValue(entity.headers, 'content-disposition');
  const parsed = disposition === undefined ? undefined : valueWithParameters(disposition);
  const language = headerValue(entity.headers, 'content-language');
  return [
    parsed ? list([string(parsed.value), parameters(parsed.params)]) : NIL,
    language === undefined ? NIL : list(language.split(',').map((tag) => string(tag.trim()))),
    nstring(headerValue(entity.headers, 'content-location')),
  ];
}

/**
 * RFC 3501 §9 body: BODYSTRUCTURE when `extensible`, else BODY (no extension data).
 * `message` holds the entity's bytes.
 */
export function bodyStructure(message: Buffer, entity: Entity, extensible: boolean): Buffer {
  if (entity.children.length > 0) {
    // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
    const parts: Piece[] = [concatParts(entity.children.map((child) => bodyStructure(message, child, extensible))), ' ', string(entity.subtype)];
    if (extensible) parts.push(' ', parameters(entity.params), ' ', ...joinWithSpaces(dispositionLanguageLocation(entity)));
    return Buffer.concat([Buffer.from('('), ...parts.map(toBuffer), Buffer.from(')')]);
  }
  const size = entity.end - entity.bodyStart;
  // body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP body-fld-octets
  const fields: Piece[] = [
    string(entity.type),
    string(entity.subtype),
    parameters(entity.params),
    nstring(headerValue(entity.headers, 'content-id')),
    nstring(headerValue(entity.headers, 'content-description')),
    string((headerValue(entity.headers, 'content-transfer-encoding') ?? '7bit').toLowerCase()),
    String(size),
  ];
  if (entity.message) {
    // body-type-msg: … SP envelope SP body SP body-fld-lines
    fields.push(envelope(entity.message.headers), bodyStructure(message, entity.message, extensible), String(countLines(message, entity.bodyStart, entity.end)));
  } else if (entity.type === 'text') {
    fields.push(String(countLines(message, entity.bodyStart, entity.end)));
  }
  // body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]]
  if (extensible) fields.push(NIL, ...dispositionLanguageLocation(entity));
  return list(fields);
}

function toBuffer(piece: Piece): Buffer {
  return typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece;
}

function joinWithSpaces(pieces: Piece[]): Piece[] {
  return pieces.flatMap((piece, i) => (i > 0 ? [' ', piece] : [piece]));
}

/** Multipart bodies follow each other without a separator (RFC 3501 §9 body-type-mpart = 1*body). */
function concatParts(parts: Buffer[]): Buffer {
  return Buffer.concat(parts);
}

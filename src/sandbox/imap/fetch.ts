/**
 * FETCH and UID FETCH (RFC 3501 §6.4.5, §7.4.2): the fetch attributes and macros, body sections with part
 * numbers, HEADER, HEADER.FIELDS [.NOT], TEXT and MIME, partial fetches "<origin.count>", and the implicit
 * \Seen of BODY[] / RFC822 (not BODY.PEEK[], not RFC822.HEADER) with FLAGS added to the response.
 * Section data is the stored bytes, always sent as a literal. Imports sandbox/imap modules only.
 */
import type { CommandContext, Completion } from './commands.js';
import { parseEntity, type Entity } from './mime.js';
import { formatDateTime, type Cursor } from './parser.js';
import { astring, concat, line, list, literalPieces, NIL, nstring, string, type Piece } from './response.js';
import { bodyStructure, envelope } from './structure.js';
import { flagList, type SelectedView, type ViewEntry } from './view.js';

type SimpleItem = 'FLAGS' | 'UID' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODY' | 'BODYSTRUCTURE';

interface Section {
  /** Part numbers, e.g. [1, 2] for "1.2"; empty for the whole message. */
  part: number[];
  text?: 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';
  fields?: string[];
}

type FetchItem =
  | { kind: 'simple'; name: SimpleItem }
  /** RFC822, RFC822.HEADER, RFC822.TEXT: a section under its RFC 1730 name. */
  | { kind: 'rfc822'; name: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT'; section: Section; setsSeen: boolean }
  | { kind: 'body'; peek: boolean; section: Section; partial?: { origin: number; count: number } };

const SEEN = '\\Seen';

/** RFC 3501 §6.4.5 macros. */
const MACROS: Readonly<Record<string, SimpleItem[]>> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

const SIMPLE_ITEMS: readonly SimpleItem[] = ['BODYSTRUCTURE', 'ENVELOPE', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'UID', 'BODY'];

// RFC 3501 §9 header-list = "(" header-fld-name *(SP header-fld-name) ")"
function headerList(args: Cursor): string[] {
  args.sp();
  args.expect('(');
  const fields: string[] = [];
  do {
    if (fields.length > 0) args.sp();
    fields.push(args.astringText());
  } while (!args.take(')'));
  return fields;
}

// RFC 3501 §9 section = "[" [section-spec] "]"
function section(args: Cursor): Section {
  const result: Section = { part: [] };
  if (args.take(']')) return result;
  while (args.atSequenceSet() && args.peek() !== 0x2a) {
    result.part.push(args.nzNumber());
    if (!args.take('.')) break;
  }
  const partEnded = result.part.length > 0 && args.peek() === 0x5d;
  if (!partEnded) {
    if (args.take('HEADER.FIELDS.NOT')) result.text = 'HEADER.FIELDS.NOT';
    else if (args.take('HEADER.FIELDS')) result.text = 'HEADER.FIELDS';
    else if (args.take('HEADER')) result.text = 'HEADER';
    else if (args.take('TEXT')) result.text = 'TEXT';
    else if (result.part.length > 0 && args.take('MIME')) result.text = 'MIME';
    else args.fail('expected a section');
    if (result.text?.startsWith('HEADER.FIELDS')) result.fields = headerList(args);
  }
  args.expect(']');
  return result;
}

// RFC 3501 §9 fetch-att
function fetchAtt(args: Cursor): FetchItem {
  const peek = args.take('BODY.PEEK[');
  if (peek || args.take('BODY[')) {
    const item: FetchItem = { kind: 'body', peek, section: section(args) };
    if (args.take('<')) {
      const origin = args.number();
      args.expect('.');
      item.partial = { origin, count: args.nzNumber() };
      args.expect('>');
    }
    return item;
  }
  for (const name of ['RFC822.HEADER', 'RFC822.TEXT'] as const) {
    if (args.takeWord(name)) return { kind: 'rfc822', name, section: { part: [], text: name === 'RFC822.HEADER' ? 'HEADER' : 'TEXT' }, setsSeen: name === 'RFC822.TEXT' };
  }
  const simple = SIMPLE_ITEMS.find((name) => args.takeWord(name));
  if (simple) return { kind: 'simple', name: simple };
  if (args.takeWord('RFC822')) return { kind: 'rfc822', name: 'RFC822', section: { part: [] }, setsSeen: true };
  return args.fail('unknown fetch attribute');
}

// RFC 3501 §9 fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")")
function fetchItems(args: Cursor): FetchItem[] {
  if (args.take('(')) {
    const items: FetchItem[] = [];
    do {
      if (items.length > 0) args.sp();
      items.push(fetchAtt(args));
    } while (!args.take(')'));
    return items;
  }
  const macro = Object.keys(MACROS).find((name) => args.takeWord(name));
  if (macro) return MACROS[macro]!.map((name) => ({ kind: 'simple', name }));
  return [fetchAtt(args)];
}

/** The entity a section's part numbers name (RFC 3501 §6.4.5), or undefined when there is none. */
function partOf(root: Entity, part: readonly number[]): Entity | undefined {
  let entity = root;
  for (const [depth, n] of part.entries()) {
    // Below the top, a message/rfc822 part's numbers name the parts of the message inside it.
    const container = depth === 0 ? root : (entity.message ?? entity);
    if (container.children.length > 0) {
      const child = container.children[n - 1];
      if (!child) return undefined;
      entity = child;
    } else if (n === 1) {
      entity = container;
    } else {
      return undefined;
    }
  }
  return entity;
}

/** The bytes a section names, exactly as stored; undefined for a part that does not exist. */
function sectionBytes(bytes: Buffer, root: Entity, wanted: Section): Buffer | undefined {
  const entity = partOf(root, wanted.part);
  if (!entity) return undefined;
  if (wanted.text === undefined) return wanted.part.length === 0 ? bytes : bytes.subarray(entity.bodyStart, entity.end);
  if (wanted.text === 'MIME') return bytes.subarray(entity.start, entity.bodyStart);
  // HEADER and TEXT of a part are those of the message it holds (message/rfc822).
  const message = wanted.part.length === 0 ? root : entity.message;
  if (!message) return Buffer.alloc(0);
  if (wanted.text === 'TEXT') return bytes.subarray(message.bodyStart, message.end);
  if (wanted.text === 'HEADER') return bytes.subarray(message.start, message.bodyStart);
  const names = new Set(wanted.fields!.map((f) => f.toLowerCase()));
  const keep = wanted.text === 'HEADER.FIELDS';
  // RFC 3501 §6.4.5: the chosen fields, then the blank line that ends a header.
  return Buffer.concat([...message.headers.filter((field) => names.has(field.name) === keep).map((field) => field.raw), Buffer.from('\r\n')]);
}

/** The section as it is named in the response: "BODY[1.HEADER.FIELDS (Subject)]". */
function sectionLabel(wanted: Section): Buffer {
  const parts = [wanted.part.join('.'), wanted.text ?? ''].filter((p) => p !== '').join('.');
  const fields = wanted.fields ? [' ', list(wanted.fields.map(astring))] : [];
  return concat([`[${parts}`, ...fields, ']']);
}

function renderItem(item: FetchItem, entry: ViewEntry, root: () => Entity): Piece[] {
  const message = entry.message;
  if (item.kind === 'rfc822') return [`${item.name} `, nstring(sectionBytes(message.bytes, root(), item.section))];
  if (item.kind === 'body') {
    let data = sectionBytes(message.bytes, root(), item.section);
    let origin = '';
    if (item.partial && data) {
      data = data.subarray(Math.min(item.partial.origin, data.length), item.partial.origin + item.partial.count);
      origin = `<${item.partial.origin}>`;
    }
    return ['BODY', sectionLabel(item.section), `${origin} `, ...(data ? literalPieces(data) : [NIL])];
  }
  switch (item.name) {
    case 'FLAGS':
      return ['FLAGS ', flagList(entry)];
    case 'UID':
      return [`UID ${message.uid}`];
    case 'INTERNALDATE':
      return ['INTERNALDATE ', string(formatDateTime(message.internalDate))];
    case 'RFC822.SIZE':
      return [`RFC822.SIZE ${message.bytes.length}`];
    case 'ENVELOPE':
      return ['ENVELOPE ', envelope(root().headers)];
    case 'BODY':
      return ['BODY ', bodyStructure(message.bytes, root(), false)];
    case 'BODYSTRUCTURE':
      return ['BODYSTRUCTURE ', bodyStructure(message.bytes, root(), true)];
  }
}

function setsSeen(item: FetchItem): boolean {
  return (item.kind === 'body' && !item.peek) || (item.kind === 'rfc822' && item.setsSeen);
}

/** Marks the message \Seen when an item asks for it; true when its flags changed. */
function markSeen(context: CommandContext, view: SelectedView, entry: ViewEntry): boolean {
  if (view.readOnly || entry.expunged || entry.message.flags.has(SEEN)) return false;
  const { store } = context.session.context;
  entry.message = view.own(() => store.setFlags(view.user, view.mailbox, entry.message.uid, [...entry.message.flags, SEEN]));
  return true;
}

// RFC 3501 §6.4.5 FETCH / §6.4.8 UID FETCH (which always returns UID)
export function fetch(context: CommandContext): Completion {
  const { args, session } = context;
  args.sp();
  const set = args.sequenceSet();
  args.sp();
  let items = fetchItems(args);
  args.end();
  const view = session.view!;
  if (context.uid && !items.some((item) => item.kind === 'simple' && item.name === 'UID')) items = [{ kind: 'simple', name: 'UID' }, ...items];
  const seen = items.some(setsSeen);
  const out: Buffer[] = [];
  for (const index of view.resolve(set, context.uid)) {
    const entry = view.entries[index]!;
    let shown = items;
    if (seen && markSeen(context, view, entry) && !items.some((item) => item.kind === 'simple' && item.name === 'FLAGS')) {
      shown = [...items, { kind: 'simple', name: 'FLAGS' }];
    }
    let entity: Entity | undefined;
    const root = (): Entity => (entity ??= parseEntity(entry.message.bytes));
    const rendered = shown.flatMap((item, i) => [...(i > 0 ? [' '] : []), ...renderItem(item, entry, root)]);
    out.push(line(`* ${index + 1} FETCH (`, ...rendered, ')'));
  }
  // One write per command; one response line (a whole message, often) is written as it is, not copied.
  session.write(out.length === 1 ? out[0]! : Buffer.concat(out));
  return { text: 'Fetch completed' };
}

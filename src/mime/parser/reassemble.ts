/**
 * Reassembling message/partial fragments (RFC 2046 §5.2.2.1): checks that the fragments share one id,
 * agree on the total (stated at least by the last, §5.2.2) and number 1…total once each, in any order;
 * then joins their bodies in number order and merges the headers as the RFC says. Every problem is one
 * sentence naming the fragment by its number and, when the caller names the inputs, by that name.
 * Returns the problems instead of throwing. Pure; imports parser modules only.
 */
import { parseHeaderSection } from './header.js';
import { parseMessage } from './parse.js';
import type { ByteRange, HeaderField, ParseWarning } from './types.js';

/** One input that is a message/partial with an id and a number. */
export interface PartialFragment {
  /** Its position in the list given to reassemblePartial. */
  index: number;
  id: string;
  number: number;
  /** Absent when the fragment does not state it (allowed, except on the last). */
  total?: number;
  /** The fragment's whole message, which `fields` and `body` point into. */
  bytes: Buffer;
  fields: HeaderField[];
  body: ByteRange;
}

export interface Reassembly {
  /** The reassembled message; undefined when the fragments do not make one. */
  message?: Buffer;
  /** Why they do not, one sentence each. */
  problems: string[];
  /** The inputs that are message/partial fragments, by number (inputs of one number in list order). */
  fragments: PartialFragment[];
}

/** How many missing fragment numbers a problem lists by number. */
const MAX_LISTED_MISSING = 10;

/** §5.2.2.1 (2) and (3): the fields the enclosed message supplies; the first enclosing message gives the others. */
function isEnclosedField(key: string): boolean {
  return key.startsWith('content-') || key === 'subject' || key === 'message-id' || key === 'encrypted' || key === 'mime-version';
}

/** "1", "1 and 3", "1, 2 and 4". */
function listed(items: readonly (string | number)[]): string {
  return items.length <= 1 ? String(items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${String(items.at(-1))}`;
}

/** The input itself: its name, or its place in the list. */
function inputName(index: number, names: readonly string[]): string {
  return names[index] ?? `message ${index + 1} of the list`;
}

/** "fragment 2 (${imap_2})": its number and the name of its input; "fragment 2" when inputs have no names. */
export function fragmentName(f: PartialFragment, names: readonly string[]): string {
  const name = names[f.index];
  return name === undefined ? `fragment ${f.number}` : `fragment ${f.number} (${name})`;
}

/** RFC 2046 §5.2.2: message/partial with the parameters id and number (1-based), total where given. */
function fragmentOf(bytes: Buffer, index: number, names: readonly string[], problems: string[]): PartialFragment | undefined {
  const { root } = parseMessage(bytes);
  if (root.contentType.mediaType !== 'message/partial') {
    problems.push(`${inputName(index, names)} is ${root.contentType.mediaType}, not message/partial`);
    return undefined;
  }
  const p = root.contentType.parameters;
  const id = p.get('id');
  const number = Number(p.get('number'));
  const total = p.get('total') === undefined ? undefined : Number(p.get('total'));
  const bad: string[] = [];
  if (id === undefined || id === '') bad.push('no id parameter');
  if (!Number.isInteger(number) || number < 1) bad.push(`no valid number parameter (${p.get('number') ?? 'absent'})`);
  if (total !== undefined && (!Number.isInteger(total) || total < 1)) bad.push(`an invalid total parameter (${p.get('total')!})`);
  if (bad.length > 0) {
    problems.push(`${inputName(index, names)} has ${listed(bad)}`);
    return undefined;
  }
  return { index, id: id!, number, ...(total !== undefined && { total }), bytes, fields: root.headers, body: root.body };
}

/** Every fragment must carry the id of the lowest-numbered one. */
function checkIds(fragments: readonly PartialFragment[], names: readonly string[], problems: string[]): void {
  const first = fragments[0]!;
  for (const f of fragments) {
    if (f.id !== first.id) problems.push(`${fragmentName(f, names)} has id "${f.id}", not "${first.id}" like ${fragmentName(first, names)}`);
  }
}

/** The total the fragments state (the lowest-numbered statement wins); undefined when none states one. */
function checkTotal(fragments: readonly PartialFragment[], names: readonly string[], problems: string[]): number | undefined {
  const stating = fragments.filter((f) => f.total !== undefined);
  const reference = stating[0];
  if (!reference) {
    problems.push('no fragment states the total (RFC 2046 §5.2.2 requires it at least on the last)');
    return undefined;
  }
  for (const f of stating) {
    if (f.total !== reference.total) problems.push(`${fragmentName(f, names)} says total=${f.total!}, not ${reference.total!} like ${fragmentName(reference, names)}`);
  }
  const last = fragments.find((f) => f.number === reference.total);
  if (last && last.total === undefined) problems.push(`${fragmentName(last, names)} is the last but does not state the total (RFC 2046 §5.2.2 requires it there)`);
  return reference.total;
}

/** Numbers 1…total once each: the fragment of each number, or undefined after reporting what is wrong. */
function checkNumbers(fragments: readonly PartialFragment[], total: number, names: readonly string[], problems: string[]): PartialFragment[] | undefined {
  const byNumber = new Map<number, PartialFragment[]>();
  for (const f of fragments) byNumber.set(f.number, [...(byNumber.get(f.number) ?? []), f]);
  for (const [number, same] of byNumber) {
    if (same.length > 1) problems.push(`fragment ${number} appears ${same.length === 2 ? 'twice' : `${same.length} times`}: ${listed(same.map((f) => inputName(f.index, names)))}`);
    if (number > total) problems.push(`${fragmentName(same[0]!, names)} is beyond the total of ${total}`);
  }
  // A total a server made up (total=999999999) must not make us list or allocate that many.
  const missingCount = total - [...byNumber.keys()].filter((n) => n <= total).length;
  const missing: number[] = [];
  for (let n = 1; n <= total && missing.length < MAX_LISTED_MISSING; n++) if (!byNumber.has(n)) missing.push(n);
  if (missingCount > MAX_LISTED_MISSING) {
    problems.push(`${missingCount} of ${total} fragments are missing, the first ${listed(missing)}`);
  } else if (missingCount > 0) {
    problems.push(`fragment${missingCount > 1 ? 's' : ''} ${listed(missing)} of ${total} ${missingCount > 1 ? 'are' : 'is'} missing`);
  }
  return problems.length > 0 ? undefined : Array.from({ length: total }, (_, i) => byNumber.get(i + 1)![0]!);
}

/** §5.2.2.1 (2)–(4): the header of the reassembled message, then the enclosed message's body. */
function merge(ordered: readonly PartialFragment[]): Buffer {
  const enclosed = Buffer.concat(ordered.map((f) => f.bytes.subarray(f.body.start, f.body.end)));
  const first = ordered[0]!;
  const warnings: ParseWarning[] = [];
  const inner = parseHeaderSection(enclosed, 0, enclosed.length, '', warnings);
  const header: Buffer[] = [];
  // (2) the first enclosing message's fields, except those the enclosed message supplies; (4) later ones are dropped.
  for (const f of first.fields) if (!isEnclosedField(f.key)) header.push(first.bytes.subarray(f.raw.start, f.raw.end));
  // (3) the enclosed message's Content-*, Subject, Message-ID, Encrypted and MIME-Version, in order; others dropped.
  for (const f of inner.fields) if (isEnclosedField(f.key)) header.push(enclosed.subarray(f.raw.start, f.raw.end));
  header.push(Buffer.from('\r\n'));
  return Buffer.concat([...header, enclosed.subarray(inner.bodyStart)]);
}

/**
 * The message the fragments make, or the problems that keep them apart. `names` name the inputs in
 * problems (e.g. the scenario variables that hold them); without them, inputs are named by position.
 */
export function reassemblePartial(inputs: readonly Buffer[], names: readonly string[] = []): Reassembly {
  const problems: string[] = [];
  const fragments = inputs
    .map((bytes, i) => fragmentOf(bytes, i, names, problems))
    .filter((f): f is PartialFragment => f !== undefined)
    .sort((a, b) => a.number - b.number || a.index - b.index);
  if (fragments.length === 0) return { problems: problems.length > 0 ? problems : ['no fragments'], fragments };
  checkIds(fragments, names, problems);
  const total = checkTotal(fragments, names, problems) ?? Math.max(...fragments.map((f) => f.number));
  const ordered = checkNumbers(fragments, total, names, problems);
  if (!ordered || problems.length > 0) return { problems, fragments };
  return { message: merge(ordered), problems, fragments };
}

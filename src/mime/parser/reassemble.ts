/**
 * Reassembling message/partial fragments (RFC 2046 §5.2.2.1): checks that the fragments share one id and
 * total and number 1…total once each, then joins their bodies and merges the headers as the RFC says.
 * Returns the problems instead of throwing. Pure; imports parser modules only.
 */
import { parseHeaderSection } from './header.js';
import { parseMessage } from './parse.js';
import type { HeaderField, ParseWarning } from './types.js';

export interface Reassembly {
  /** The reassembled message; undefined when the fragments do not make one. */
  message?: Buffer;
  /** Why they do not (or what is odd about them), one sentence each. */
  problems: string[];
}

interface Fragment {
  id: string;
  number: number;
  total: number;
  /** The fragment's whole message, which its fields' ranges point into. */
  bytes: Buffer;
  fields: HeaderField[];
  body: Buffer;
}

/** §5.2.2.1 (2): the enclosed message's own fields that survive into the reassembled one. */
function isEnclosedField(key: string): boolean {
  return key.startsWith('content-') || key === 'subject' || key === 'message-id' || key === 'encrypted' || key === 'mime-version';
}

function fragmentOf(bytes: Buffer, index: number, problems: string[]): Fragment | undefined {
  const { root } = parseMessage(bytes);
  if (root.contentType.mediaType !== 'message/partial') {
    problems.push(`fragment ${index + 1} is ${root.contentType.mediaType}, not message/partial`);
    return undefined;
  }
  const p = root.contentType.parameters;
  const id = p.get('id');
  const number = Number(p.get('number'));
  const total = p.get('total') === undefined ? undefined : Number(p.get('total'));
  if (id === undefined || !Number.isInteger(number) || number < 1) {
    problems.push(`fragment ${index + 1} lacks a valid id or number parameter`);
    return undefined;
  }
  return {
    id,
    number,
    total: total !== undefined && Number.isInteger(total) ? total : 0,
    bytes,
    fields: root.headers,
    body: bytes.subarray(root.body.start, root.body.end),
  };
}

export function reassemblePartial(fragments: readonly Buffer[]): Reassembly {
  const problems: string[] = [];
  const parsed = fragments.map((f, i) => fragmentOf(f, i, problems)).filter((f): f is Fragment => f !== undefined);
  if (problems.length > 0) return { problems };
  const ids = new Set(parsed.map((f) => f.id));
  if (ids.size > 1) problems.push(`fragments carry different ids: ${[...ids].join(', ')}`);
  // §5.2.2: total is required at least in the last fragment; the others may omit it.
  const totals = new Set(parsed.map((f) => f.total).filter((t) => t > 0));
  if (totals.size !== 1) problems.push(totals.size === 0 ? 'no fragment says the total' : `fragments disagree on the total: ${[...totals].join(', ')}`);
  const total = totals.size === 1 ? [...totals][0]! : parsed.length;
  const byNumber = new Map<number, Fragment>();
  for (const f of parsed) {
    if (byNumber.has(f.number)) problems.push(`fragment ${f.number} appears twice`);
    else if (f.number > total) problems.push(`fragment ${f.number} is beyond the total of ${total}`);
    byNumber.set(f.number, f);
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((n) => !byNumber.has(n));
  if (missing.length > 0) problems.push(`fragment${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${total} missing`);
  if (problems.length > 0) return { problems };
  const enclosed = Buffer.concat(Array.from({ length: total }, (_, i) => byNumber.get(i + 1)!.body));
  const first = byNumber.get(1)!;
  const warnings: ParseWarning[] = [];
  const inner = parseHeaderSection(enclosed, 0, enclosed.length, '', warnings);
  const header: Buffer[] = [];
  // §5.2.2.1 (1): the first fragment's fields, except those the enclosed message supplies; (3) later fragments' are ignored.
  for (const f of first.fields) if (!isEnclosedField(f.key)) header.push(first.bytes.subarray(f.raw.start, f.raw.end));
  for (const f of inner.fields) if (isEnclosedField(f.key)) header.push(enclosed.subarray(f.raw.start, f.raw.end));
  header.push(Buffer.from('\r\n'));
  return { message: Buffer.concat([...header, enclosed.subarray(inner.bodyStart)]), problems };
}

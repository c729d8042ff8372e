/**
 * Round trips over message/partial fragments (RFC 2046 §5.2.2): each side of a comparison is one message
 * or the fragments of one. A list of fragments is reassembled (§5.2.2.1, parser/reassemble.ts), whatever
 * order it arrived in; when both sides are lists, the fragments of each number are also compared as they
 * travelled, so that a report can say which fragment a server changed and at which byte. Pure; imports
 * the parser and the comparison helpers.
 */
import { fragmentName, reassemblePartial, type PartialFragment } from '../parser/reassemble.js';
import { locateExactDifference, type LocatedDifference } from './locate.js';

/** One message, or the fragments of one with the names a report gives them (e.g. "${imap_frag2}"). */
export type MessageSide = { message: Buffer } | { fragments: readonly Buffer[]; names: readonly string[] };

export interface FragmentChange {
  /** "fragment 2 (${imap_frag2})": the received fragment, by number and name. */
  fragment: string;
  /** The first difference between the sent and the received fragment (trace and ignored headers aside). */
  difference: LocatedDifference;
}

export interface UnassembledSide {
  side: 'sent' | 'received';
  /** One sentence per problem (reassemble.ts). */
  problems: string[];
}

export interface ReassembledSides {
  /** The sent message, as given or reassembled; undefined when its fragments do not reassemble. */
  sent?: Buffer;
  received?: Buffer;
  unassembled: UnassembledSide[];
  /** Fragments of the same number that differ, by number; only when both sides are lists. */
  changes: FragmentChange[];
}

function firstOfEachNumber(fragments: readonly PartialFragment[]): Map<number, PartialFragment> {
  const byNumber = new Map<number, PartialFragment>();
  for (const f of fragments) if (!byNumber.has(f.number)) byNumber.set(f.number, f);
  return byNumber;
}

/**
 * Both sides as whole messages, what keeps a list from reassembling, and which fragments changed in
 * transit (trace headers and `ignoreHeaders` left out, as in compareExact).
 */
export function reassembleSides(sent: MessageSide, received: MessageSide, ignoreHeaders: readonly string[] = []): ReassembledSides {
  const result: ReassembledSides = { unassembled: [], changes: [] };
  if ('message' in sent) result.sent = sent.message;
  if ('message' in received) result.received = received.message;
  const sentSet = 'fragments' in sent ? reassemblePartial(sent.fragments, sent.names) : undefined;
  const receivedSet = 'fragments' in received ? reassemblePartial(received.fragments, received.names) : undefined;
  for (const [side, set] of [['sent', sentSet], ['received', receivedSet]] as const) {
    if (!set) continue;
    if (set.message) result[side] = set.message;
    else result.unassembled.push({ side, problems: set.problems });
  }
  if (sentSet && receivedSet && 'names' in received) {
    // Fragments pair by number, whatever order they came in; of a duplicated number the first listed.
    const sentByNumber = firstOfEachNumber(sentSet.fragments);
    for (const r of firstOfEachNumber(receivedSet.fragments).values()) {
      const s = sentByNumber.get(r.number);
      if (!s) continue;
      const difference = locateExactDifference(s.bytes, r.bytes, ignoreHeaders);
      if (difference) result.changes.push({ fragment: fragmentName(r, received.names), difference });
    }
  }
  return result;
}

/** "fragment 2 (${imap_frag2}) changed at byte 812 (line 14 of the sent fragment, in the body of …)". */
export function describeChange(change: FragmentChange): string {
  const d = change.difference;
  return `${change.fragment} changed at byte ${d.offset} (line ${d.line} of the sent fragment, ${d.where})`;
}

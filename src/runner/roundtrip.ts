/**
 * The `roundtrip` step: compares two kept messages (a message sent `as:` a name, a body captured on
 * another session) and turns a difference into an assertion failure. A side may be a list of kept
 * message/partial fragments: it is reassembled first (RFC 2046 §5.2.2.1), and the report says what keeps
 * fragments from reassembling, which fragment changed in transit, then how the messages differ.
 */
import type { RoundtripStep } from '../scenario/types.js';
import type { Failure } from '../results/types.js';
import { AssertCode } from '../results/types.js';
import { exactReference } from '../scenario/interpolate.js';
import { compareStructural, type StructuralDifference } from '../mime/index.js';
import { locateExactDifference } from '../mime/compare/locate.js';
import { describeChange, reassembleSides, type MessageSide, type ReassembledSides } from '../mime/compare/fragments.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';
import type { Scope } from './scope.js';

function messageOf(scope: Scope, template: string, role: string): Buffer {
  const name = exactReference(template);
  const value = name === undefined ? scope.text(template) : scope.resolve(name);
  if (value === undefined) throw new MailprobeError(ErrorCode.CONFIG, `roundtrip ${role}: ${template} has no value yet`);
  return typeof value === 'string' ? Buffer.from(value, 'latin1') : value.bytes;
}

function sideOf(scope: Scope, side: string | string[], role: string): MessageSide {
  if (typeof side === 'string') return { message: messageOf(scope, side, role) };
  return { fragments: side.map((template) => messageOf(scope, template, role)), names: side };
}

/** One part of a failure message: its lines, and the excerpts of the first difference it names. */
interface Finding {
  lines: string[];
  expected?: string;
  actual?: string;
}

export function compareMessages(scope: Scope, step: RoundtripStep): Failure | undefined {
  const sides = reassembleSides(sideOf(scope, step.sent, 'sent'), sideOf(scope, step.received, 'received'), step.ignoreHeaders);
  const fragmentLists = typeof step.sent !== 'string' || typeof step.received !== 'string';
  let comparison: Finding | undefined;
  if (sides.sent && sides.received) {
    comparison = step.mode === 'structural'
      ? structuralFinding(compareStructural(sides.sent, sides.received, { ignoreHeaders: step.ignoreHeaders }), fragmentLists)
      : exactFinding(sides.sent, sides.received, step.ignoreHeaders, fragmentLists);
  }
  // A changed fragment fails an exact round trip; in structural mode it only says where a failure came from.
  const failing = comparison !== undefined || sides.unassembled.length > 0;
  const changes = step.mode === 'exact' || failing ? changedFragments(sides) : [];
  const findings = [...unassembled(sides), ...changes, ...(comparison ? [comparison] : [])];
  if (findings.length === 0) return undefined;
  const first = findings.find((f) => f.expected !== undefined);
  return {
    kind: 'assertion',
    code: AssertCode.ROUNDTRIP,
    message: findings.flatMap((f) => f.lines).join('\n'),
    ...(first?.expected !== undefined && { expected: first.expected }),
    ...(first?.actual !== undefined && { actual: first.actual }),
  };
}

function unassembled(sides: ReassembledSides): Finding[] {
  return sides.unassembled.map(({ side, problems }) => ({
    lines: [`the ${side} fragments do not reassemble (RFC 2046 §5.2.2.1):`, ...problems.map((p) => `- ${p}`)],
  }));
}

function changedFragments({ changes }: ReassembledSides): Finding[] {
  if (changes.length === 0) return [];
  return [{
    lines: [`${changes.length} fragment${changes.length > 1 ? 's' : ''} changed in transit:`, ...changes.map((c) => `- ${describeChange(c)}`)],
    expected: changes[0]!.difference.sent,
    actual: changes[0]!.difference.received,
  }];
}

function exactFinding(sent: Buffer, received: Buffer, ignoreHeaders: readonly string[], fragmentLists: boolean): Finding | undefined {
  const diff = locateExactDifference(sent, received, ignoreHeaders);
  if (!diff) return undefined;
  return {
    lines: [`${fragmentLists ? 'the reassembled ' : ''}messages differ at byte ${diff.offset} (line ${diff.line} of the sent message, ${diff.where})`],
    expected: diff.sent,
    actual: diff.received,
  };
}

/**
 * Structural mode fails on the breaking differences; the allowed ones (refolded headers, another transfer
 * encoding or boundary with the same content) are listed after them, so the report says all that changed.
 */
function structuralFinding(differences: readonly StructuralDifference[], fragmentLists: boolean): Finding | undefined {
  const breaking = differences.filter((d) => d.breaking);
  if (breaking.length === 0) return undefined;
  const allowed = differences.filter((d) => !d.breaking);
  const count = `${breaking.length} structural difference${breaking.length > 1 ? 's' : ''}`;
  const lines = [`${count} between the sent and the received message${fragmentLists ? ' (reassembled)' : ''}:`, ...breaking.map((d) => `- ${d.message}`)];
  if (allowed.length > 0) lines.push('also (allowed in structural mode):', ...allowed.map((d) => `- ${d.message}`));
  const first = breaking[0]!;
  return { lines, ...(first.expected !== undefined && { expected: first.expected }), ...(first.actual !== undefined && { actual: first.actual }) };
}

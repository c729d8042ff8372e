/**
 * The `roundtrip` step: compares two kept messages (a message sent `as:` a name, a body captured on
 * another session) and turns a difference into an assertion failure.
 */
import type { RoundtripStep } from '../scenario/types.js';
import type { Failure } from '../results/types.js';
import { AssertCode } from '../results/types.js';
import { exactReference } from '../scenario/interpolate.js';
import { compareExact, stripHeaders, TRACE_HEADERS } from '../mime/compare.js';
import { compareStructural, parseMessage, type StructuralDifference } from '../mime/index.js';
import { describeOffset } from '../mime/compare/locate.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';
import type { Scope } from './scope.js';

function messageOf(scope: Scope, template: string, role: string): Buffer {
  const name = exactReference(template);
  const value = name === undefined ? scope.text(template) : scope.resolve(name);
  if (value === undefined) throw new MailprobeError(ErrorCode.CONFIG, `roundtrip ${role}: ${template} has no value yet`);
  return typeof value === 'string' ? Buffer.from(value, 'latin1') : value.bytes;
}

export function compareMessages(scope: Scope, step: RoundtripStep): Failure | undefined {
  if (step.mode === 'structural') {
    const differences = compareStructural(messageOf(scope, step.sent, 'sent'), messageOf(scope, step.received, 'received'), { ignoreHeaders: step.ignoreHeaders });
    return structuralFailure(differences);
  }
  const sent = messageOf(scope, step.sent, 'sent');
  const diff = compareExact(sent, messageOf(scope, step.received, 'received'), step.ignoreHeaders);
  if (!diff) return undefined;
  // The offset is in the sent message without the ignored headers: parse that to name the part.
  const where = describeOffset(parseMessage(stripHeaders(sent, [...TRACE_HEADERS, ...step.ignoreHeaders])), diff.offset);
  return {
    kind: 'assertion',
    code: AssertCode.ROUNDTRIP,
    message: `messages differ at byte ${diff.offset} (line ${diff.line} of the sent message, ${where})`,
    expected: diff.sent,
    actual: diff.received,
  };
}

/**
 * Structural mode fails on the breaking differences; the allowed ones (refolded headers, another transfer
 * encoding or boundary with the same content) are listed after them, so the report says all that changed.
 */
function structuralFailure(differences: readonly StructuralDifference[]): Failure | undefined {
  const breaking = differences.filter((d) => d.breaking);
  if (breaking.length === 0) return undefined;
  const allowed = differences.filter((d) => !d.breaking);
  const lines = breaking.map((d) => `- ${d.message}`);
  if (allowed.length > 0) lines.push('also (allowed in structural mode):', ...allowed.map((d) => `- ${d.message}`));
  const first = breaking[0]!;
  return {
    kind: 'assertion',
    code: AssertCode.ROUNDTRIP,
    message: `${breaking.length} structural difference${breaking.length > 1 ? 's' : ''} between the sent and the received message:\n${lines.join('\n')}`,
    ...(first.expected !== undefined && { expected: first.expected }),
    ...(first.actual !== undefined && { actual: first.actual }),
  };
}

/**
 * The `roundtrip` step: compares two kept messages (a message sent `as:` a name, a body captured on
 * another session) and turns a difference into an assertion failure.
 */
import type { RoundtripStep } from '../scenario/types.js';
import type { Failure } from '../results/types.js';
import { AssertCode } from '../results/types.js';
import { exactReference } from '../scenario/interpolate.js';
import { compareExact } from '../mime/compare.js';
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
    throw new MailprobeError(ErrorCode.UNSUPPORTED, 'roundtrip mode structural needs the MIME parser, which this version does not have yet; use mode: exact');
  }
  const diff = compareExact(messageOf(scope, step.sent, 'sent'), messageOf(scope, step.received, 'received'), step.ignoreHeaders);
  if (!diff) return undefined;
  return {
    kind: 'assertion',
    code: AssertCode.ROUNDTRIP,
    message: `messages differ at byte ${diff.offset} (line ${diff.line} of the sent message)`,
    expected: diff.sent,
    actual: diff.received,
  };
}

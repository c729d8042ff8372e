/**
 * Runs an `audit:` step: the pinned audit checks against the session's resolved target (audit/pin, the same
 * code as `mailprobe audit`), each finding recorded in the transcript under "SESSION:audit" — the exchange
 * behind a finding that is not as pinned in full — and a mismatch turned into an MP_ASSERT_AUDIT failure.
 * The runner knows no check: it hands over ids, levels and the pattern. Imports audit/pin, results, wire types.
 */
import { runPinnedAudit, type PinnedAudit } from '../audit/pin.js';
import type { Protocol } from '../scenario/types.js';
import { AssertCode } from '../results/types.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';
import type { TranscriptSink } from '../wire/types.js';
import type { StepOutcome } from './step-modifiers.js';

/** What audit/pin needs, with the session's protocol as the scenario names it, and where findings go. */
export type AuditStepContext = Omit<PinnedAudit, 'protocol'> & { protocol: Protocol; sink: TranscriptSink };

export async function runAuditStep(step: AuditStepContext): Promise<StepOutcome> {
  const { protocol } = step;
  // The loader refuses audit steps on HTTP sessions; this keeps the type honest.
  if (protocol === 'http') throw new MailprobeError(ErrorCode.CONFIG, 'audit steps run on SMTP, IMAP and POP3 sessions');
  const { findings, mismatch } = await runPinnedAudit({ ...step, protocol });
  const off = new Set(mismatch?.off);
  for (const finding of findings) {
    step.sink.record('i', `audit ${finding.id}: ${finding.level}: ${finding.summary}`);
    if (off.has(finding)) for (const entry of finding.evidence) step.sink.record(entry.dir, entry.text);
  }
  if (!mismatch) return {};
  const { message, expected, actual } = mismatch;
  return { failure: { kind: 'assertion', code: AssertCode.AUDIT, message, expected, actual } };
}

/**
 * An IDLE's `during:` steps as the IMAP engine runs them (protocols' IdleDuring), and the delivery
 * (submit→visible) latency they measure: from the reply to the last message step among them — the server
 * took the submission — or, with no message step, from their end, to the untagged line that matched. A line
 * that came before that reply counts as 0 (a server may store a message before its reply reaches us).
 * Imports protocols/types, results/types and util only.
 */
import type { IdleDuring } from '../protocols/types.js';
import type { StepResult } from '../results/types.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';

const now = (): bigint => process.hrtime.bigint();

export class DeliveryClock implements IdleDuring {
  private submittedNs: bigint | undefined;
  private matchedNs: bigint | undefined;

  /** `runNested(k)` runs the k-th of `count` nested steps and returns its result. */
  constructor(
    private readonly count: number,
    private readonly runNested: (k: number) => Promise<StepResult>,
  ) {}

  async run(): Promise<void> {
    let lastMessageNs: bigint | undefined;
    for (let k = 0; k < this.count; k++) {
      const result = await this.runNested(k);
      if (result.outcome !== 'passed' && result.outcome !== 'skipped') {
        throw new MailprobeError(ErrorCode.INTERRUPTED, `step ${result.index} inside \`during\` did not pass: IDLE abandoned`);
      }
      if (result.kind === 'message' && result.outcome === 'passed') lastMessageNs = now();
    }
    this.submittedNs = lastMessageNs ?? now();
  }

  matched(): void {
    this.matchedNs ??= now();
  }

  /** Milliseconds from the submission to the matching line; undefined until both happened. */
  latencyMs(): number | undefined {
    if (this.submittedNs === undefined || this.matchedNs === undefined) return undefined;
    return Math.max(0, Number(this.matchedNs - this.submittedNs) / 1e6);
  }
}

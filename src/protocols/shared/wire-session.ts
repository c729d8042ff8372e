/**
 * What every session over a wire Connection shares: performing a step (the protocol's dispatch, its
 * result turned into a Reply, any failure into a MailprobeError), closing, and the two steps that only
 * end the connection (`close`, `expect_close`). A protocol's session keeps only its protocol.
 * Imports wire/ and util/; never node:net / node:tls.
 */
import { toMailprobeError } from '../../util/errors.js';
import type { Connection } from '../../wire/connection.js';
import type { ProtocolSession, Reply, StepAction, StepContext } from '../types.js';

/** The step actions a protocol's session performs itself: all but the ones that end the connection. */
export type ProtocolAction = Exclude<StepAction, { kind: 'close' | 'expect_close' }>;

function rethrowAsMailprobeError(err: unknown): never {
  throw toMailprobeError(err);
}

function nothingRead(): undefined {
  return undefined;
}

export abstract class WireSession<Result> implements ProtocolSession {
  /**
   * `replyOf` is a module-level function, not a method: `perform` hands it to `then` as it is, so that a
   * step costs no closure and no promise beyond its own (SMTP is `mailprobe load`'s hot path).
   */
  protected constructor(
    protected readonly connection: Connection,
    private readonly replyOf: (result: Result | undefined) => Reply | undefined,
  ) {}

  /** Not async: a step's promise is its dispatch's own, mapped once. */
  perform(action: StepAction, ctx: StepContext): Promise<Reply | undefined> {
    try {
      switch (action.kind) {
        case 'close':
          return this.connection.close().then(nothingRead, rethrowAsMailprobeError);
        case 'expect_close': {
          const wait = { timeoutMs: ctx.timeoutMs, signal: ctx.signal, waitingFor: 'waiting for the server to close the connection' };
          return this.connection.readUntilClose(wait).then(nothingRead, rethrowAsMailprobeError);
        }
        default:
          return this.dispatch(action, ctx).then(this.replyOf, rethrowAsMailprobeError);
      }
    } catch (err) {
      return Promise.reject(toMailprobeError(err));
    }
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  /** Performs one protocol step and returns what it read (undefined when it read nothing). May throw. */
  protected abstract dispatch(action: ProtocolAction, ctx: StepContext): Promise<Result | undefined>;
}

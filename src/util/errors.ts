/**
 * Errors with stable codes. Every failure mailprobe reports carries one of these codes, so that reports and
 * users can tell a stalled server (MP_ERR_TIMEOUT) from a dropped one (MP_ERR_CLOSED) or a broken reply
 * (MP_ERR_PROTOCOL). A failed expectation is not an error: see results/types.ts `Failure.kind`.
 * Imports nothing.
 */

export const ErrorCode = {
  /** A read got no bytes within its timeout. */
  TIMEOUT: 'MP_ERR_TIMEOUT',
  /** The scenario ran past its deadline. */
  DEADLINE: 'MP_ERR_DEADLINE',
  /** The peer closed (or reset) the connection while we needed more. */
  CLOSED: 'MP_ERR_CLOSED',
  /** TCP connect failed (refused, unreachable, DNS). */
  CONNECT: 'MP_ERR_CONNECT',
  /** TLS handshake or certificate verification failed. */
  TLS: 'MP_ERR_TLS',
  /** The peer sent bytes the protocol cannot parse. */
  PROTOCOL: 'MP_ERR_PROTOCOL',
  /** A named limit (line length, reply lines, literal size …) was exceeded. */
  LIMIT: 'MP_ERR_LIMIT',
  /** A scenario file is malformed (YAML, schema, variables …). */
  SCENARIO: 'MP_ERR_SCENARIO',
  /** A value needed at run time is missing (unknown variable, missing file, no target). */
  CONFIG: 'MP_ERR_CONFIG',
  /** The run was interrupted (SIGINT) before this finished. */
  INTERRUPTED: 'MP_ERR_INTERRUPTED',
  /** A step kind the session's protocol does not support. */
  UNSUPPORTED: 'MP_ERR_UNSUPPORTED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class MailprobeError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MailprobeError';
    this.code = code;
  }
}

/** A named limit was exceeded: one shape for every refusal (habit: limits.ts). */
export class LimitError extends MailprobeError {
  readonly limit: string;
  readonly max: number;
  readonly actual: number;
  constructor(limit: string, max: number, actual: number, message: string) {
    super(ErrorCode.LIMIT, message);
    this.name = 'LimitError';
    this.limit = limit;
    this.max = max;
    this.actual = actual;
  }
}

/** The peer's bytes do not parse; `offset` is where in the reply parsing stopped. */
export class ProtocolError extends MailprobeError {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(ErrorCode.PROTOCOL, `${message} (at offset ${offset})`);
    this.name = 'ProtocolError';
    this.offset = offset;
  }
}

export function isMailprobeError(err: unknown): err is MailprobeError {
  return err instanceof MailprobeError;
}

/** Any thrown value as a MailprobeError, keeping codes we set and naming the rest by what Node says. */
export function toMailprobeError(err: unknown, fallback: ErrorCode = ErrorCode.PROTOCOL): MailprobeError {
  if (err instanceof MailprobeError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new MailprobeError(fallback, message, { cause: err });
}

/**
 * A command that ends with NO or BAD (RFC 3501 §7.1): handlers throw it, the session writes the tagged
 * response with its response code. Imports nothing.
 */

export type FailureStatus = 'NO' | 'BAD';

/** RFC 3501 §7.1 and RFC 5530 response codes the sandbox uses. */
export const ResponseCode = {
  NONEXISTENT: 'NONEXISTENT',
  ALREADYEXISTS: 'ALREADYEXISTS',
  TRYCREATE: 'TRYCREATE',
  AUTHENTICATIONFAILED: 'AUTHENTICATIONFAILED',
  CANNOT: 'CANNOT',
  OVERQUOTA: 'OVERQUOTA',
  TOOBIG: 'TOOBIG',
  SERVERBUG: 'SERVERBUG',
  READ_ONLY: 'READ-ONLY',
  READ_WRITE: 'READ-WRITE',
} as const;

export class CommandFailure extends Error {
  readonly status: FailureStatus;
  /** The response code without brackets, e.g. "NONEXISTENT". */
  readonly code: string | undefined;

  constructor(status: FailureStatus, text: string, code?: string) {
    super(text);
    this.name = 'CommandFailure';
    this.status = status;
    this.code = code;
  }
}

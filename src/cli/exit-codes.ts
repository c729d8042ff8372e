/** Exit codes (documented in the README). */
export const ExitCode = {
  /** Every scenario passed (skipped ones do not count against). */
  OK: 0,
  /** A scenario failed or hit an error. */
  FAILED: 1,
  /** Usage error or a malformed scenario file; nothing was sent. */
  USAGE: 2,
  /** Interrupted by SIGINT (128 + 2). */
  INTERRUPTED: 130,
} as const;

/**
 * The sandbox POP3 server's named limits, so that a test can sit exactly at one and one past it.
 * Imports nothing.
 */

export const Pop3Limits = {
  /**
   * Longest command line accepted, CRLF included. RFC 2449 §4 caps command lines at 255 octets, but
   * RFC 5034 §4 lets a SASL response line be longer (an XOAUTH2 token easily is), so one bound serves both.
   */
  lineBytes: 8 * 1024,
  /** RFC 1939 §3: an inactivity autologout timer of at least 10 minutes. */
  idleMs: 10 * 60 * 1000,
  /**
   * How long a login waits for a maildrop another session holds before -ERR [IN-USE] (RFC 2449 §8.1.2):
   * long enough for sessions that hold it a moment to take turns, short enough to report a stuck one.
   */
  lockWaitMs: 2000,
  /** How long close() lets a session's socket drain before destroying it. */
  closeGraceMs: 100,
} as const;
export type Pop3LimitName = keyof typeof Pop3Limits;

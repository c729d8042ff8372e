/**
 * SMTP reply codes as named constants, each with the RFC that defines it, so that logic never compares
 * bare numbers. Codes are strings: that is how replies and scenario expectations carry them.
 * Imports nothing.
 */

export const ReplyCode = {
  /** RFC 5321 §4.2.2 / §3.1: service ready (greeting); RFC 3207 §4: ready to start TLS. */
  SERVICE_READY: '220',
  /** RFC 5321 §4.2.2: service closing transmission channel (QUIT). */
  CLOSING: '221',
  /** RFC 4954 §6: authentication succeeded. */
  AUTH_SUCCEEDED: '235',
  /** RFC 5321 §4.2.2: requested mail action okay, completed. */
  OK: '250',
  /** RFC 4954 §4: server challenge, the client sends a SASL response. */
  AUTH_CHALLENGE: '334',
  /** RFC 5321 §4.2.2 / §4.1.1.4: start mail input; end with <CRLF>.<CRLF>. */
  START_MAIL_INPUT: '354',
  /** RFC 5321 §4.2.2: service not available, closing transmission channel. */
  NOT_AVAILABLE: '421',
  /** RFC 5321 §4.2.2: syntax error in parameters or arguments (also a cancelled AUTH, RFC 4954 §4). */
  SYNTAX_ERROR_PARAMETERS: '501',
  /** RFC 5321 §4.2.2: command not implemented. */
  NOT_IMPLEMENTED: '502',
  /** RFC 5321 §4.2.2: bad sequence of commands. */
  BAD_SEQUENCE: '503',
  /** RFC 4954 §6: authentication credentials invalid. */
  AUTH_INVALID: '535',
  /** RFC 5321 §4.2.2: requested action not taken, mailbox unavailable (also relay denied). */
  MAILBOX_UNAVAILABLE: '550',
  /** RFC 5321 §4.2.2 / RFC 1870 §6: exceeded storage allocation (message too big for SIZE). */
  EXCEEDED_STORAGE: '552',
} as const;
export type ReplyCode = (typeof ReplyCode)[keyof typeof ReplyCode];

/**
 * RFC 5321 §4.2: Reply-code = %x32-35 %x30-35 %x30-39. The first digit is the class (§4.2.1):
 * 2 positive completion, 3 positive intermediate, 4 transient negative, 5 permanent negative.
 */
export const REPLY_CODE = /^[2-5][0-5][0-9]$/;

/** An expectation by class, "2xx" (as scenario files write it): the first digit only. */
export const REPLY_CLASS = /^[2-5]xx$/i;

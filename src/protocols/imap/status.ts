/**
 * IMAP status words and the capabilities the engine acts on, as named constants with their RFC sections,
 * so that logic never compares bare strings. Imports nothing.
 */

export const ImapStatus = {
  /** RFC 9051 §7.1.1: success (tagged), or information (untagged; the greeting when not preauthenticated). */
  OK: 'OK',
  /** RFC 9051 §7.1.2: operational error. */
  NO: 'NO',
  /** RFC 9051 §7.1.3: protocol-level error (unknown command, syntax). */
  BAD: 'BAD',
  /** RFC 9051 §7.1.4: greeting of a connection already authenticated. */
  PREAUTH: 'PREAUTH',
  /** RFC 9051 §7.1.5: the server is about to close the connection. */
  BYE: 'BYE',
} as const;
export type ImapStatus = (typeof ImapStatus)[keyof typeof ImapStatus];

/** The status a step reports when the server answered with a continuation request (RFC 9051 §7.5). */
export const CONTINUATION_STATUS = '+';

/** RFC 9051 §7.1: resp-cond-state, resp-cond-auth and resp-cond-bye words. */
export const STATUS_WORDS: ReadonlySet<string> = new Set(Object.values(ImapStatus));
/** RFC 9051 §9 response-tagged: a tagged completion is OK, NO or BAD. */
export const TAGGED_STATUS_WORDS: ReadonlySet<string> = new Set([ImapStatus.OK, ImapStatus.NO, ImapStatus.BAD]);
/** RFC 9051 §9 greeting: "*" SP (resp-cond-auth / resp-cond-bye). */
export const GREETING_STATUS_WORDS: ReadonlySet<string> = new Set([ImapStatus.OK, ImapStatus.PREAUTH, ImapStatus.BYE]);

export const Capability = {
  /** RFC 7888 §3: non-synchronizing literals {n+} of any size. */
  LITERAL_PLUS: 'LITERAL+',
  /** RFC 7888 §4: non-synchronizing literals up to 4096 octets. */
  LITERAL_MINUS: 'LITERAL-',
  /** RFC 4959 §3: the SASL initial response may go with AUTHENTICATE. */
  SASL_IR: 'SASL-IR',
} as const;

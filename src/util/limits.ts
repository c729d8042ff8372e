/**
 * Every unbounded input has a named limit here, so that a misbehaving server cannot exhaust memory and so
 * that tests can sit exactly at a limit and one past it. Imports nothing.
 */

export const Limits = {
  /** Longest reply line we accept, CRLF included. RFC 5321 §4.5.3.1.5 allows 512 octets for replies;
   *  we take far more so that a lax server is reported by a scenario, not cut off by us. */
  lineBytes: 64 * 1024,
  /** Most lines in one multi-line reply (SMTP `250-` lines, POP3 multi-line bodies count separately). */
  replyLines: 10_000,
  /** Largest POP3 multi-line body or IMAP literal we keep. */
  bodyBytes: 64 * 1024 * 1024,
  /** Most bytes of transcript kept per session; older entries are elided beyond it. */
  transcriptBytes: 256 * 1024,
  /** Longest single transcript entry kept verbatim (a message body is summarised past this). */
  transcriptEntryBytes: 4 * 1024,
  /** Most characters of a reply kept in a result (a RETR of a large message is matched whole, reported cut). */
  resultReplyChars: 8 * 1024,
} as const;
export type LimitName = keyof typeof Limits;

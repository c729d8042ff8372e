/**
 * The sandbox IMAP server's named limits, so that a test can sit exactly at one and one past it and so
 * that a client cannot exhaust the process. Imports sandbox/limits only.
 */
import { SandboxLimits } from '../limits.js';

export const ImapServerLimits = {
  /** Longest command line (between literals), CRLF included; Dovecot's imap_max_line_length. */
  lineBytes: 64 * 1024,
  /** Largest literal accepted (an APPENDed message is one): the SMTP side's message size. */
  literalBytes: SandboxLimits.messageBytes,
  /** All of one command: its lines and literals together. */
  commandBytes: SandboxLimits.messageBytes + 64 * 1024,
  /** Literals in one command (APPEND has one; LOGIN two). */
  literals: 32,
  /** How deep SEARCH keys and FETCH lists may nest in parentheses. */
  nesting: 16,
  /** RFC 3501 §5.4: an autologout timer of at least 30 minutes once authenticated. */
  idleMs: 30 * 60 * 1000,
  /** Before login a shorter wait is allowed (RFC 3501 §5.4 only asks 30 min of authenticated sessions). */
  unauthenticatedIdleMs: 60 * 1000,
  /** How long close() lets a session's socket drain after "* BYE" before destroying it. */
  closeGraceMs: SandboxLimits.closeGraceMs,
} as const;
export type ImapServerLimitName = keyof typeof ImapServerLimits;

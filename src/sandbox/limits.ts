/**
 * The sandbox's named limits, so that a test can sit exactly at one and one past it, and so that a load
 * run against the in-memory store cannot exhaust the process. Imports nothing.
 */

export const SandboxLimits = {
  /** SIZE (RFC 1870) advertised on every SMTP listener; Postfix's message_size_limit in our targets. 16 MiB
   *  so that a 10 MiB attachment fits after base64 (4/3, plus line breaks: about 13.7 MiB). */
  messageBytes: 16 * 1024 * 1024,
  /** All messages of one user together; past it a delivery gets 452 4.2.2 (RFC 3463 §3.3 mailbox full). */
  userBytes: 256 * 1024 * 1024,
  /** Recipients of one transaction (RFC 5321 §4.5.3.1.8 asks for at least 100); Postfix's default. */
  recipients: 1000,
  /** Idle time before the SMTP server closes a session (RFC 5321 §4.5.3.2.7 asks for at least 5 min
   *  on a real server; a sandbox only needs to outlast a scenario's longest step). */
  idleMs: 5 * 60 * 1000,
  /** How long close() lets sessions finish after announcing 421 before their sockets are destroyed. */
  closeGraceMs: 100,
} as const;
export type SandboxLimitName = keyof typeof SandboxLimits;

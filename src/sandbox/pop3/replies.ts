/**
 * The POP3 server's status lines, each with the RFC that defines it; response codes in brackets per
 * RFC 2449 §8 (IN-USE, LOGIN-DELAY) and RFC 3206 (SYS/TEMP, SYS/PERM, AUTH). Pure; imports nothing.
 */

/** RFC 1939 §3 status indicators. */
export const OK = '+OK';
export const ERR = '-ERR';

export const Pop3Reply = {
  /** RFC 1939 §4 greeting, with the APOP timestamp (RFC 1939 §7, an RFC 822 msg-id). */
  greeting: (timestamp: string): string => `${OK} mailprobe sandbox POP3 ready ${timestamp}`,
  ok: (text = ''): string => (text ? `${OK} ${text}` : OK),
  err: (text: string): string => `${ERR} ${text}`,
  unknownCommand: (keyword: string): string => `${ERR} Unknown command: ${keyword}`,
  /** RFC 1939 §3: a command not valid in this state gets -ERR. */
  wrongState: (keyword: string, state: string): string => `${ERR} ${keyword} not allowed in the ${state} state`,
  syntax: (usage: string): string => `${ERR} Syntax: ${usage}`,
  noSuchMessage: `${ERR} No such message`,
  messageDeleted: `${ERR} Message is deleted`,
  /** RFC 1939 §7: PASS without a preceding successful USER. */
  userFirst: `${ERR} No USER given`,
  /** RFC 3206 §4: the credentials were wrong (AUTH response code). */
  authFailed: `${ERR} [AUTH] Authentication failed`,
  /** RFC 2449 §8.1.2: the maildrop is locked by another session. */
  inUse: `${ERR} [IN-USE] Mailbox is locked by another POP3 session`,
  /** RFC 5034 §4: the client cancelled the exchange with "*". */
  authCancelled: `${ERR} Authentication cancelled`,
  /** RFC 5034 §4: a client response that does not decode as base64. */
  badBase64: `${ERR} Invalid base64 data in SASL response`,
  unknownMechanism: (mechanism: string): string => `${ERR} Unsupported authentication mechanism ${mechanism}`,
  /** RFC 2595 §4: STLS when TLS is already active. */
  alreadySecure: `${ERR} TLS is already active`,
  /** RFC 2595 §4: +OK, then the TLS negotiation starts. */
  beginTls: `${OK} Begin TLS negotiation now`,
  /** RFC 2449 §4: a line past the limit. */
  lineTooLong: `${ERR} Line too long`,
  /** RFC 1939 §3: the autologout timer expired (sent before closing, as Dovecot does). */
  idleTimeout: `${ERR} Disconnected for inactivity`,
  /** RFC 3206 §4 SYS/TEMP: the server is going away. */
  shuttingDown: `${ERR} [SYS/TEMP] Server shutting down`,
  /** RFC 3206 §4 SYS/TEMP: the server failed this session. */
  internalError: `${ERR} [SYS/TEMP] Internal error`,
  /** RFC 1939 §6: the deletions could not be committed. */
  commitFailed: `${ERR} [SYS/TEMP] Some deleted messages were not removed`,
  loggedOut: `${OK} Logging out`,
} as const;

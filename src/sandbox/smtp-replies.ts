/**
 * The replies the sandbox's SMTP side gives itself (smtp-server gives the rest), each a reply code with
 * its RFC 3463 enhanced status code at the head of the text. Pure; imports nothing.
 */

export interface SmtpReply {
  /** RFC 5321 §4.2 reply code. */
  code: number;
  /** RFC 3463 enhanced status code, then the human text. */
  text: string;
}

/** RFC 3463 §2: class.subject.detail at the head of a reply text. */
export const ENHANCED_CODE_PREFIX = /^[245]\.\d{1,3}\.\d{1,3} /;

export const Reply = {
  /** RFC 5321 §4.2.4 / §4.2.2: a known command this server does not implement; RFC 3463 §3.6 X.5.1. */
  notImplemented: (command: string): SmtpReply => ({ code: 502, text: `5.5.1 ${command} not implemented` }),
  /**
   * RFC 5321 §3.5.3 / §7.3: a server that will not expand lists answers EXPN with 502 (252 would claim the
   * address can be mailed). Like Postfix, which has no EXPN.
   */
  expnDisabled: { code: 502, text: '5.5.1 EXPN not available' } satisfies SmtpReply,
  /** RFC 5321 §4.2.2 503 for a command this listener offers no support for now (Postfix: same words). */
  authNotEnabled: { code: 503, text: '5.5.1 Error: authentication not enabled' } satisfies SmtpReply,
  /** RFC 4954 §4: no AUTH while a mail transaction is open. */
  authInTransaction: { code: 503, text: '5.5.1 Error: MAIL transaction in progress' } satisfies SmtpReply,
  /** RFC 3207 §4: TLS is required before this command; RFC 3463 §3.8 X.7.0. */
  tlsRequired: { code: 530, text: '5.7.0 Must issue a STARTTLS command first' } satisfies SmtpReply,
  /** RFC 4954 §6: authentication credentials invalid. */
  authInvalid: { code: 535, text: '5.7.8 Authentication credentials invalid' } satisfies SmtpReply,
  /** RFC 5321 §4.2.2 550; RFC 3463 §3.2 X.1.1 bad destination mailbox address. */
  unknownUser: (address: string): SmtpReply => ({ code: 550, text: `5.1.1 <${address}>: Recipient address rejected: User unknown` }),
  /** RFC 5321 §3.6.2 / §4.2.2 554 (as Postfix answers); RFC 3463 §3.8 X.7.1 delivery not authorized. */
  relayDenied: (address: string): SmtpReply => ({ code: 554, text: `5.7.1 <${address}>: Relay access denied` }),
  /** RFC 4954 §4: a client response that is not base64 (RFC 4648 §4 alphabet, padded). */
  badBase64: { code: 501, text: '5.5.2 Cannot Base64-decode client response' } satisfies SmtpReply,
  /** RFC 5321 §4.1.1.11: a MAIL or RCPT parameter this server does not recognize; RFC 3463 §3.6 X.5.4. */
  unknownParameter: (name: string): SmtpReply => ({ code: 555, text: `5.5.4 Unsupported parameter ${name}` }),
  /** RFC 3030 §3: bdat-cmd ::= "BDAT" SP chunk-size [ SP end-marker ]. */
  bdatSyntax: { code: 501, text: '5.5.4 Syntax: BDAT chunk-size [LAST]' } satisfies SmtpReply,
  /** RFC 5321 §4.1.4 / RFC 3030 §2: BDAT (or DATA) needs a MAIL first. */
  needMail: { code: 503, text: '5.5.1 Error: need MAIL command' } satisfies SmtpReply,
  /** RFC 5321 §4.1.4 / RFC 3030 §2: BDAT needs a recipient first. */
  needRcpt: { code: 503, text: '5.5.1 Error: need RCPT command' } satisfies SmtpReply,
  /** RFC 3030 §3: BDAT and DATA must not be mixed in one transaction. */
  dataAfterBdat: { code: 503, text: '5.5.1 Error: DATA not allowed after BDAT' } satisfies SmtpReply,
  /** RFC 3030 §2: one chunk received; RFC 3463 §3.1 X.0.0. */
  chunkReceived: (octets: number): SmtpReply => ({ code: 250, text: `2.0.0 ${octets} octets received` }),
  /** RFC 1870 §6.3 552; RFC 3463 §3.4 X.3.4 message too big for system. */
  messageTooBig: { code: 552, text: '5.3.4 Error: message exceeds fixed maximum message size' } satisfies SmtpReply,
  /** RFC 5321 §4.2.2 552 exceeded storage allocation; RFC 3463 §3.3 X.2.2 mailbox full (reported in a DSN). */
  quotaExceeded: (address: string): SmtpReply => ({ code: 552, text: `5.2.2 <${address}>: Mailbox full` }),
  /** RFC 5321 §4.2.2 451 local error in processing; RFC 3463 §3.4 X.3.0. */
  localError: { code: 451, text: '4.3.0 Error: local error in processing' } satisfies SmtpReply,
  /** RFC 5321 §4.1.1.4: the message is ours now; RFC 3463 §3.1 X.0.0. */
  queued: (id: string): SmtpReply => ({ code: 250, text: `2.0.0 Ok: queued as ${id}` }),
  /** RFC 5321 §3.8 / §4.2.2 421: the service is closing the channel; RFC 3463 §3.4 X.3.2. */
  shuttingDown: (host: string): SmtpReply => ({ code: 421, text: `4.3.2 ${host} Service shutting down, closing channel` }),
} as const;

/** An Error carrying a reply, as smtp-server's hooks expect (`responseCode` + message). */
export function replyError(reply: SmtpReply): Error & { responseCode: number } {
  return Object.assign(new Error(reply.text), { responseCode: reply.code });
}

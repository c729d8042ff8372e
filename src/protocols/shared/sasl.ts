/**
 * SASL mechanisms as pure functions, for SMTP AUTH (RFC 4954), POP3 AUTH (RFC 5034) and IMAP
 * AUTHENTICATE (RFC 9051 §6.2.2) alike: each mechanism is an optional initial response and a function that
 * answers the server's challenges in turn. Carrying the bytes (base64, 334 / "+") is the protocol's job.
 * Imports node:crypto and util only.
 */
import { createHmac } from 'node:crypto';
import { ErrorCode, MailprobeError } from '../../util/errors.js';

export interface SaslCredentials {
  username: string;
  /** The password; for XOAUTH2 the OAuth 2.0 access token. */
  password: string;
  /** Authorization identity (PLAIN), when it differs from the username. */
  authzid?: string;
}

export interface SaslClient {
  /** The mechanism name as sent ("PLAIN", "CRAM-MD5" …). */
  mechanism: string;
  /** Sent with the command itself (RFC 4954 §4 initial-response); undefined: wait for a challenge. */
  initialResponse?: Buffer;
  /** The answer to the next challenge, or undefined when the mechanism has none left (cancel the exchange). */
  respond(challenge: Buffer): Buffer | undefined;
}

export const SASL_MECHANISMS = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd. */
export function plainMessage(credentials: SaslCredentials): Buffer {
  return Buffer.from(`${credentials.authzid ?? ''}\0${credentials.username}\0${credentials.password}`, 'utf8');
}

/** RFC 2195 §2: username SP the lowercase hex HMAC-MD5 of the challenge, keyed with the password. */
export function cramMd5Response(username: string, password: string, challenge: Buffer): Buffer {
  const digest = createHmac('md5', Buffer.from(password, 'utf8')).update(challenge).digest('hex');
  return Buffer.from(`${username} ${digest}`, 'utf8');
}

/** Google's XOAUTH2 (developers.google.com/gmail/imap/xoauth2-protocol): user=… ^A auth=Bearer … ^A^A. */
export function xoauth2Message(username: string, accessToken: string): Buffer {
  return Buffer.from(`user=${username}\x01auth=Bearer ${accessToken}\x01\x01`, 'utf8');
}

/** Answers challenges from a fixed list, in order; none once the list is used up. */
function scripted(answers: Array<(challenge: Buffer) => Buffer>): (challenge: Buffer) => Buffer | undefined {
  let next = 0;
  return (challenge) => answers[next++]?.(challenge);
}

function isMechanism(name: string): name is SaslMechanism {
  return (SASL_MECHANISMS as readonly string[]).includes(name);
}

/** A client for one exchange with the named mechanism (case-insensitive); UNSUPPORTED for others. */
export function createSaslClient(mechanism: string, credentials: SaslCredentials): SaslClient {
  const name = mechanism.toUpperCase();
  if (!isMechanism(name)) {
    throw new MailprobeError(ErrorCode.UNSUPPORTED, `SASL mechanism ${mechanism} is not supported (supported: ${SASL_MECHANISMS.join(', ')})`);
  }
  const { username, password } = credentials;
  switch (name) {
    case 'PLAIN':
      return { mechanism: name, initialResponse: plainMessage(credentials), respond: scripted([]) };
    case 'LOGIN':
      // draft-murchison-sasl-login: the server asks "Username:" then "Password:".
      return {
        mechanism: name,
        respond: scripted([() => Buffer.from(username, 'utf8'), () => Buffer.from(password, 'utf8')]),
      };
    case 'CRAM-MD5':
      return { mechanism: name, respond: scripted([(challenge) => cramMd5Response(username, password, challenge)]) };
    case 'XOAUTH2':
      // A failed token gets a challenge holding a JSON error; the client answers with an empty response.
      return { mechanism: name, initialResponse: xoauth2Message(username, password), respond: scripted([() => Buffer.alloc(0)]) };
  }
}

/** RFC 4648 §4 base64, strictly: the challenge text must be canonical base64 or undefined is returned. */
export function decodeBase64(text: string): Buffer | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

/**
 * Commands of the not-authenticated state (RFC 3501 §6.2): STARTTLS, AUTHENTICATE with the sandbox's SASL
 * mechanisms (shared with POP3: pop3/sasl.ts) and SASL-IR (RFC 4959), and LOGIN. The sandbox is on
 * loopback, so LOGIN and AUTHENTICATE PLAIN are allowed before TLS (no LOGINDISABLED, as the Dovecot the
 * suites run against is set up). Imports node:crypto and sandbox/ modules.
 */
import { timingSafeEqual } from 'node:crypto';
import { createSaslServer, isServerMechanism } from '../pop3/sasl.js';
import type { CommandContext, Completion } from './commands.js';
import { CommandFailure, ResponseCode } from './failure.js';

/** RFC 4959 §3: a zero-length initial response is sent as "=". */
const EMPTY_INITIAL_RESPONSE = '=';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

// RFC 3501 §6.2.1
export function starttls({ session, tag, args }: CommandContext): undefined {
  args.end();
  if (session.secure) throw new CommandFailure('BAD', 'TLS is already active');
  session.beginTls(tag);
  return undefined;
}

// RFC 3501 §6.2.2 authenticate = "AUTHENTICATE" SP auth-type [SP (base64 / "=")] (RFC 4959 §7)
export function authenticate({ session, tag, args }: CommandContext): undefined {
  args.sp();
  const mechanism = args.atom().toUpperCase();
  let initial: Buffer | undefined;
  if (!args.atEnd()) {
    args.sp();
    const text = args.atom();
    if (text !== EMPTY_INITIAL_RESPONSE && !BASE64.test(text)) throw new CommandFailure('BAD', 'invalid base64 in the initial response');
    initial = text === EMPTY_INITIAL_RESPONSE ? Buffer.alloc(0) : Buffer.from(text, 'base64');
  }
  args.end();
  if (!isServerMechanism(mechanism)) throw new CommandFailure('NO', `unsupported authentication mechanism ${mechanism}`, ResponseCode.CANNOT);
  session.beginSasl(tag, createSaslServer(mechanism, session.context.users, session.context.hostname), initial);
  return undefined;
}

function samePassword(given: Buffer, expected: string): boolean {
  const wanted = Buffer.from(expected, 'utf8');
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

// RFC 3501 §6.2.3 login = "LOGIN" SP userid SP password
export function login({ session, args }: CommandContext): Completion {
  args.sp();
  const name = args.astringText();
  args.sp();
  const password = args.astring();
  args.end();
  const user = session.context.users.findLogin(name);
  if (!user || !samePassword(password, user.password)) throw new CommandFailure('NO', 'Authentication failed', ResponseCode.AUTHENTICATIONFAILED);
  session.login(user);
  return { text: 'Logged in', code: `CAPABILITY ${session.capabilities().join(' ')}` };
}

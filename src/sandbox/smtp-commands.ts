/**
 * What the sandbox changes in smtp-server's command handling, one connection at a time, so that every
 * reply is conformant (RFC 5321 §4.2.4, §4.3.2) and each listener's policy holds:
 *  - a command table for the commands smtp-server does not know: EXPN and the obsolete TURN / SEND /
 *    SOML / SAML get 502 instead of 500 "unrecognized" (which would also count towards smtp-server's limit
 *    of ten unrecognized commands before it drops the session); BDAT is implemented (smtp-bdat.ts) and
 *    CHUNKING advertised;
 *  - AUTH only where and when the listener offers it, both in the EHLO keywords and as a command, and
 *    every client response checked to be base64 (RFC 4954 §4);
 *  - replies whose text starts with its own RFC 3463 code are sent without smtp-server adding another.
 * smtp-server has no option for these; it looks handlers up as `handler_<VERB>` on the connection, so the
 * sandbox sets them on each connection object (never on the shared prototype).
 * Imports smtp-server types and sandbox/smtp-bdat, sandbox/smtp-replies only; never a socket module.
 */
import type { SMTPServerSession } from 'smtp-server';
import type { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { bdatHandler, hasChunks, type Deliver } from './smtp-bdat.js';
import { ENHANCED_CODE_PREFIX, Reply, type SmtpReply } from './smtp-replies.js';

type CommandHandler = (this: SMTPConnection, command: Buffer, callback: () => void) => void;

/** When a listener accepts AUTH (RFC 4954). */
export type AuthPolicy = 'never' | 'after-tls';

export interface ConnectionPolicy {
  auth: AuthPolicy;
  /** Final delivery of a complete message (for BDAT; DATA goes through smtp-server's onData). */
  deliver: Deliver;
}

/**
 * Commands smtp-server has no handler for, and the reply each gets. RFC 5321 §4.2.4: 502 for a command
 * recognized but not implemented; 500 is for what is not a command at all.
 */
const UNIMPLEMENTED_COMMANDS: Readonly<Record<string, SmtpReply>> = {
  // RFC 5321 §3.5.3, §7.3: list expansion is disabled.
  EXPN: Reply.expnDisabled,
  // RFC 5321 Appendix F.1: TURN is obsolete and must not be used.
  TURN: Reply.notImplemented('TURN'),
  // RFC 5321 Appendix F.3: SEND, SOML and SAML are obsolete.
  SEND: Reply.notImplemented('SEND'),
  SOML: Reply.notImplemented('SOML'),
  SAML: Reply.notImplemented('SAML'),
};

/** The commands the table answers with 502, for tests and documentation. */
export const unimplementedCommands = (): string[] => Object.keys(UNIMPLEMENTED_COMMANDS);

/** RFC 3030 §2: the EHLO keyword of BDAT. */
const CHUNKING = 'CHUNKING';

/** RFC 4648 §4 base64 with padding, nothing else (RFC 4954 §4: other characters MUST be rejected). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function reply(connection: SMTPConnection, { code, text }: SmtpReply): void {
  connection.send(code, text);
}

function isAuthAvailable(policy: AuthPolicy, connection: SMTPConnection): boolean {
  return policy === 'after-tls' && connection.secure;
}

/** The connection serving this session: smtp-server registers it before it calls onConnect. */
export function connectionOf(connections: Iterable<SMTPConnection>, session: SMTPServerSession): SMTPConnection | undefined {
  for (const connection of connections) if (connection.session === session) return connection;
  return undefined;
}

/**
 * RFC 4954 §4: each SASL response after a 334 must be base64 or "*" (cancel). smtp-server keeps the
 * handler for the next response in `_nextHandler`; wrapping what is stored there checks every response.
 */
function checkSaslResponses(connection: SMTPConnection): void {
  let next: SMTPConnection['_nextHandler'] = false;
  Object.defineProperty(connection, '_nextHandler', {
    get: () => next,
    set: (handler: SMTPConnection['_nextHandler']) => {
      next =
        handler &&
        function (this: SMTPConnection, command: Buffer, callback: () => void): void {
          const response = command.toString('latin1').trim();
          if (response === '*' || BASE64.test(response)) return handler.call(this, command, callback);
          reply(this, Reply.badBase64);
          callback();
        };
    },
  });
}

/** Applies the sandbox's command table, CHUNKING and AUTH policy to one new connection. */
export function adaptConnection(connection: SMTPConnection, policy: ConnectionPolicy): void {
  const send = connection.send.bind(connection);
  connection.send = (code, data, context) => {
    // Our own replies carry their enhanced code already (RFC 3463 §2 allows only one).
    send(code, data, typeof data === 'string' && ENHANCED_CODE_PREFIX.test(data) ? false : context);
  };

  const ehlo = connection.handler_EHLO;
  connection.handler_EHLO = function (this: SMTPConnection, command: Buffer, callback: () => void): void {
    // RFC 4954 §3: the AUTH keyword lists what the client may use now; hide it while AUTH is unavailable
    // (smtp-server leaves a command out of EHLO while it is in session.disabledCommands).
    const hideAuth = !isAuthAvailable(policy.auth, this);
    if (hideAuth) this.session.disabledCommands = ['AUTH'];
    // smtp-server's keyword list is fixed: CHUNKING is added to the one multi-line 250 EHLO sends.
    const plainSend = this.send;
    this.send = (code, data, context) => plainSend(code, Array.isArray(data) && code === 250 ? [...data, CHUNKING] : data, context);
    try {
      ehlo.call(this, command, callback);
    } finally {
      this.send = plainSend;
      if (hideAuth) this.session.disabledCommands = undefined;
    }
  };

  const auth = connection.handler_AUTH;
  connection.handler_AUTH = function (this: SMTPConnection, command: Buffer, callback: () => void): void {
    const initialResponse = command.toString('latin1').trim().split(/\s+/)[2];
    if (policy.auth === 'never') reply(this, Reply.authNotEnabled);
    // RFC 3207 §4 / RFC 4954 §4: credentials only inside TLS.
    else if (!this.secure) reply(this, Reply.tlsRequired);
    // RFC 4954 §4: AUTH during a mail transaction MUST be rejected with 503.
    else if (this.session.envelope.mailFrom) reply(this, Reply.authInTransaction);
    // RFC 4954 §4: "=" is an empty initial response; anything else must be base64.
    else if (initialResponse !== undefined && initialResponse !== '=' && !BASE64.test(initialResponse)) reply(this, Reply.badBase64);
    else return auth.call(this, command, callback);
    callback();
  };
  checkSaslResponses(connection);

  const data = connection.handler_DATA;
  connection.handler_DATA = function (this: SMTPConnection, command: Buffer, callback: () => void): void {
    // RFC 3030 §3: no DATA in a transaction that has BDAT chunks.
    if (!hasChunks(this.session)) return data.call(this, command, callback);
    reply(this, Reply.dataAfterBdat);
    callback();
  };

  const handlers = connection as unknown as Record<string, CommandHandler>;
  handlers.handler_BDAT = bdatHandler(policy.deliver);
  for (const [verb, answer] of Object.entries(UNIMPLEMENTED_COMMANDS)) {
    handlers[`handler_${verb}`] = function (this: SMTPConnection, _command: Buffer, callback: () => void): void {
      reply(this, answer);
      callback();
    };
  }
}

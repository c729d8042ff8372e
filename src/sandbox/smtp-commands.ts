/**
 * What the sandbox changes in smtp-server's command handling, one connection at a time, so that every
 * reply is conformant (RFC 5321 §4.2.4, §4.3.2) and each listener's policy holds:
 *  - a command table for the commands smtp-server does not know (EXPN, the obsolete TURN / SEND / SOML /
 *    SAML, BDAT without CHUNKING): 502 instead of 500 "unrecognized", which would also count towards
 *    smtp-server's limit of ten unrecognized commands before it drops the session;
 *  - AUTH only where and when the listener offers it, both in the EHLO keywords and as a command;
 *  - replies whose text starts with its own RFC 3463 code are sent without smtp-server adding another.
 * smtp-server has no option for these; it looks handlers up as `handler_<VERB>` on the connection, so the
 * sandbox sets them on each connection object (never on the shared prototype).
 * Imports smtp-server types and sandbox/smtp-replies only.
 */
import type { SMTPServerSession } from 'smtp-server';
import type { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { ENHANCED_CODE_PREFIX, Reply, type SmtpReply } from './smtp-replies.js';

type CommandHandler = (this: SMTPConnection, command: Buffer, callback: () => void) => void;

/** When a listener accepts AUTH (RFC 4954). */
export type AuthPolicy = 'never' | 'after-tls';

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
  // RFC 3030 §2: BDAT belongs to CHUNKING, which the sandbox does not advertise.
  BDAT: Reply.notImplemented('BDAT'),
};

/** The commands the table answers itself, for tests and documentation. */
export const unimplementedCommands = (): string[] => Object.keys(UNIMPLEMENTED_COMMANDS);

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

/** Applies the sandbox's command table and AUTH policy to one new connection. */
export function adaptConnection(connection: SMTPConnection, authPolicy: AuthPolicy): void {
  const send = connection.send.bind(connection);
  connection.send = (code, data, context) => {
    // Our own replies carry their enhanced code already (RFC 3463 §2 allows only one).
    send(code, data, typeof data === 'string' && ENHANCED_CODE_PREFIX.test(data) ? false : context);
  };

  const ehlo = connection.handler_EHLO;
  // RFC 4954 §3: the AUTH keyword lists what the client may use now; hide it while AUTH is unavailable
  // (smtp-server leaves a command out of EHLO while it is in session.disabledCommands).
  connection.handler_EHLO = function (this: SMTPConnection, command: Buffer, callback: () => void): void {
    const hidden = !isAuthAvailable(authPolicy, this);
    if (hidden) this.session.disabledCommands = ['AUTH'];
    try {
      ehlo.call(this, command, callback);
    } finally {
      if (hidden) this.session.disabledCommands = undefined;
    }
  };

  const auth = connection.handler_AUTH;
  connection.handler_AUTH = function (this: SMTPConnection, command: Buffer, callback: () => void): void {
    if (authPolicy === 'never') reply(this, Reply.authNotEnabled);
    // RFC 3207 §4 / RFC 4954 §4: credentials only inside TLS.
    else if (!this.secure) reply(this, Reply.tlsRequired);
    else return auth.call(this, command, callback);
    callback();
  };

  const handlers = connection as unknown as Record<string, CommandHandler>;
  for (const [verb, answer] of Object.entries(UNIMPLEMENTED_COMMANDS)) {
    handlers[`handler_${verb}`] = function (this: SMTPConnection, _command: Buffer, callback: () => void): void {
      reply(this, answer);
      callback();
    };
  }
}

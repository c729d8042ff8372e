/**
 * The sandbox's SMTP side, built on smtp-server: three listeners on one host, like a real mail system
 * (RFC 8314 §3.3, RFC 6409):
 *  - smtp (relay, RFC 5321): STARTTLS offered (RFC 3207), no AUTH, mail only for local users;
 *  - submission (RFC 6409): STARTTLS offered; AUTH and MAIL only after STARTTLS (RFC 3207 §4); relaying
 *    only after AUTH. Like the Postfix the built-in suites run against, MAIL is accepted without AUTH
 *    (local recipients only), although RFC 6409 §4.3 asks an MSA to require AUTH by default;
 *  - smtps (RFC 8314): TLS from the first byte, AUTH, then as submission.
 * DATA delivers the exact bytes received, after a Return-Path and a Received header (RFC 5321 §4.4), to
 * each local recipient's INBOX in the store.
 * Imports smtp-server, node:net (types, isIPv6), util/errors and sandbox/ modules; never src/protocols, src/runner or
 * src/cli (the sandbox is a server in its own right, checked by mailprobe's client like any other).
 */
import { isIPv6, type AddressInfo, type Socket } from 'node:net';
import {
  SMTPServer,
  type SMTPServerAddress,
  type SMTPServerAuthentication,
  type SMTPServerDataStream,
  type SMTPServerOptions,
  type SMTPServerSession,
} from 'smtp-server';
import { isMailprobeError, ErrorCode } from '../util/errors.js';
import { SandboxLimits } from './limits.js';
import { adaptConnection, connectionOf, type AuthPolicy } from './smtp-commands.js';
import { Reply, replyError, type SmtpReply } from './smtp-replies.js';
import type { MailStore } from './store.js';
import type { SandboxCertificate } from './tls.js';
import type { UserDirectory } from './users.js';

export type SmtpListenerName = 'smtp' | 'submission' | 'smtps';
export const SMTP_LISTENERS: readonly SmtpListenerName[] = ['smtp', 'submission', 'smtps'];

interface ListenerPolicy {
  /** TLS from the first byte (RFC 8314) instead of STARTTLS. */
  implicitTls: boolean;
  auth: AuthPolicy;
  /** RFC 3207 §4: no mail transaction before STARTTLS (530). */
  mailNeedsTls: boolean;
}

const POLICIES: Readonly<Record<SmtpListenerName, ListenerPolicy>> = {
  smtp: { implicitTls: false, auth: 'never', mailNeedsTls: false },
  submission: { implicitTls: false, auth: 'after-tls', mailNeedsTls: true },
  smtps: { implicitTls: true, auth: 'after-tls', mailNeedsTls: true },
};

/**
 * RFC 5321 §4.1.1.11: the MAIL parameters of the extensions advertised: SIZE (RFC 1870), BODY (RFC 6152),
 * SMTPUTF8 (RFC 6531, which smtp-server advertises), and AUTH (RFC 4954 §5) where AUTH is offered.
 * RCPT has none (no DSN). Anything else gets 555.
 */
const MAIL_PARAMETERS = ['SIZE', 'BODY', 'SMTPUTF8'];
const AUTH_MAIL_PARAMETER = 'AUTH';

function unsupportedParameter(address: SMTPServerAddress, supported: readonly string[]): string | undefined {
  return Object.keys(address.args || {}).find((name) => !supported.includes(name));
}

export interface SmtpSandboxOptions {
  host: string;
  /** 0 = any free port. */
  ports: Record<SmtpListenerName, number>;
  /** The name in the greeting, EHLO reply and Received headers. */
  hostname: string;
  certificate: SandboxCertificate;
  users: UserDirectory;
  store: MailStore;
}

export interface SmtpSandbox {
  /** The ports actually bound. */
  ports: Record<SmtpListenerName, number>;
  /** Stops listening, tells open sessions 421 and frees every socket and timer. */
  close(): Promise<void>;
}

/** RFC 5322 §3.3 date-time, in UTC: "Mon, 23 Nov 2026 18:37:42 +0000". */
export function rfc5322Date(date: Date): string {
  const [weekday, day, month, year, time] = date.toUTCString().split(' ');
  return `${weekday} ${day} ${month} ${year} ${time} +0000`;
}

/**
 * RFC 5321 §4.4: the trace fields final delivery adds in front of the message: Return-Path with the
 * envelope sender, and a Received header naming the client, this host, the protocol (RFC 3848 ESMTPSA …)
 * and the one recipient this copy is for.
 */
export function traceHeaders(session: SMTPServerSession, recipient: string, hostname: string, date: Date): Buffer {
  const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  const helo = session.hostNameAppearsAs || 'unknown';
  // RFC 5321 §4.1.3 address literals: [192.0.2.1], [IPv6:2001:db8::1].
  const literal = isIPv6(session.remoteAddress) ? `IPv6:${session.remoteAddress}` : session.remoteAddress;
  return Buffer.from(
    `Return-Path: <${sender}>\r\n` +
      `Received: from ${helo} ([${literal}])\r\n` +
      `\tby ${hostname} (mailprobe sandbox) with ${session.transmissionType} id ${session.id}\r\n` +
      `\tfor <${recipient}>; ${rfc5322Date(date)}\r\n`,
    // RFC 6532: with SMTPUTF8, addresses in header fields are UTF-8.
    'utf8',
  );
}

function authenticate(users: UserDirectory, auth: SMTPServerAuthentication): string | undefined {
  const user = auth.username === undefined ? undefined : users.findLogin(auth.username);
  if (!user) return undefined;
  switch (auth.method) {
    case 'CRAM-MD5': // RFC 2195: the client proves it knows the password.
      return auth.validatePassword(user.password) ? user.name : undefined;
    case 'XOAUTH2': // A sandbox has no OAuth server: the user's password stands for the bearer token.
      return auth.accessToken === user.password ? user.name : undefined;
    default:
      return auth.password === user.password ? user.name : undefined;
  }
}

function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

class SmtpListener {
  readonly server: SMTPServer;
  private readonly sockets = new Set<Socket>();
  private listening = false;

  constructor(
    private readonly policy: ListenerPolicy,
    private readonly options: SmtpSandboxOptions,
  ) {
    this.server = new SMTPServer(this.serverOptions());
    this.server.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    // A client's reset is the client's business; without a listener the error would be thrown.
    this.server.on('error', () => undefined);
  }

  /** Resolves with the bound port once listening. */
  listen(host: string, port: number): Promise<number> {
    const net = this.server.server;
    return new Promise((resolve, reject) => {
      net.once('error', reject);
      this.server.listen(port, host, () => {
        net.off('error', reject);
        this.listening = true;
        resolve((net.address() as AddressInfo).port);
      });
    });
  }

  /**
   * RFC 5321 §3.8: open sessions are told 421 and closed; sockets still open after a short grace (a
   * client that does not close its side) are destroyed, and the listener's 'close' is awaited.
   */
  async close(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const net = this.server.server;
    const closed = new Promise<void>((resolve) => net.once('close', () => resolve()));
    const graceOver = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const { code, text } = Reply.shuttingDown(this.options.hostname);
    for (const connection of this.server.connections) {
      connection.send(code, text);
      connection.close();
    }
    await graceOver;
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private serverOptions(): SMTPServerOptions {
    const { policy, options } = this;
    const { users, hostname, certificate } = options;
    const mailParameters = policy.auth === 'never' ? MAIL_PARAMETERS : [...MAIL_PARAMETERS, AUTH_MAIL_PARAMETER];
    const deliver = (session: SMTPServerSession, message: Buffer): SmtpReply => this.deliver(session, message);
    return {
      name: hostname,
      banner: 'mailprobe sandbox',
      secure: policy.implicitTls,
      key: certificate.key,
      cert: certificate.cert,
      size: SandboxLimits.messageBytes,
      rejectOversized: true,
      maxRecipients: SandboxLimits.recipients,
      authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'],
      authOptional: true,
      hideENHANCEDSTATUSCODES: false,
      disableReverseLookup: true,
      socketTimeout: SandboxLimits.idleMs,
      closeTimeout: SandboxLimits.closeGraceMs,
      logger: false,
      onConnect: (session, callback) => {
        const connection = connectionOf(this.server.connections, session);
        if (connection) adaptConnection(connection, { auth: policy.auth, deliver });
        callback();
      },
      onAuth: (auth, _session, callback) => {
        const user = authenticate(users, auth);
        if (user !== undefined) callback(null, { user });
        // RFC 7628 §3.2.2 (as XOAUTH2 does it): an error object in a 334 challenge, then 535.
        else if (auth.method === 'XOAUTH2') callback(null, { data: { status: '401', schemes: 'bearer', scope: 'mail' } });
        else callback(replyError(Reply.authInvalid));
      },
      onMailFrom: (address, session, callback) => {
        const unsupported = unsupportedParameter(address, mailParameters);
        if (policy.mailNeedsTls && !session.secure) callback(replyError(Reply.tlsRequired));
        else if (unsupported !== undefined) callback(replyError(Reply.unknownParameter(unsupported)));
        else callback();
      },
      onRcptTo: (address, session, callback) => {
        const unsupported = unsupportedParameter(address, []);
        const target = users.classify(address.address);
        if (unsupported !== undefined) callback(replyError(Reply.unknownParameter(unsupported)));
        else if (target.kind === 'unknown-local') callback(replyError(Reply.unknownUser(address.address)));
        // RFC 5321 §3.6.2: no relaying for strangers; an authenticated client may send anywhere.
        else if (target.kind === 'remote' && !session.user) callback(replyError(Reply.relayDenied(address.address)));
        else callback();
      },
      onData: (stream, session, callback) => {
        readAll(stream).then(
          (message) => {
            // rejectOversized answers 552 itself (RFC 1870 §6.3); nothing is delivered.
            if (stream.sizeExceeded) return callback(null);
            const reply = deliver(session, message);
            if (reply.code < 400) callback(null, reply.text);
            else callback(replyError(reply));
          },
          () => callback(replyError(Reply.localError)),
        );
      },
    };
  }

  /**
   * One copy per local recipient (duplicates and aliases of one user get one copy). Remote recipients
   * were accepted only from authenticated clients; the sandbox has no outside world, so they are dropped
   * here: a bounce (DSN, RFC 3464) to the sender is a later slice. A full mailbox fails the transaction
   * with 452 (copies already made for earlier recipients stay: SMTP has one reply per message).
   */
  private deliver(session: SMTPServerSession, message: Buffer): SmtpReply {
    const { users, store, hostname } = this.options;
    const delivered = new Set<string>();
    const now = new Date();
    try {
      for (const recipient of session.envelope.rcptTo) {
        const target = users.classify(recipient.address);
        if (target.kind !== 'local' || delivered.has(target.user.name)) continue;
        delivered.add(target.user.name);
        store.deliver(target.user.name, Buffer.concat([traceHeaders(session, recipient.address, hostname, now), message]));
      }
      return Reply.queued(session.id);
    } catch (err) {
      return isMailprobeError(err) && err.code === ErrorCode.LIMIT ? Reply.mailboxFull : Reply.localError;
    }
  }
}

/** Starts the three listeners; on failure, closes what was started and rethrows. */
export async function startSmtp(options: SmtpSandboxOptions): Promise<SmtpSandbox> {
  const listeners = SMTP_LISTENERS.map((name) => [name, new SmtpListener(POLICIES[name], options)] as const);
  const closeAll = async (): Promise<void> => {
    await Promise.all(listeners.map(([, listener]) => listener.close()));
  };
  // allSettled, not all: a listener still binding when another fails must be closed too, not left behind.
  const bound = await Promise.allSettled(listeners.map(([name, listener]) => listener.listen(options.host, options.ports[name])));
  const failed = bound.find((result) => result.status === 'rejected');
  if (failed) {
    await closeAll();
    throw failed.reason;
  }
  const ports = Object.fromEntries(listeners.map(([name], i) => [name, (bound[i] as PromiseFulfilledResult<number>).value])) as Record<SmtpListenerName, number>;
  return { ports, close: closeAll };
}

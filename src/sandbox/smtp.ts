/**
 * The sandbox's SMTP side, built on smtp-server: three listeners on one host, like a real mail system
 * (RFC 8314 §3.3, RFC 6409):
 *  - smtp (relay, RFC 5321): STARTTLS offered (RFC 3207), no AUTH, mail only for local users;
 *  - submission (RFC 6409): STARTTLS offered; AUTH and MAIL only after STARTTLS (RFC 3207 §4); relaying
 *    only after AUTH. Like the Postfix the built-in suites run against, MAIL is accepted without AUTH
 *    (local recipients only), although RFC 6409 §4.3 asks an MSA to require AUTH by default;
 *  - smtps (RFC 8314): TLS from the first byte, AUTH, then as submission.
 * DATA and BDAT hand the exact bytes received to delivery.ts (local INBOXes, bounces). DSN (RFC 3461) is
 * offered.
 * Imports smtp-server, node:net (types, isIPv6), util/errors and sandbox/ modules; never src/protocols, src/runner or
 * src/cli (the sandbox is a server in its own right, checked by mailprobe's client like any other).
 */
import type { AddressInfo, Socket } from 'node:net';
import {
  SMTPServer,
  type SMTPServerAddress,
  type SMTPServerAuthentication,
  type SMTPServerDataStream,
  type SMTPServerOptions,
  type SMTPServerSession,
} from 'smtp-server';
import { LocalDelivery, type DeliveryOptions } from './delivery.js';
import { SandboxLimits } from './limits.js';
import { adaptConnection, connectionOf, type AuthPolicy } from './smtp-commands.js';
import { Reply, replyError, type SmtpReply } from './smtp-replies.js';
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
 * SMTPUTF8 (RFC 6531, which smtp-server advertises), DSN's RET and ENVID (RFC 3461 §4.3, §4.4), and AUTH
 * (RFC 4954 §5) where AUTH is offered. RCPT takes DSN's NOTIFY and ORCPT (RFC 3461 §4.1, §4.2), which
 * smtp-server checks. Anything else gets 555.
 */
const MAIL_PARAMETERS = ['SIZE', 'BODY', 'SMTPUTF8', 'RET', 'ENVID'];
const RCPT_PARAMETERS = ['NOTIFY', 'ORCPT'];
const AUTH_MAIL_PARAMETER = 'AUTH';

function unsupportedParameter(address: SMTPServerAddress, supported: readonly string[]): string | undefined {
  return Object.keys(address.args || {}).find((name) => !supported.includes(name));
}

export interface SmtpSandboxOptions extends DeliveryOptions {
  host: string;
  /** 0 = any free port. */
  ports: Record<SmtpListenerName, number>;
  /** The name in the greeting, EHLO reply and Received headers. */
  hostname: string;
  certificate: SandboxCertificate;
}

export interface SmtpSandbox {
  /** The ports actually bound. */
  ports: Record<SmtpListenerName, number>;
  /** Stops listening, tells open sessions 421 and frees every socket and timer. */
  close(): Promise<void>;
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

/** smtp-server keeps `user: false` until AUTH succeeds (then what onAuth gave), not undefined. */
function isAuthenticated(session: SMTPServerSession): boolean {
  return Boolean(session.user);
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
    private readonly delivery: LocalDelivery,
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
    const deliver = (session: SMTPServerSession, message: Buffer): SmtpReply => this.delivery.deliver(session, message);
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
      // RFC 3461: the sandbox sends delivery status notifications (delivery.ts), so it offers DSN.
      hideDSN: false,
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
        const unsupported = unsupportedParameter(address, RCPT_PARAMETERS);
        const refusal = unsupported === undefined ? this.delivery.refusal(address.address, isAuthenticated(session)) : Reply.unknownParameter(unsupported);
        callback(refusal && replyError(refusal));
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
}

/** Starts the three listeners; on failure, closes what was started and rethrows. */
export async function startSmtp(options: SmtpSandboxOptions): Promise<SmtpSandbox> {
  const delivery = new LocalDelivery(options);
  const listeners = SMTP_LISTENERS.map((name) => [name, new SmtpListener(POLICIES[name], options, delivery)] as const);
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

/**
 * One IMAP4rev1 server session (RFC 3501; RFC 9051 forms where cheap) over a transport that carries
 * bytes: the greeting, framing (framer.ts), dispatch from the command table by state (commands.ts), the
 * tagged completion with the untagged updates owed to the client (view.ts), and the exchanges that take
 * over the connection for a while: AUTHENTICATE continuations (§6.2.2, SASL-IR RFC 4959), IDLE (RFC
 * 2177) and STARTTLS (§6.2.1). An autologout timer ends forgotten sessions (§5.4).
 * Imports sandbox/ modules; never node:net or node:tls (server.ts owns the socket).
 */
import { isMailprobeError, LimitError } from '../../util/errors.js';
import type { MailStore } from '../store.js';
import type { SandboxUser, UserDirectory } from '../users.js';
import type { SaslServer, SaslStep } from '../pop3/sasl.js';
import { SERVER_MECHANISMS } from '../pop3/sasl.js';
import { COMMANDS, ImapState, type Completion } from './commands.js';
import { CommandFailure, ResponseCode } from './failure.js';
import { CommandFramer, type FramerEvent } from './framer.js';
import { ImapServerLimits } from './limits.js';
import { Cursor } from './parser.js';
import { concat, line, type Piece } from './response.js';
import type { SelectedView, ViewRegistry } from './view.js';

/** The connection under a session, as the session needs it. */
export interface ImapTransport {
  write(bytes: Buffer): void;
  /** True once TLS is up (implicit TLS, or after STARTTLS). */
  readonly secure: boolean;
  /** RFC 3501 §6.2.1: negotiate TLS now (the OK has been written); rejects if the handshake fails. */
  startTls(): Promise<void>;
  /** Closes the connection once what was written is sent. */
  end(): void;
}

export interface ImapServerContext {
  users: UserDirectory;
  store: MailStore;
  views: ViewRegistry;
  /** RFC 3501 §6.3.6 SUBSCRIBE: user → subscribed names (kept when a mailbox is deleted, as the RFC says). */
  subscriptions: Map<string, Set<string>>;
  /** The host name in the greeting and CRAM-MD5 challenges. */
  hostname: string;
  /** Autologout after this much silence (default ImapServerLimits). */
  idleMs?: number;
  unauthenticatedIdleMs?: number;
}

/** RFC 3501 §6.2.2: the client's "*" cancels an exchange. */
const SASL_CANCEL = '*';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type Mode =
  | { kind: 'commands' }
  | { kind: 'sasl'; tag: string; server: SaslServer }
  | { kind: 'idle'; tag: string }
  /** STARTTLS answered: nothing is read until the handshake is over (RFC 3501 §6.2.1). */
  | { kind: 'tls' }
  | { kind: 'closed' };

export class ImapSession {
  readonly context: ImapServerContext;
  state: ImapState = ImapState.NOT_AUTHENTICATED;
  user: SandboxUser | undefined;
  view: SelectedView | undefined;
  private readonly transport: ImapTransport;
  private readonly framer = new CommandFramer();
  private mode: Mode = { kind: 'commands' };
  private timer: NodeJS.Timeout | undefined;

  constructor(transport: ImapTransport, context: ImapServerContext) {
    this.transport = transport;
    this.context = context;
  }

  get secure(): boolean {
    return this.transport.secure;
  }

  // RFC 3501 §7.1.1: the greeting is an untagged OK; the capabilities come with it, as Dovecot does.
  start(): void {
    this.untagged('OK [CAPABILITY ', this.capabilities().join(' '), `] ${this.context.hostname} mailprobe sandbox IMAP4rev1 ready`);
    this.armTimer();
  }

  /** RFC 3501 §7.2.1 CAPABILITY: what this session may use now. */
  capabilities(): string[] {
    const caps = ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UNSELECT', 'UIDPLUS', 'MOVE', 'CHILDREN'];
    if (this.state === ImapState.NOT_AUTHENTICATED) {
      if (!this.secure) caps.push('STARTTLS');
      caps.push(...SERVER_MECHANISMS.map((mechanism) => `AUTH=${mechanism}`));
    }
    return caps;
  }

  receive(chunk: Buffer): void {
    if (this.reading()) this.armTimer();
    for (const event of this.reading() ? this.framer.push(chunk) : []) {
      this.handle(event);
      // After STARTTLS or LOGOUT the rest of the chunk is not read (RFC 2595 §3.1).
      if (!this.reading()) return;
    }
  }

  private reading(): boolean {
    return this.mode.kind !== 'closed' && this.mode.kind !== 'tls';
  }

  /** The peer went away: forget the view and the timer. */
  closed(): void {
    this.mode = { kind: 'closed' };
    clearTimeout(this.timer);
    this.select(undefined);
  }

  /** The server is stopping: "* BYE" (RFC 3501 §7.1.5), then close. */
  shutdown(): void {
    if (this.mode.kind === 'closed') return;
    this.untagged('BYE [UNAVAILABLE] Server shutting down');
    this.end();
  }

  /** An untagged response line: "* " and its pieces. */
  untagged(...pieces: Piece[]): void {
    this.write(line('* ', ...pieces));
  }

  write(bytes: Buffer): void {
    if (this.mode.kind !== 'closed') this.transport.write(bytes);
  }

  login(user: SandboxUser): void {
    this.user = user;
    this.state = ImapState.AUTHENTICATED;
    this.armTimer();
  }

  /** Makes `view` the selected mailbox (undefined: none), registering it for the store's changes. */
  select(view: SelectedView | undefined): void {
    if (this.view) this.context.views.remove(this.view);
    this.view = view;
    if (view) this.context.views.add(view);
    if (this.state !== ImapState.NOT_AUTHENTICATED && this.state !== ImapState.LOGOUT) {
      this.state = view ? ImapState.SELECTED : ImapState.AUTHENTICATED;
    }
  }

  /** RFC 3501 §6.2.2: runs a SASL exchange; `initial` is the SASL-IR initial response (RFC 4959). */
  beginSasl(tag: string, server: SaslServer, initial: Buffer | undefined): void {
    this.mode = { kind: 'sasl', tag, server };
    this.saslStep(tag, server.start(initial));
  }

  // RFC 2177 §3: "+" then updates as they happen, until DONE.
  beginIdle(tag: string): void {
    this.mode = { kind: 'idle', tag };
    this.write(line('+ idling'));
    if (this.view) {
      const view = this.view;
      view.onChange = () => this.write(concat(view.flush(true, false)));
      view.onChange();
    }
  }

  // RFC 3501 §6.2.1: OK, then the handshake; bytes pipelined after STARTTLS are dropped (RFC 2595 §3.1).
  beginTls(tag: string): void {
    this.write(line(`${tag} OK Begin TLS negotiation now`));
    this.mode = { kind: 'tls' };
    this.framer.reset();
    this.transport.startTls().then(
      () => {
        if (this.mode.kind === 'tls') this.mode = { kind: 'commands' };
      },
      () => this.end(),
    );
  }

  // RFC 3501 §6.1.3: BYE, then the tagged OK, then close.
  logout(tag: string): void {
    this.untagged('BYE Logging out');
    this.write(line(`${tag} OK Logout completed`));
    this.state = ImapState.LOGOUT;
    this.end();
  }

  private end(): void {
    this.transport.end();
    this.closed();
  }

  private armTimer(): void {
    clearTimeout(this.timer);
    const ms =
      this.state === ImapState.NOT_AUTHENTICATED
        ? (this.context.unauthenticatedIdleMs ?? ImapServerLimits.unauthenticatedIdleMs)
        : (this.context.idleMs ?? ImapServerLimits.idleMs);
    this.timer = setTimeout(() => {
      this.untagged('BYE Autologout; idle for too long');
      this.end();
    }, ms);
  }

  private handle(event: FramerEvent): void {
    switch (event.kind) {
      case 'continue':
        // RFC 3501 §7.5: ready for the literal.
        if (this.mode.kind === 'commands') this.write(line('+ Ready for literal data'));
        return;
      case 'refused':
        return this.refuse(event.error, event.prefix, event.fatal);
      case 'command':
        switch (this.mode.kind) {
          case 'sasl':
            return this.saslResponse(this.mode.tag, this.mode.server, event.bytes);
          case 'idle':
            return this.idleLine(this.mode.tag, event.bytes);
          default:
            return this.runCommand(event.bytes);
        }
    }
  }

  private refuse(error: LimitError, prefix: Buffer, fatal: boolean): void {
    const tag = /^[\x21\x23\x24\x26\x27\x2c-\x5b\x5d-\x7a\x7c-\x7e]+(?= )/.exec(prefix.toString('latin1'))?.[0];
    this.write(line(tag ?? '*', ` BAD [${ResponseCode.TOOBIG}] ${error.message}`));
    if (fatal) {
      this.untagged('BYE Too much data without a continuation');
      this.end();
    }
  }

  // RFC 3501 §9 command = tag SP (command-any / command-auth / command-nonauth / command-select) CRLF
  private runCommand(bytes: Buffer): void {
    const args = new Cursor(bytes);
    let tag = '*';
    let allowExpunge = true;
    let withUid = false;
    try {
      tag = args.tag();
      args.sp();
      const name = args.atom().toUpperCase();
      const spec = COMMANDS[name];
      if (!spec) throw new CommandFailure('BAD', `unknown command ${name}`);
      if (!spec.states.includes(this.state)) throw new CommandFailure('BAD', `${name} is not allowed in the ${this.state} state`);
      withUid = name === 'UID';
      allowExpunge = !spec.defersExpunge;
      const completion = spec.run({ session: this, tag, name, args, uid: false });
      if (completion) this.complete(tag, 'OK', completion, allowExpunge, withUid);
    } catch (err) {
      this.complete(tag, ...failureOf(err), allowExpunge, withUid);
    }
  }

  private complete(tag: string, status: string, completion: Completion, allowExpunge: boolean, withUid: boolean): void {
    const updates = this.view && this.mode.kind === 'commands' && tag !== '*' ? this.view.flush(allowExpunge, withUid) : [];
    const code = completion.code ? `[${completion.code}] ` : '';
    this.write(concat([...updates, line(`${tag} ${status} ${code}${completion.text}`)]));
  }

  private saslStep(tag: string, step: SaslStep): void {
    if (step.kind === 'challenge') {
      this.write(line('+ ', step.data.toString('base64')));
      return;
    }
    this.mode = { kind: 'commands' };
    if (!step.user) {
      this.write(line(`${tag} NO [${ResponseCode.AUTHENTICATIONFAILED}] Authentication failed`));
      return;
    }
    this.login(step.user);
    this.write(line(`${tag} OK [CAPABILITY ${this.capabilities().join(' ')}] Logged in`));
  }

  private saslResponse(tag: string, server: SaslServer, bytes: Buffer): void {
    const text = bytes.toString('latin1').trim();
    if (text === SASL_CANCEL) {
      this.mode = { kind: 'commands' };
      this.write(line(`${tag} BAD AUTHENTICATE cancelled`));
      return;
    }
    if (!BASE64.test(text)) {
      this.mode = { kind: 'commands' };
      this.write(line(`${tag} BAD invalid base64 in the SASL response`));
      return;
    }
    this.saslStep(tag, server.respond(Buffer.from(text, 'base64')));
  }

  private idleLine(tag: string, bytes: Buffer): void {
    this.mode = { kind: 'commands' };
    if (this.view) this.view.onChange = undefined;
    if (bytes.toString('latin1').trim().toUpperCase() === 'DONE') {
      this.complete(tag, 'OK', { text: 'IDLE terminated' }, true, false);
    } else {
      this.write(line(`${tag} BAD expected DONE to end IDLE`));
    }
  }
}

/** What a thrown error means for the tagged response. */
function failureOf(err: unknown): [string, Completion] {
  if (err instanceof CommandFailure) return [err.status, err.code ? { text: err.message, code: err.code } : { text: err.message }];
  if (err instanceof LimitError) return ['NO', { text: err.message, code: ResponseCode.OVERQUOTA }];
  if (isMailprobeError(err)) return ['BAD', { text: err.message }];
  return ['NO', { text: `internal error: ${err instanceof Error ? err.message : String(err)}`, code: ResponseCode.SERVERBUG }];
}

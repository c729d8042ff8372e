/**
 * One POP3 server session (RFC 1939) over a transport that carries bytes: the greeting with its APOP
 * timestamp, command dispatch from the state table (commands.ts), USER/PASS and APOP (RFC 1939 §7), AUTH
 * (RFC 5034), STLS (RFC 2595 §4), CAPA (RFC 2449 §5), the TRANSACTION commands over a Maildrop, and the
 * UPDATE state on QUIT. The maildrop lock is taken at login and released when the session ends.
 * Imports node:crypto and sandbox/ modules; never node:net or node:tls (server.ts owns the socket).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MailStore, StoredMessage } from '../store.js';
import type { SandboxUser, UserDirectory } from '../users.js';
import { CRLF, multilineBody, topOf } from './codec.js';
import { Pop3State, isAllowed, isPop3Command, parseCommandLine, type ParsedCommand, type Pop3Command } from './commands.js';
import { Maildrop, type MaildropLocks } from './maildrop.js';
import { Pop3Reply } from './replies.js';
import { SERVER_MECHANISMS, createSaslServer, isServerMechanism, type SaslServer, type SaslStep } from './sasl.js';

/** The connection under a session, as the session needs it. */
export interface Pop3Transport {
  write(bytes: Buffer): void;
  /** True once TLS is up (implicit TLS, or after STLS). */
  readonly secure: boolean;
  /** RFC 2595 §4: negotiate TLS now (the +OK has been written); rejects if the handshake fails. */
  startTls(): Promise<void>;
  /** Closes the connection once what was written is sent. */
  end(): void;
}

export interface Pop3SessionContext {
  users: UserDirectory;
  store: MailStore;
  locks: MaildropLocks;
  /** The host name in the APOP timestamp and CRAM-MD5 challenges. */
  hostname: string;
}

/** RFC 5034 §4: the client's "*" cancels an exchange. */
const SASL_CANCEL = '*';
/** RFC 5034 §4: a zero-length initial response is sent as "=". */
const EMPTY_INITIAL_RESPONSE = '=';
/** RFC 4648 §4 base64, padded; the empty string is a valid (empty) response. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** RFC 1939 §5: a message number is a decimal of at most a few digits; no signs, no spaces. */
const NUMBER = /^\d{1,9}$/;

type Handler = (command: ParsedCommand) => void | Promise<void>;

function decodeBase64(text: string): Buffer | undefined {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

export class Pop3Session {
  private state: Pop3State = Pop3State.AUTHORIZATION;
  /** RFC 1939 §4: the APOP timestamp, an RFC 822 msg-id unique to this greeting. */
  private readonly timestamp: string;
  /** The name from a successful USER, waiting for PASS. */
  private pendingUser: string | undefined;
  private maildrop: Maildrop | undefined;
  private sasl: SaslServer | undefined;
  private finished = false;
  /** Aborted when the session ends, so that a login waiting for the lock stops waiting. */
  private readonly ending = new AbortController();
  private readonly handlers: Record<Pop3Command, Handler>;

  constructor(
    private readonly transport: Pop3Transport,
    private readonly context: Pop3SessionContext,
  ) {
    this.timestamp = `<${process.pid}.${randomBytes(6).toString('hex')}.${Date.now()}@${context.hostname}>`;
    this.handlers = {
      USER: (c) => this.user(c),
      PASS: (c) => this.pass(c),
      APOP: (c) => this.apop(c),
      AUTH: (c) => this.auth(c),
      STLS: () => this.stls(),
      CAPA: () => this.capa(),
      QUIT: () => this.quit(),
      STAT: () => this.stat(),
      LIST: (c) => this.listing(c, (message) => String(message.bytes.length)),
      UIDL: (c) => this.listing(c, (message) => this.maildrop!.uniqueId(message)),
      RETR: (c) => this.retr(c),
      TOP: (c) => this.top(c),
      DELE: (c) => this.dele(c),
      NOOP: () => this.reply(Pop3Reply.ok()),
      RSET: () => this.rset(),
    };
  }

  /** The state the session is in, for tests and the server's logs. */
  get currentState(): Pop3State {
    return this.state;
  }

  greet(): void {
    this.reply(Pop3Reply.greeting(this.timestamp));
  }

  /** Handles one command line (without CRLF). Lines must be handed over one at a time, in order. */
  async handle(line: Buffer): Promise<void> {
    if (this.finished) return;
    const text = line.toString('utf8');
    if (this.sasl) return this.saslResponse(text);
    const command = parseCommandLine(text);
    if (!isPop3Command(command.keyword)) return this.reply(Pop3Reply.unknownCommand(command.keyword));
    // RFC 1939 §3: a command in the wrong state gets -ERR (and the state stays as it is).
    if (!isAllowed(command.keyword, this.state)) return this.reply(Pop3Reply.wrongState(command.keyword, this.state));
    await this.handlers[command.keyword](command);
  }

  /** The connection is gone: without QUIT there is no UPDATE state (RFC 1939 §6), only the lock is freed. */
  ended(): void {
    this.finished = true;
    this.ending.abort();
    if (this.maildrop) this.context.locks.release(this.maildrop.user);
    this.maildrop = undefined;
  }

  private reply(statusLine: string, body?: Buffer): void {
    const head = [Buffer.from(statusLine, 'utf8'), CRLF];
    this.transport.write(Buffer.concat(body ? [...head, ...multilineBody(body)] : head));
  }

  // --- AUTHORIZATION (RFC 1939 §4, §7; RFC 5034; RFC 2595) ---

  private user(command: ParsedCommand): void {
    if (command.args.length !== 1) return this.reply(Pop3Reply.syntax('USER name'));
    this.pendingUser = command.args[0];
    this.reply(Pop3Reply.ok());
  }

  /** RFC 1939 §7: PASS string, the whole rest of the line (it may contain spaces). */
  private async pass(command: ParsedCommand): Promise<void> {
    const name = this.pendingUser;
    this.pendingUser = undefined;
    if (name === undefined) return this.reply(Pop3Reply.userFirst);
    const user = this.context.users.findLogin(name);
    const given = Buffer.from(command.rest, 'utf8');
    const expected = Buffer.from(user?.password ?? '', 'utf8');
    const matches = user !== undefined && given.length === expected.length && timingSafeEqual(given, expected);
    return this.login(matches ? user : undefined);
  }

  /** RFC 1939 §7: APOP name digest, digest = MD5(timestamp + password) in lower-case hex. */
  private async apop(command: ParsedCommand): Promise<void> {
    const [name, digest] = command.args;
    if (command.args.length !== 2 || name === undefined || digest === undefined) return this.reply(Pop3Reply.syntax('APOP name digest'));
    const user = this.context.users.findLogin(name);
    const expected = user && createHash('md5').update(Buffer.from(this.timestamp + user.password, 'utf8')).digest('hex');
    return this.login(expected !== undefined && expected === digest.toLowerCase() ? user : undefined);
  }

  /** RFC 5034 §4: AUTH mechanism [initial-response]. */
  private async auth(command: ParsedCommand): Promise<void> {
    const [name, initial] = command.args;
    if (name === undefined || command.args.length > 2) return this.reply(Pop3Reply.syntax('AUTH mechanism [initial-response]'));
    const mechanism = name.toUpperCase();
    if (!isServerMechanism(mechanism)) return this.reply(Pop3Reply.unknownMechanism(mechanism));
    let initialResponse: Buffer | undefined;
    if (initial !== undefined) {
      initialResponse = initial === EMPTY_INITIAL_RESPONSE ? Buffer.alloc(0) : decodeBase64(initial);
      if (!initialResponse) return this.reply(Pop3Reply.badBase64);
    }
    this.sasl = createSaslServer(mechanism, this.context.users, this.context.hostname);
    return this.saslStep(this.sasl.start(initialResponse));
  }

  private async saslResponse(text: string): Promise<void> {
    if (text === SASL_CANCEL) {
      this.sasl = undefined;
      return this.reply(Pop3Reply.authCancelled);
    }
    const response = decodeBase64(text);
    if (!response) {
      this.sasl = undefined;
      return this.reply(Pop3Reply.badBase64);
    }
    return this.saslStep(this.sasl!.respond(response));
  }

  /** RFC 5034 §4: a challenge is "+" SP base64 (nothing after "+ " when empty); the outcome ends it. */
  private async saslStep(step: SaslStep): Promise<void> {
    if (step.kind === 'challenge') return this.reply(`+ ${step.data.toString('base64')}`);
    this.sasl = undefined;
    return this.login(step.user);
  }

  /**
   * RFC 1939 §7: a good login takes the maildrop lock (waiting a little for a session that holds it) and
   * enters TRANSACTION; a maildrop that stays locked is refused with IN-USE.
   */
  private async login(user: SandboxUser | undefined): Promise<void> {
    if (!user) return this.reply(Pop3Reply.authFailed);
    const locked = await this.context.locks.acquire(user.name, this.ending.signal);
    if (this.finished) {
      // The connection went away while waiting: the lock, if it came, goes straight on.
      if (locked) this.context.locks.release(user.name);
      return;
    }
    if (!locked) return this.reply(Pop3Reply.inUse);
    try {
      this.maildrop = new Maildrop(this.context.store, user.name);
    } catch (err) {
      this.context.locks.release(user.name);
      throw err;
    }
    this.state = Pop3State.TRANSACTION;
    const { count, octets } = this.maildrop.stat();
    this.reply(Pop3Reply.ok(`Logged in, ${count} messages (${octets} octets)`));
  }

  /** RFC 2595 §4: +OK, then TLS; a failed handshake ends the session (the socket is unusable). */
  private async stls(): Promise<void> {
    if (this.transport.secure) return this.reply(Pop3Reply.alreadySecure);
    this.reply(Pop3Reply.beginTls);
    try {
      await this.transport.startTls();
    } catch {
      this.finish();
      return;
    }
    // RFC 2595 §4: the client must discard what it learnt; the server forgets a pending USER too.
    this.pendingUser = undefined;
  }

  /** RFC 2449 §5: the capabilities of the current state, one per line. */
  private capa(): void {
    const lines = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'EXPIRE NEVER', 'IMPLEMENTATION mailprobe-sandbox'];
    if (this.state === Pop3State.AUTHORIZATION) {
      lines.push('USER', `SASL ${SERVER_MECHANISMS.join(' ')}`);
      if (!this.transport.secure) lines.push('STLS');
    }
    this.reply(Pop3Reply.ok('Capability list follows'), Buffer.from(lines.map((line) => `${line}\r\n`).join('')));
  }

  /** RFC 1939 §4 (AUTHORIZATION) and §6 (UPDATE): commit the deletions, release the lock, close. */
  private quit(): void {
    const maildrop = this.maildrop;
    if (maildrop) {
      this.state = Pop3State.UPDATE;
      this.reply(maildrop.commit() ? Pop3Reply.loggedOut : Pop3Reply.commitFailed);
    } else {
      this.reply(Pop3Reply.loggedOut);
    }
    this.finish();
  }

  private finish(): void {
    this.ended();
    this.transport.end();
  }

  // --- TRANSACTION (RFC 1939 §5, §7) ---

  private stat(): void {
    const { count, octets } = this.maildrop!.stat();
    this.reply(Pop3Reply.ok(`${count} ${octets}`));
  }

  /** LIST and UIDL: one message with an argument, else a multi-line listing of the undeleted ones. */
  private listing(command: ParsedCommand, value: (message: StoredMessage) => string): void {
    const keyword = command.keyword as 'LIST' | 'UIDL';
    if (command.args.length === 0) {
      const lines = this.maildrop!.undeleted().map(({ number, message }) => `${number} ${value(message)}\r\n`);
      return this.reply(Pop3Reply.ok(`${lines.length} messages`), Buffer.from(lines.join('')));
    }
    const message = this.messageArgument(command, `${keyword} [msg]`, 1);
    if (message) this.reply(Pop3Reply.ok(`${command.args[0]} ${value(message)}`));
  }

  private retr(command: ParsedCommand): void {
    const message = this.messageArgument(command, 'RETR msg', 1);
    if (message) this.reply(Pop3Reply.ok(`${message.bytes.length} octets`), message.bytes);
  }

  private top(command: ParsedCommand): void {
    const lines = command.args[1];
    if (lines === undefined || !NUMBER.test(lines)) return this.reply(Pop3Reply.syntax('TOP msg n'));
    const message = this.messageArgument(command, 'TOP msg n', 2);
    if (message) this.reply(Pop3Reply.ok(), topOf(message.bytes, Number(lines)));
  }

  private dele(command: ParsedCommand): void {
    const message = this.messageArgument(command, 'DELE msg', 1);
    if (!message) return;
    this.maildrop!.markDeleted(Number(command.args[0]));
    this.reply(Pop3Reply.ok('Marked to be deleted'));
  }

  private rset(): void {
    this.maildrop!.reset();
    const { count, octets } = this.maildrop!.stat();
    this.reply(Pop3Reply.ok(`${count} messages (${octets} octets)`));
  }

  /** The message named by the first argument, or undefined after replying -ERR. */
  private messageArgument(command: ParsedCommand, usage: string, argCount: number): StoredMessage | undefined {
    const number = command.args[0];
    if (command.args.length !== argCount || number === undefined || !NUMBER.test(number)) {
      this.reply(Pop3Reply.syntax(usage));
      return undefined;
    }
    const message = this.maildrop!.get(Number(number));
    if (message === undefined) this.reply(Pop3Reply.noSuchMessage);
    else if (message === 'deleted') this.reply(Pop3Reply.messageDeleted);
    else return message;
    return undefined;
  }
}


/**
 * One POP3 client session (RFC 1939) over a wire Connection: performs the runner's step actions — command
 * lines (multi-line responses for CAPA, LIST, UIDL, RETR, TOP), raw bytes (pipelining, RFC 2449 §6.6), the
 * greeting, STLS (RFC 2595 §4), USER/PASS and APOP (RFC 1939 §7), AUTH (RFC 5034), closing — and returns
 * the reply each one read. Passwords, APOP digests and SASL payloads are recorded as secrets.
 * Imports wire/, protocols/shared/ and util/; never node:net / node:tls.
 */
import { formatDuration } from '../../util/duration.js';
import { ErrorCode, MailprobeError, ProtocolError } from '../../util/errors.js';
import type { Connection } from '../../wire/connection.js';
import { excerpt } from '../../wire/printable.js';
import { createSaslClient, decodeBase64 } from '../shared/sasl.js';
import { WireSession, type ProtocolAction } from '../shared/wire-session.js';
import type { Reply, StepAction, StepContext } from '../types.js';
import { Pop3ReplyDecoder, replyText, type Pop3Reply } from './codec.js';
import { SASL_CANCEL, Status } from './codes.js';
import { apopDigest, apopTimestamp, authCommand, commandLabel, isMultilineCommand, splitCommandLines } from './commands.js';

const CRLF = '\r\n';

type AuthAction = Extract<StepAction, { kind: 'auth' }>;

interface CommandOptions {
  /** Overrides the command table (a step's `multiline:`). */
  multiline?: boolean;
  /** How the command is named in errors; default: commandLabel of the line. */
  label?: string;
  /** Record the line from this offset on as a secret. */
  redactFrom?: number;
}

function toReplyOrNone(reply: Pop3Reply | undefined): Reply | undefined {
  if (!reply) return undefined;
  const out: Reply = { status: reply.status, text: replyText(reply) };
  if (reply.body) out.body = reply.body;
  return out;
}

function isTimeout(err: unknown): boolean {
  return err instanceof MailprobeError && err.code === ErrorCode.TIMEOUT;
}

export class Pop3Session extends WireSession<Pop3Reply> {
  private decoder = new Pop3ReplyDecoder();
  /** RFC 1939 §4: the first reply is the greeting; APOP needs its timestamp. */
  private greeting: Buffer | undefined;
  /** The unfinished last line of raw bytes, so that a command split over raw steps is seen whole. */
  private rawCarry: Buffer = Buffer.alloc(0);
  /** Replies a body's last chunk completed after the one returned (pipelining): the next reads return them. */
  private ready: Pop3Reply[] = [];

  constructor(connection: Connection) {
    super(connection, toReplyOrNone);
    this.decoder.expect({ multiline: false, what: 'the greeting' });
  }

  protected override async dispatch(action: ProtocolAction, ctx: StepContext): Promise<Pop3Reply | undefined> {
    switch (action.kind) {
      case 'send':
        return this.command(action.text, ctx, action.multiline === undefined ? {} : { multiline: action.multiline });
      case 'raw':
        await this.sendRaw(action.bytes, ctx);
        return action.read ? this.readReply(ctx) : undefined;
      case 'read':
        return this.readReply(ctx);
      case 'starttls':
        return this.stls(ctx);
      case 'auth':
        return this.authenticate(action, ctx);
      case 'message':
        throw new MailprobeError(ErrorCode.UNSUPPORTED, 'message is an SMTP or IMAP step: POP3 cannot store messages');
      case 'idle':
        throw new MailprobeError(ErrorCode.UNSUPPORTED, 'idle is an IMAP step: POP3 has no IDLE (poll with STAT instead)');
    }
  }

  /** RFC 2595 §4: STLS; TLS starts only on +OK, any other reply is returned for the step to judge. */
  private async stls(ctx: StepContext): Promise<Pop3Reply> {
    const reply = await this.command('STLS', ctx);
    if (reply.status !== Status.OK) return reply;
    // Bytes a body's last chunk carried past the STLS reply would otherwise be dropped unseen.
    if (this.decoder.buffered > 0 || this.ready.length > 0) {
      throw new MailprobeError(ErrorCode.PROTOCOL, 'server sent more after its STLS reply, before the TLS handshake; refused (RFC 2595 §4, STARTTLS command injection)');
    }
    await this.connection.upgradeTls({ timeoutMs: ctx.timeoutMs, signal: ctx.signal });
    // RFC 2595 §4: the client discards what it learnt before the handshake; replies start afresh.
    this.decoder = new Pop3ReplyDecoder();
    return reply;
  }

  /** `mechanism: USER` and `APOP` are RFC 1939 §7 commands; the rest are SASL (RFC 5034). */
  private authenticate(action: AuthAction, ctx: StepContext): Promise<Pop3Reply> {
    switch (action.mechanism.toUpperCase()) {
      case 'USER':
        return this.userPass(action, ctx);
      case 'APOP':
        return this.apop(action, ctx);
      default:
        return this.sasl(action, ctx);
    }
  }

  /** RFC 1939 §7: USER name, then PASS string once USER got +OK; a -ERR to USER ends the step. */
  private async userPass(action: AuthAction, ctx: StepContext): Promise<Pop3Reply> {
    const user = await this.command(`USER ${action.username}`, ctx);
    if (user.status !== Status.OK) return user;
    const pass = 'PASS ';
    return this.command(`${pass}${action.password}`, ctx, { redactFrom: pass.length });
  }

  /** RFC 1939 §7: APOP name digest, the MD5 digest of the greeting's timestamp and the password. */
  private apop(action: AuthAction, ctx: StepContext): Promise<Pop3Reply> {
    if (!this.greeting) {
      throw new MailprobeError(ErrorCode.CONFIG, 'APOP needs the timestamp of the greeting (RFC 1939 §7): read the greeting first');
    }
    const timestamp = apopTimestamp(this.greeting);
    if (!timestamp) {
      throw new MailprobeError(ErrorCode.UNSUPPORTED, `APOP needs a timestamp in the greeting (RFC 1939 §7), and "${excerpt(this.greeting)}" has none`);
    }
    const prefix = `APOP ${action.username} `;
    return this.command(prefix + apopDigest(timestamp, action.password), ctx, { redactFrom: prefix.length });
  }

  /**
   * RFC 5034 §4: AUTH mechanism [initial-response]; each "+" challenge gets a base64 line; "*" cancels when
   * the mechanism has no answer left; the exchange ends with +OK or -ERR.
   */
  private async sasl(action: AuthAction, ctx: StepContext): Promise<Pop3Reply> {
    const client = createSaslClient(action.mechanism, action);
    const label = `AUTH ${client.mechanism}`;
    const command = authCommand(client.mechanism, client.initialResponse);
    // Too long to go with the command: it answers the first (empty) challenge instead.
    let unsent = command.initialResponseAt === undefined ? client.initialResponse : undefined;
    const options: CommandOptions = command.initialResponseAt === undefined ? { label } : { label, redactFrom: command.initialResponseAt };
    let reply = await this.command(command.line, ctx, options);
    while (reply.status === Status.CONTINUE) {
      const answer = unsent ?? client.respond(this.challengeOf(reply, label));
      unsent = undefined;
      reply =
        answer === undefined
          ? await this.command(SASL_CANCEL, ctx, { label: `${label} cancellation` })
          : await this.command(answer.toString('base64'), ctx, { label: `${label} response`, redactFrom: 0 });
    }
    return reply;
  }

  /** RFC 5034 §4: continue-req = "+" SP [base64]; an empty challenge is zero bytes. */
  private challengeOf(reply: Pop3Reply, label: string): Buffer {
    const challenge = decodeBase64(reply.text.toString('latin1').trim());
    if (!challenge) throw new ProtocolError(`"+" challenge is not base64: "${excerpt(reply.statusLine)}" while reading reply to ${label}`, 2);
    return challenge;
  }

  /** Sends one command line and reads its reply, multi-line when the command table (or the step) says so. */
  private async command(line: string, ctx: StepContext, options: CommandOptions = {}): Promise<Pop3Reply> {
    const label = options.label ?? commandLabel(line);
    // A line sent whole completes (and replaces) whatever raw bytes left unfinished.
    this.rawCarry = Buffer.alloc(0);
    this.decoder.expect({ multiline: options.multiline ?? isMultilineCommand(line), what: `reply to ${label}` });
    await this.connection.write(Buffer.from(line + CRLF, 'utf8'), {
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
      waitingFor: `sending ${label}`,
      redactFrom: options.redactFrom,
    });
    return this.readReply(ctx);
  }

  /** Raw bytes: every command line they complete announces its reply, so later reads know its shape. */
  private async sendRaw(bytes: Buffer, ctx: StepContext): Promise<void> {
    const { lines, rest } = splitCommandLines(this.rawCarry, bytes);
    this.rawCarry = rest;
    for (const line of lines) this.decoder.expect({ multiline: isMultilineCommand(line), what: `reply to ${commandLabel(line)}` });
    await this.connection.write(bytes, { timeoutMs: ctx.timeoutMs, signal: ctx.signal, waitingFor: 'sending raw bytes' });
  }

  /**
   * Reads until the next reply is complete: its status line as a line, a multi-line body as it arrives (one
   * chunk holds many lines). The status line may take the step's timeout; a multi-line body must be complete
   * within the same timeout, counted from the start of the read.
   */
  private async readReply(ctx: StepContext): Promise<Pop3Reply> {
    const started = performance.now();
    for (let reply = this.ready.shift(); ; reply = this.ready.shift()) {
      if (reply) {
        this.greeting ??= reply.statusLine;
        return reply;
      }
      const { what } = this.decoder.pending;
      const inBody = this.decoder.readingBody;
      const timeoutMs = inBody ? Math.max(1, ctx.timeoutMs - (performance.now() - started)) : ctx.timeoutMs;
      const options = { timeoutMs, signal: ctx.signal, waitingFor: `reading ${what}` };
      let bytes: Buffer;
      try {
        bytes = inBody ? await this.connection.readAvailable(options) : await this.connection.readLine({ ...options, keepLineEnding: true });
      } catch (err) {
        if (inBody && isTimeout(err)) {
          throw new MailprobeError(ErrorCode.TIMEOUT, `multi-line ${what} not finished within ${formatDuration(ctx.timeoutMs)}`);
        }
        throw err;
      }
      this.ready = this.decoder.push(bytes);
    }
  }
}

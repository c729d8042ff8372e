/**
 * One SMTP client session (RFC 5321) over a wire Connection: performs the runner's step actions — command
 * lines, raw bytes (pipelining, RFC 2920), replies, STARTTLS (RFC 3207), AUTH (RFC 4954), DATA
 * (RFC 5321 §4.1.1.4) or BDAT (RFC 3030), closing — and returns the reply each one read.
 * Imports wire/, protocols/shared/ and util/; never node:net / node:tls.
 */
import { ErrorCode, MailprobeError, ProtocolError } from '../../util/errors.js';
import { WRITTEN, type Connection } from '../../wire/connection.js';
import { excerpt } from '../../wire/printable.js';
import { encodeDataBody } from '../shared/dot-stuffing.js';
import { createSaslClient, decodeBase64 } from '../shared/sasl.js';
import { WireSession, type ProtocolAction } from '../shared/wire-session.js';
import type { Reply, StepAction, StepContext } from '../types.js';
import { ReplyCode } from './codes.js';
import { replyText, SmtpReplyDecoder, type SmtpReply } from './codec.js';

const CRLF = '\r\n';

/** What a command is called in messages: its verb, plus FROM / TO for MAIL and RCPT ("MAIL FROM"). */
export function commandName(line: string): string {
  const m = /^\s*([A-Za-z0-9-]+)(?:\s+(FROM|TO)(?=\s*:))?/i.exec(line);
  if (!m) return 'command';
  return (m[2] ? `${m[1]} ${m[2]}` : m[1]!).toUpperCase();
}

function toReplyOrNone(reply: SmtpReply | undefined): Reply | undefined {
  return reply && { status: reply.code, text: replyText(reply) };
}

export class SmtpSession extends WireSession<SmtpReply> {
  private decoder = new SmtpReplyDecoder();
  /** Until something is sent, a bare read is reading the greeting (RFC 5321 §3.1). */
  private sentAnything = false;

  constructor(connection: Connection) {
    super(connection, toReplyOrNone);
  }

  /** Not async: a command's promise is the read's own, with no promise of a function around it. */
  protected override dispatch(action: ProtocolAction, ctx: StepContext): Promise<SmtpReply | undefined> {
    switch (action.kind) {
      case 'send':
        return this.exchange(Buffer.from(action.text + CRLF, 'utf8'), commandName(action.text), ctx);
      case 'raw':
        return this.raw(action.bytes, action.read, ctx);
      case 'read':
        return this.readReply(ctx, this.sentAnything ? 'reading the next reply' : 'reading the greeting');
      case 'starttls':
        return this.starttls(ctx);
      case 'auth':
        return this.authenticate(action, ctx);
      case 'message':
        return action.chunking ? this.bdat(action.bytes, ctx) : this.data(action.bytes, ctx);
      case 'idle':
        throw new MailprobeError(ErrorCode.UNSUPPORTED, 'idle is an IMAP step: SMTP has no IDLE');
    }
    // An HTTP request never reaches an SMTP session (the scenario loader keeps steps to their protocol).
    return Promise.resolve(undefined);
  }

  /** Raw bytes (pipelining, RFC 2920), and the reply they ask for when the step expects one. */
  private async raw(bytes: Buffer, read: boolean, ctx: StepContext): Promise<SmtpReply | undefined> {
    await this.send(bytes, 'raw bytes', ctx);
    return read ? this.readReply(ctx, 'reading reply to raw bytes') : undefined;
  }

  /** RFC 3207 §4: STARTTLS; TLS starts only on 220, any other reply is returned for the step to judge. */
  private async starttls(ctx: StepContext): Promise<SmtpReply> {
    const reply = await this.exchange(Buffer.from(`STARTTLS${CRLF}`), 'STARTTLS', ctx);
    if (reply.code !== ReplyCode.SERVICE_READY) return reply;
    await this.connection.upgradeTls({ timeoutMs: ctx.timeoutMs, signal: ctx.signal });
    // RFC 3207 §4.2: the session starts afresh after the handshake.
    this.decoder = new SmtpReplyDecoder();
    return reply;
  }

  /**
   * RFC 4954 §4: AUTH mechanism [initial-response]; each 334 challenge gets a base64 response; "*" cancels
   * when the mechanism has no answer left. Every payload is recorded as a secret.
   */
  private async authenticate(action: Extract<StepAction, { kind: 'auth' }>, ctx: StepContext): Promise<SmtpReply> {
    const client = createSaslClient(action.mechanism, action);
    const command = `AUTH ${client.mechanism}`;
    const initial = client.initialResponse;
    // RFC 4954 §4: a zero-length initial response is sent as "=".
    const line = initial === undefined ? command : `${command} ${initial.length === 0 ? '=' : initial.toString('base64')}`;
    let reply = await this.exchange(Buffer.from(line + CRLF), command, ctx, initial === undefined ? undefined : command.length + 1);
    while (reply.code === ReplyCode.AUTH_CHALLENGE) {
      const answer = client.respond(this.challengeOf(reply, command));
      if (answer === undefined) return this.exchange(Buffer.from(`*${CRLF}`), `${command} cancellation`, ctx);
      reply = await this.exchange(Buffer.from(answer.toString('base64') + CRLF), `${command} response`, ctx, 0);
    }
    return reply;
  }

  /** RFC 4954 §4: the text of a 334 reply is the base64 challenge. */
  private challengeOf(reply: SmtpReply, command: string): Buffer {
    const raw = reply.lines[0]!.raw;
    const challenge = decodeBase64(raw.subarray(4).toString('latin1').trim());
    if (!challenge) throw new ProtocolError(`334 challenge is not base64: "${excerpt(raw)}" while reading reply to ${command}`, 4);
    return challenge;
  }

  /** RFC 5321 §4.1.1.4: DATA, 354, then the dot-stuffed message ending in CRLF "." CRLF. */
  private async data(message: Buffer, ctx: StepContext): Promise<SmtpReply> {
    // Encoded before DATA goes out, so that none of the client's own work sits between the 354 and the message.
    const body = encodeDataBody(message);
    const reply = await this.exchange(Buffer.from(`DATA${CRLF}`), 'DATA', ctx);
    if (reply.code !== ReplyCode.START_MAIL_INPUT) return reply;
    return this.exchange(body, 'the message', ctx);
  }

  /** RFC 3030 §2: BDAT <size> LAST and exactly that many octets, sent as they are (no dot-stuffing). */
  private async bdat(message: Buffer, ctx: StepContext): Promise<SmtpReply> {
    await this.send(Buffer.from(`BDAT ${message.length} LAST${CRLF}`), 'BDAT', ctx);
    return this.exchange(message, 'BDAT', ctx);
  }

  /** Sends bytes and reads the one reply they ask for (at once when the kernel took the bytes at once). */
  private exchange(bytes: Buffer, what: string, ctx: StepContext, redactFrom?: number): Promise<SmtpReply> {
    const sent = this.send(bytes, what, ctx, redactFrom);
    const waitingFor = `reading reply to ${what}`;
    return sent === WRITTEN ? this.readReply(ctx, waitingFor) : sent.then(() => this.readReply(ctx, waitingFor));
  }

  private send(bytes: Buffer, what: string, ctx: StepContext, redactFrom?: number): Promise<void> {
    this.sentAnything = true;
    return this.connection.write(bytes, { timeoutMs: ctx.timeoutMs, signal: ctx.signal, waitingFor: `sending ${what}`, redactFrom });
  }

  /** Reads lines until they complete one reply (RFC 5321 §4.2.1); each line within the step's timeout. */
  private readReply(ctx: StepContext, waitingFor: string): Promise<SmtpReply> {
    const options = { timeoutMs: ctx.timeoutMs, signal: ctx.signal, waitingFor, keepLineEnding: true };
    return this.connection.readLines(options, (line) => this.decoder.pushLine(line, waitingFor));
  }
}

/**
 * One IMAP client session (RFC 9051; RFC 3501 for IMAP4rev1 servers) over a wire Connection: performs the
 * runner's step actions — tagged commands (A001, A002 …) with their literals, raw bytes, the greeting,
 * STARTTLS (§6.2.1), AUTHENTICATE (§6.2.2, SASL-IR RFC 4959) and LOGIN (§6.2.3), APPEND (§6.3.12, LITERAL+
 * RFC 7888), IDLE (RFC 2177), closing — and returns the reply each one read.
 *
 * A step's reply holds every response from its command to the tagged completion. Its status is the tagged
 * OK / NO / BAD; "BYE" when the server said BYE and closed before completing; "+" when the server asked for
 * a continuation the step does not answer (a later `raw:` step may). A `read` after the greeting and a
 * `raw:` step that reads accept any tag. Imports wire/, protocols/shared/ and util/; never node:net / tls.
 */
import { formatDuration } from '../../util/duration.js';
import { ErrorCode, LimitError, MailprobeError, ProtocolError, isMailprobeError } from '../../util/errors.js';
import type { Connection } from '../../wire/connection.js';
import { excerpt, formatBytes } from '../../wire/printable.js';
import { createSaslClient, decodeBase64 } from '../shared/sasl.js';
import { WireSession, type ProtocolAction } from '../shared/wire-session.js';
import type { Reply, StepAction, StepContext } from '../types.js';
import { firstLiteral, ImapResponseDecoder, responseText, type ImapResponse } from './codec.js';
import { appendCommand, loginCommand, splitSendText, type CommandPart } from './commands.js';
import { ImapLimits } from './limits.js';
import { Capability, CONTINUATION_STATUS, GREETING_STATUS_WORDS, ImapStatus } from './status.js';

const CRLF = '\r\n';
/** The `auth:` mechanism that means the LOGIN command rather than a SASL mechanism. */
const LOGIN_COMMAND = 'LOGIN-COMMAND';

/** What a command is called in messages: its verb, with UID kept ("UID FETCH"). */
function commandName(line: string): string {
  const m = /^\s*((?:UID\s+)?[A-Za-z0-9-]+)/i.exec(line);
  return m ? m[1]!.replace(/\s+/, ' ').toUpperCase() : 'command';
}

/** Every response to one command, and how the exchange ended. */
interface Exchange {
  responses: ImapResponse[];
  status: string;
}

/** The responses of one exchange, bounded by ImapLimits.commandBytes. */
class ResponseLog {
  readonly responses: ImapResponse[] = [];
  private bytes = 0;
  sawBye = false;

  add(response: ImapResponse, waitingFor: string): void {
    this.bytes += response.raw.length;
    if (this.bytes > ImapLimits.commandBytes) {
      throw new LimitError('commandBytes', ImapLimits.commandBytes, this.bytes, `responses exceed ${formatBytes(ImapLimits.commandBytes)} while ${waitingFor}`);
    }
    this.responses.push(response);
    this.sawBye ||= isBye(response);
  }

  last(): ImapResponse {
    return this.responses.at(-1)!;
  }

  ended(status: string): Exchange {
    return { responses: this.responses, status };
  }
}

function isUntagged(response: ImapResponse): boolean {
  return response.kind === 'data' || (response.kind === 'status' && response.tag === undefined);
}

function isBye(response: ImapResponse): boolean {
  return response.kind === 'status' && response.tag === undefined && response.status === ImapStatus.BYE;
}

function toReplyOrNone(exchange: Exchange | undefined): Reply | undefined {
  if (!exchange) return undefined;
  const { responses, status } = exchange;
  const texts = responses.map(responseText);
  const reply: Reply = {
    status,
    text: texts.join(CRLF),
    untagged: responses.flatMap((r, i) => (isUntagged(r) ? [texts[i]!.slice(2)] : [])),
  };
  for (const response of responses) {
    const body = firstLiteral(response);
    if (body) return { ...reply, body };
  }
  return reply;
}

export class ImapSession extends WireSession<Exchange> {
  private decoder = new ImapResponseDecoder();
  private tagCount = 0;
  /** Until something is read or sent, a bare read is reading the greeting (RFC 9051 §7.1). */
  private greeted = false;
  /** What the server advertised last (greeting code, CAPABILITY response or code); emptied by STARTTLS. */
  private readonly capabilities = new Set<string>();

  constructor(connection: Connection) {
    super(connection, toReplyOrNone);
  }

  protected override async dispatch(action: ProtocolAction, ctx: StepContext): Promise<Exchange | undefined> {
    switch (action.kind) {
      case 'send':
        return this.command(splitSendText(action.text), commandName(action.text), ctx);
      case 'raw':
        await this.write(action.bytes, 'raw bytes', ctx);
        return action.read ? this.readExchange(ctx, 'reading the response to raw bytes') : undefined;
      case 'read':
        return this.greeted ? this.readExchange(ctx, 'reading the next response') : this.readGreeting(ctx);
      case 'starttls':
        return this.starttls(ctx);
      case 'auth':
        if (action.mechanism.toUpperCase() === LOGIN_COMMAND) return this.command(loginCommand(action.username, action.password), 'LOGIN', ctx);
        return this.authenticate(action, ctx);
      case 'message':
        return this.command(appendCommand(action.mailbox ?? 'INBOX', action.flags ?? [], action.bytes), 'APPEND', ctx);
      case 'idle':
        return this.idle(action, ctx);
    }
  }

  /** RFC 9051 §7.1 greeting = "*" SP (resp-cond-auth / resp-cond-bye): OK, PREAUTH or BYE. */
  private async readGreeting(ctx: StepContext): Promise<Exchange> {
    const waitingFor = 'reading the greeting';
    const response = await this.readResponse(ctx, waitingFor);
    if (response.kind !== 'status' || response.tag !== undefined || !GREETING_STATUS_WORDS.has(response.status)) {
      throw new ProtocolError(`expected a greeting "* OK", "* PREAUTH" or "* BYE" (RFC 9051 §7.1) but got "${excerpt(response.raw)}" while ${waitingFor}`, 0);
    }
    return { responses: [response], status: response.status };
  }

  /** RFC 9051 §6.2.1: STARTTLS; TLS starts only after the tagged OK, and capabilities are forgotten. */
  private async starttls(ctx: StepContext): Promise<Exchange> {
    const exchange = await this.command([{ kind: 'text', bytes: Buffer.from('STARTTLS') }], 'STARTTLS', ctx);
    if (exchange.status !== ImapStatus.OK) return exchange;
    await this.connection.upgradeTls({ timeoutMs: ctx.timeoutMs, signal: ctx.signal });
    this.decoder = new ImapResponseDecoder();
    this.capabilities.clear();
    return exchange;
  }

  /**
   * RFC 9051 §6.2.2: AUTHENTICATE mechanism, with the initial response on the command line when the server
   * offers SASL-IR (RFC 4959 §3; empty as "="), else as the answer to the first, empty, challenge. Each
   * "+ base64" challenge gets a base64 line; "*" cancels when the mechanism has no answer left. Every
   * payload is recorded as a secret.
   */
  private async authenticate(action: Extract<StepAction, { kind: 'auth' }>, ctx: StepContext): Promise<Exchange> {
    const client = createSaslClient(action.mechanism, action);
    const command = `AUTHENTICATE ${client.mechanism}`;
    const tag = this.nextTag();
    let initial = client.initialResponse;
    let line = `${tag} ${command}`;
    let redactFrom: number | undefined;
    if (initial !== undefined && this.capabilities.has(Capability.SASL_IR)) {
      redactFrom = line.length + 1;
      line += ` ${initial.length === 0 ? '=' : initial.toString('base64')}`;
      initial = undefined;
    }
    await this.write(Buffer.from(line + CRLF), command, ctx, redactFrom);
    const log = new ResponseLog();
    const waitingFor = `reading the response to ${command}`;
    for (;;) {
      const status = await this.collect(tag, ctx, waitingFor, log);
      if (status !== CONTINUATION_STATUS) return log.ended(status);
      let answer = initial;
      initial = undefined;
      answer ??= client.respond(this.challengeOf(log.last(), waitingFor));
      if (answer === undefined) await this.write(Buffer.from(`*${CRLF}`), `${command} cancellation`, ctx);
      else await this.write(Buffer.from(answer.toString('base64') + CRLF), `${command} response`, ctx, 0);
    }
  }

  /** RFC 9051 §7.5: the text of a continuation request during AUTHENTICATE is the base64 challenge. */
  private challengeOf(response: ImapResponse, waitingFor: string): Buffer {
    const text = response.kind === 'continuation' ? response.text.toString('latin1').trim() : '';
    const challenge = decodeBase64(text);
    if (!challenge) throw new ProtocolError(`challenge is not base64: "${excerpt(response.raw)}" while ${waitingFor}`, 2);
    return challenge;
  }

  /**
   * RFC 2177 §3: IDLE, "+", then untagged responses until one matches `until` (within idleTimeoutMs), DONE,
   * and the tagged completion. A refusal instead of "+" is returned as the reply. With `during`, its steps
   * run once "+" has come while the responses are read as they arrive, so the match is timed when it comes.
   */
  private async idle(action: Extract<StepAction, { kind: 'idle' }>, ctx: StepContext): Promise<Exchange> {
    const tag = this.nextTag();
    await this.write(Buffer.from(`${tag} IDLE${CRLF}`), 'IDLE', ctx);
    const log = new ResponseLog();
    const started = await this.collect(tag, ctx, 'waiting for "+" after IDLE', log);
    if (started !== CONTINUATION_STATUS) return log.ended(started);
    const waiting = this.awaitUntagged(tag, action, ctx, log);
    if (action.during) {
      // Handled now, awaited below: a failure while the steps run must not go unhandled meanwhile.
      waiting.catch(() => undefined);
      await action.during.run();
    }
    const ended = await waiting;
    if (ended !== undefined) return log.ended(ended);
    await this.write(Buffer.from(`DONE${CRLF}`), 'DONE', ctx);
    return log.ended(await this.collect(tag, ctx, 'reading the response to IDLE after DONE', log));
  }

  /** Reads IDLE's responses until an untagged one matches (undefined), or the exchange ends (its status). */
  private async awaitUntagged(tag: string, action: Extract<StepAction, { kind: 'idle' }>, ctx: StepContext, log: ResponseLog): Promise<string | undefined> {
    // Without g and y, test() keeps no lastIndex between lines.
    const until = new RegExp(action.until.source, action.until.flags.replace(/[gy]/g, ''));
    const deadline = Date.now() + action.idleTimeoutMs;
    const waitingFor = `waiting during IDLE for an untagged response matching ${until}`;
    const noMatch = (): MailprobeError =>
      new MailprobeError(ErrorCode.TIMEOUT, `no untagged response matched ${until} within ${formatDuration(action.idleTimeoutMs)} of IDLE`);
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw noMatch();
      let ended: string | undefined;
      try {
        ended = await this.collectOne(tag, { ...ctx, timeoutMs: remaining }, waitingFor, log);
      } catch (err) {
        throw isMailprobeError(err) && err.code === ErrorCode.TIMEOUT ? noMatch() : err;
      }
      if (ended !== undefined) return ended;
      const last = log.last();
      if (isUntagged(last) && until.test(responseText(last).slice(2))) {
        action.during?.matched();
        return undefined;
      }
    }
  }

  /**
   * Sends one tagged command. Before each synchronizing literal it waits for "+" (RFC 9051 §4.3); when the
   * server answers otherwise, that answer is the reply and the rest is not sent. Secret parts are recorded
   * as secrets.
   */
  private async command(parts: CommandPart[], what: string, ctx: StepContext): Promise<Exchange> {
    const tag = this.nextTag();
    const log = new ResponseLog();
    let pending: Buffer[] = [Buffer.from(`${tag} `)];
    let pendingBytes = pending[0]!.length;
    // Octets from here on in `pending` are recorded as a secret (only their count).
    let redactFrom: number | undefined;
    const queue = (bytes: Buffer, secret = false): void => {
      if (secret) redactFrom ??= pendingBytes;
      pending.push(bytes);
      pendingBytes += bytes.length;
    };
    const flush = async (): Promise<void> => {
      if (pendingBytes > 0) await this.write(Buffer.concat(pending, pendingBytes), what, ctx, redactFrom);
      pending = [];
      pendingBytes = 0;
      redactFrom = undefined;
    };
    for (const part of parts) {
      if (part.kind === 'text') {
        queue(part.bytes, part.secret);
        continue;
      }
      const synchronizing = part.synchronizing === 'auto' ? !this.allowsNonSynchronizing(part.bytes.length) : part.synchronizing;
      queue(Buffer.from(`${part.literal8 ? '~' : ''}{${part.bytes.length}${synchronizing ? '' : '+'}}${CRLF}`));
      if (synchronizing) {
        await flush();
        const status = await this.collect(tag, ctx, `waiting for "+" to send a literal of ${part.bytes.length} octets in ${what}`, log);
        if (status !== CONTINUATION_STATUS) return log.ended(status);
      }
      queue(part.bytes, part.secret);
    }
    queue(Buffer.from(CRLF));
    await flush();
    return log.ended(await this.collect(tag, ctx, `reading the response to ${what}`, log));
  }

  /** RFC 7888 §3 LITERAL+: any literal may be {n+}; §4 LITERAL-: only those up to 4096 octets. */
  private allowsNonSynchronizing(octets: number): boolean {
    if (this.capabilities.has(Capability.LITERAL_PLUS)) return true;
    return this.capabilities.has(Capability.LITERAL_MINUS) && octets <= ImapLimits.literalMinusBytes;
  }

  /** Responses up to a tagged completion (with any tag: the command was sent raw) or a continuation request. */
  private async readExchange(ctx: StepContext, waitingFor: string): Promise<Exchange> {
    const log = new ResponseLog();
    return log.ended(await this.collect(undefined, ctx, waitingFor, log));
  }

  /**
   * Reads responses into `into` until the tagged completion (status OK / NO / BAD), a continuation request
   * ("+"), or — after an untagged BYE — the server closing ("BYE"). `tag` undefined accepts any tag.
   */
  private async collect(tag: string | undefined, ctx: StepContext, waitingFor: string, into: ResponseLog): Promise<string> {
    for (;;) {
      const ended = await this.collectOne(tag, ctx, waitingFor, into);
      if (ended !== undefined) return ended;
    }
  }

  /** Reads one response into `into`; returns how the exchange ended, or undefined while it goes on. */
  private async collectOne(tag: string | undefined, ctx: StepContext, waitingFor: string, into: ResponseLog): Promise<string | undefined> {
    let response: ImapResponse;
    try {
      response = await this.readResponse(ctx, waitingFor);
    } catch (err) {
      // RFC 9051 §7.1.5: BYE announces the close; the close is then the expected end of the exchange.
      if (isMailprobeError(err) && err.code === ErrorCode.CLOSED && into.sawBye) return ImapStatus.BYE;
      throw err;
    }
    into.add(response, waitingFor);
    if (response.kind === 'continuation') return CONTINUATION_STATUS;
    if (response.kind !== 'status' || response.tag === undefined) return undefined;
    if (tag !== undefined && response.tag !== tag) {
      throw new ProtocolError(`tagged response "${excerpt(response.raw)}" does not carry the command's tag ${tag} while ${waitingFor}`, 0);
    }
    return response.status;
  }

  /** Reads one whole response: lines, and each literal's exact octets as the decoder asks for them. */
  private async readResponse(ctx: StepContext, waitingFor: string): Promise<ImapResponse> {
    const options = { timeoutMs: ctx.timeoutMs, signal: ctx.signal, waitingFor };
    this.greeted = true;
    for (;;) {
      const pending = this.decoder.literalBytesPending;
      let chunk: Buffer;
      try {
        chunk = pending > 0 ? await this.connection.readExactly(pending, options) : await this.connection.readLine({ ...options, keepLineEnding: true });
      } catch (err) {
        // A close in the middle of a response is a truncated response, reported with its offset.
        if (isMailprobeError(err) && err.code === ErrorCode.CLOSED) this.decoder.end(waitingFor);
        throw err;
      }
      const [response] = this.decoder.push(chunk, waitingFor);
      if (response) {
        this.learnCapabilities(response);
        return response;
      }
    }
  }

  /** RFC 9051 §7.2.2 CAPABILITY response, and the CAPABILITY response code (§7.1) of a greeting or OK. */
  private learnCapabilities(response: ImapResponse): void {
    let names: string[] | undefined;
    if (response.kind === 'data' && response.name === 'CAPABILITY') {
      names = response.values.flatMap((v) => (v.kind === 'atom' ? [v.value] : []));
    } else if (response.kind === 'status' && response.code?.name === 'CAPABILITY') {
      names = response.code.text.split(' ').filter((name) => name.length > 0);
    }
    if (!names) return;
    this.capabilities.clear();
    for (const name of names) this.capabilities.add(name.toUpperCase());
  }

  private nextTag(): string {
    this.tagCount += 1;
    return `A${String(this.tagCount).padStart(3, '0')}`;
  }

  private write(bytes: Buffer, what: string, ctx: StepContext, redactFrom?: number): Promise<void> {
    this.greeted = true;
    return this.connection.write(bytes, { timeoutMs: ctx.timeoutMs, signal: ctx.signal, waitingFor: `sending ${what}`, redactFrom });
  }
}

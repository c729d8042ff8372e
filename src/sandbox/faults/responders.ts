/**
 * Just enough of each protocol for a fault to play along until its moment: a greeting, and a plausible
 * positive reply to every command (SMTP RFC 5321 §4.2, POP3 RFC 1939, IMAP RFC 9051), reading a command's
 * own continuation (DATA, SASL, IMAP literals) as a server would. A fault asks for the next command and
 * the reply it would normally get, then sends that, part of it, or something else. No state is kept
 * beyond one command: this is a stage set, not a server. Imports ./connection only.
 */
import type { FaultConnection } from './connection.js';

export type FaultProtocol = 'smtp' | 'pop3' | 'imap';
export const FAULT_PROTOCOLS: readonly FaultProtocol[] = ['smtp', 'pop3', 'imap'];

export interface Command {
  /** The command line as sent (IMAP literals included), without CRLF. */
  line: string;
  /** Upper-cased keyword; IMAP: after the tag, "UID FETCH" kept as "UID". */
  keyword: string;
  /** IMAP: the command's tag. */
  tag?: string;
}

export interface Responder {
  greeting(): Buffer;
  /** The next command, its continuation read (SASL, IMAP literals); undefined once the client is gone. */
  nextCommand(connection: FaultConnection): Promise<Command | undefined>;
  /** The normal (final) reply to a command (multi-line where the protocol says so). */
  reply(command: Command): Buffer;
  /** Answers as a server would, intermediate replies included (SMTP DATA: 354, the message, then 250). */
  answer(connection: FaultConnection, command: Command): Promise<void>;
  /** Does this command's normal reply span several lines? */
  isMultiline(command: Command): boolean;
  /** The positive reply to the protocol's TLS upgrade command (RFC 3207 §4, RFC 2595 §4, RFC 9051 §6.2.1). */
  tlsReady(command: Command): Buffer;
  isTlsUpgrade(command: Command): boolean;
  isQuit(command: Command): boolean;
}

const HOST = 'mx.example.test';
/** The one message every mailbox of a fault "has". */
export const CANNED_MESSAGE = 'From: fault@example.test\r\nTo: alice@example.test\r\nSubject: fault\r\n\r\nHello from a faulty sandbox.\r\n';
const CANNED_BYTES = Buffer.byteLength(CANNED_MESSAGE);

const lines = (...texts: string[]): Buffer => Buffer.from(texts.map((text) => `${text}\r\n`).join(''));

function keywordOf(line: string): string {
  return (line.split(' ')[0] ?? '').toUpperCase();
}

/** Reads a line; SASL commands without an initial response get one empty challenge and its answer. */
async function readWithSasl(connection: FaultConnection, challenge: string, isSasl: (line: string) => boolean): Promise<string | undefined> {
  const line = (await connection.readLine())?.toString('utf8');
  if (line !== undefined && isSasl(line)) {
    await connection.write(`${challenge}\r\n`);
    if ((await connection.readLine()) === undefined) return undefined;
  }
  return line;
}

/** RFC 5321 §3: 220 greeting, 250 to everything, DATA with 354 and the message up to ".". */
const smtp: Responder = {
  greeting: () => lines(`220 ${HOST} ESMTP mailprobe sandbox`),
  async nextCommand(connection) {
    // RFC 4954 §4: AUTH without an initial response gets an empty 334 challenge.
    const line = await readWithSasl(connection, '334 ', (l) => /^AUTH \S+$/i.test(l));
    return line === undefined ? undefined : { line, keyword: keywordOf(line) };
  },
  async answer(connection, command) {
    if (command.keyword === 'DATA') {
      // RFC 5321 §4.1.1.4: 354, then the message up to the line holding a single ".".
      await connection.write('354 End data with <CR><LF>.<CR><LF>\r\n');
      for (let data = await connection.readLine(); data?.toString() !== '.'; data = await connection.readLine()) {
        if (data === undefined) return;
      }
    }
    await connection.write(this.reply(command));
  },
  reply(command) {
    switch (command.keyword) {
      case 'EHLO':
        return lines(`250-${HOST}`, '250-PIPELINING', '250-8BITMIME', '250-ENHANCEDSTATUSCODES', '250-AUTH PLAIN LOGIN', '250 STARTTLS');
      case 'AUTH':
        return lines('235 2.7.0 Authentication successful');
      case 'DATA':
        return lines('250 2.0.0 Ok: queued as FAULT');
      case 'QUIT':
        return lines('221 2.0.0 Bye');
      default:
        return lines('250 2.0.0 Ok');
    }
  },
  isMultiline: (command) => command.keyword === 'EHLO',
  tlsReady: () => lines('220 2.0.0 Ready to start TLS'),
  isTlsUpgrade: (command) => command.keyword === 'STARTTLS',
  isQuit: (command) => command.keyword === 'QUIT',
};

/** RFC 1939: +OK to everything, one message in the maildrop. */
const pop3: Responder = {
  greeting: () => lines('+OK mailprobe sandbox POP3 ready'),
  async nextCommand(connection) {
    // RFC 5034 §4: AUTH without an initial response gets an empty "+" challenge.
    const line = await readWithSasl(connection, '+ ', (l) => /^AUTH \S+$/i.test(l));
    return line === undefined ? undefined : { line, keyword: keywordOf(line) };
  },
  reply(command) {
    const withArgument = command.line.trim().includes(' ');
    switch (command.keyword) {
      case 'CAPA':
        return lines('+OK', 'USER', 'TOP', 'UIDL', 'PIPELINING', 'STLS', 'SASL PLAIN', '.');
      case 'STAT':
        return lines(`+OK 1 ${CANNED_BYTES}`);
      case 'LIST':
        return withArgument ? lines(`+OK 1 ${CANNED_BYTES}`) : lines('+OK 1 messages', `1 ${CANNED_BYTES}`, '.');
      case 'UIDL':
        return withArgument ? lines('+OK 1 fault-1') : lines('+OK 1 messages', '1 fault-1', '.');
      case 'RETR':
      case 'TOP':
        return Buffer.from(`+OK ${CANNED_BYTES} octets\r\n${CANNED_MESSAGE}.\r\n`);
      default:
        return lines('+OK');
    }
  },
  answer: (connection, command) => connection.write(pop3.reply(command)),
  isMultiline(command) {
    const withArgument = command.line.trim().includes(' ');
    return ['CAPA', 'RETR', 'TOP'].includes(command.keyword) || (['LIST', 'UIDL'].includes(command.keyword) && !withArgument);
  },
  tlsReady: () => lines('+OK Begin TLS negotiation now'),
  isTlsUpgrade: (command) => command.keyword === 'STLS',
  isQuit: (command) => command.keyword === 'QUIT',
};

/** RFC 9051 §7.1.5 / §4.3: a literal at the end of a line, {n} or {n+} (LITERAL+, RFC 7888). */
const LITERAL = /\{(\d+)(\+?)\}$/;

/** RFC 9051: untagged data where a client expects some, then the tagged OK. */
const imap: Responder = {
  greeting: () => lines('* OK [CAPABILITY IMAP4rev1 LITERAL+ STARTTLS AUTH=PLAIN] mailprobe sandbox IMAP ready'),
  async nextCommand(connection) {
    let line = '';
    for (;;) {
      const part = await connection.readLine();
      if (part === undefined) return undefined;
      line += part.toString('utf8');
      const literal = LITERAL.exec(line);
      if (!literal) break;
      // RFC 9051 §4.3: a synchronizing literal waits for "+"; LITERAL+ does not.
      if (literal[2] !== '+') await connection.write('+ Ready for literal data\r\n');
      const bytes = await connection.readBytes(Number(literal[1]));
      if (bytes === undefined) return undefined;
      line += bytes.toString('utf8');
    }
    const [tag = '*', keyword = ''] = line.split(' ');
    if (keyword.toUpperCase() === 'AUTHENTICATE' && line.split(' ').length === 3) {
      await connection.write('+ \r\n');
      if ((await connection.readLine()) === undefined) return undefined;
    }
    return { line, keyword: keyword.toUpperCase(), tag };
  },
  reply(command) {
    const done = `${command.tag} OK ${command.keyword} completed`;
    switch (command.keyword) {
      case 'CAPABILITY':
        return lines('* CAPABILITY IMAP4rev1 LITERAL+ STARTTLS AUTH=PLAIN', done);
      case 'SELECT':
      case 'EXAMINE':
        return lines('* 1 EXISTS', '* 0 RECENT', '* FLAGS (\\Seen \\Deleted)', '* OK [UIDVALIDITY 1] UIDs valid', '* OK [UIDNEXT 2] next UID', `${command.tag} OK [READ-WRITE] ${command.keyword} completed`);
      case 'FETCH':
      case 'UID':
        return Buffer.from(`* 1 FETCH (UID 1 BODY[] {${CANNED_BYTES}}\r\n${CANNED_MESSAGE})\r\n${done}\r\n`);
      case 'LOGOUT':
        return lines('* BYE mailprobe sandbox logging out', done);
      default:
        return lines(done);
    }
  },
  answer: (connection, command) => connection.write(imap.reply(command)),
  isMultiline: (command) => ['CAPABILITY', 'SELECT', 'EXAMINE', 'FETCH', 'UID', 'LOGOUT'].includes(command.keyword),
  tlsReady: (command) => lines(`${command.tag} OK Begin TLS negotiation now`),
  isTlsUpgrade: (command) => command.keyword === 'STARTTLS',
  isQuit: (command) => command.keyword === 'LOGOUT',
};

export const RESPONDERS: Readonly<Record<FaultProtocol, Responder>> = { smtp, pop3, imap };

/**
 * Answers commands normally until `until` picks one, which is returned unanswered (undefined if the
 * client left first). QUIT/LOGOUT is answered and ends the connection, as a server would.
 */
export async function playAlong(
  connection: FaultConnection,
  responder: Responder,
  until: (command: Command) => boolean,
): Promise<Command | undefined> {
  for (;;) {
    const command = await responder.nextCommand(connection);
    if (command === undefined || until(command)) return command;
    await responder.answer(connection, command);
    if (responder.isQuit(command)) {
      connection.end();
      return undefined;
    }
  }
}

/**
 * The fault table: each fault a named function that takes a connection over, with the protocols it
 * applies to and what a client should report. `mailprobe serve --fault NAME` and
 * `startSandbox({ fault })` look faults up here; the reliability matrix (test/reliability) runs every
 * row. Imports node:crypto and ./ modules only.
 */
import { randomBytes } from 'node:crypto';
import type { FaultConnection } from './connection.js';
import { FAULT_PROTOCOLS, playAlong, type Command, type FaultProtocol, type Responder } from './responders.js';

/** The protocol a faulty service speaks, and its stage set for playing along. */
export interface FaultStage {
  protocol: FaultProtocol;
  responder: Responder;
}

export type FaultRun = (connection: FaultConnection, stage: FaultStage) => Promise<void>;

export interface Fault {
  /** One line for `mailprobe serve --help` and the docs. */
  description: string;
  protocols: readonly FaultProtocol[];
  run: FaultRun;
}

/** "Answer one byte per 100 ms" (issue 4). */
const TRICKLE_INTERVAL_MS = 100;
/** "A 1 MiB line without CRLF" (issue 4). */
const HUGE_LINE_BYTES = 1024 * 1024;
const GARBAGE_BYTES = 4096;
/** How often the endless multi-line reply adds a line: fast enough to look alive, slow enough to stay small. */
const ENDLESS_LINE_INTERVAL_MS = 10;
/** How much more an IMAP literal announces than follows. */
const LITERAL_SHORTFALL = 100;
/**
 * RFC 8446 §6 (and RFC 5246 §7.2): a fatal alert record, handshake_failure (40), in place of the
 * ServerHello the client waits for after STARTTLS.
 */
const TLS_HANDSHAKE_FAILURE_ALERT = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);

/** Replies that end a session "in the middle of a transaction" (RFC 5321 §3.8 421; RFC 3206 SYS/TEMP; RFC 9051 §7.1.5 BYE). */
const SHUTDOWN_REPLIES: Readonly<Record<FaultProtocol, string>> = {
  smtp: '421 4.3.2 mx.example.test Service shutting down, closing channel\r\n',
  pop3: '-ERR [SYS/TEMP] Server shutting down\r\n',
  imap: '* BYE Server shutting down\r\n',
};

/** Where a transaction is open: SMTP after MAIL (at RCPT), POP3 after login, IMAP once a mailbox is selected. */
const IN_TRANSACTION: Readonly<Record<FaultProtocol, (command: Command) => boolean>> = {
  smtp: (command) => command.keyword === 'RCPT',
  pop3: (command) => ['STAT', 'LIST', 'UIDL', 'RETR', 'TOP', 'DELE', 'NOOP', 'RSET'].includes(command.keyword),
  imap: (command) => ['FETCH', 'UID', 'SEARCH', 'STORE', 'COPY', 'MOVE', 'EXPUNGE', 'NOOP', 'IDLE'].includes(command.keyword),
};

/** Random octets that no protocol could take for a reply: the first is never ASCII. */
function garbage(): Buffer {
  const bytes = randomBytes(GARBAGE_BYTES);
  bytes[0] = 0x80 | bytes[0]!;
  return bytes;
}

const ALL = FAULT_PROTOCOLS;

export const FAULTS = {
  'close-after-greeting': {
    description: 'greets, then closes the connection as soon as the client sends its first command',
    protocols: ALL,
    run: async (connection, { responder }) => {
      await connection.write(responder.greeting());
      await connection.anyBytes();
      connection.end();
    },
  },
  'close-mid-reply': {
    description: 'plays along, then closes halfway through the first multi-line reply (EHLO; CAPA, LIST, RETR …; SELECT, FETCH …)',
    protocols: ALL,
    run: async (connection, { responder }) => {
      await connection.write(responder.greeting());
      const command = await playAlong(connection, responder, (c) => responder.isMultiline(c));
      if (!command) return;
      const reply = responder.reply(command);
      await connection.write(reply.subarray(0, Math.ceil(reply.length / 2)));
      connection.end();
    },
  },
  'never-answer': {
    description: 'accepts the connection and never sends a byte',
    protocols: ALL,
    run: (connection) => connection.untilClosed(),
  },
  'slow-bytes': {
    description: 'answers correctly, one byte every 100 ms',
    protocols: ALL,
    run: async (connection, { responder }) => {
      connection.trickle(TRICKLE_INTERVAL_MS);
      await connection.write(responder.greeting());
      await playAlong(connection, responder, () => false);
    },
  },
  'huge-line': {
    description: 'greets with a 1 MiB line that never ends (no CRLF), then waits',
    protocols: ALL,
    run: async (connection, { responder }) => {
      const start = responder.greeting().subarray(0, 4);
      await connection.write(Buffer.concat([start, Buffer.alloc(HUGE_LINE_BYTES - start.length, 'x')]));
      await connection.untilClosed();
    },
  },
  garbage: {
    description: 'greets with 4 KiB of random binary octets, then waits',
    protocols: ALL,
    run: async (connection) => {
      await connection.write(garbage());
      await connection.untilClosed();
    },
  },
  'imap-wrong-tag': {
    description: "IMAP: completes every command with a tag that is not the command's",
    protocols: ['imap'],
    run: async (connection, { responder }) => {
      await connection.write(responder.greeting());
      for (let command = await responder.nextCommand(connection); command; command = await responder.nextCommand(connection)) {
        await connection.write(responder.reply({ ...command, tag: `X${command.tag ?? ''}` }));
      }
    },
  },
  'imap-short-literal': {
    description: 'IMAP: answers FETCH with a literal that announces 100 octets more than follow',
    protocols: ['imap'],
    run: async (connection, { responder }) => {
      await connection.write(responder.greeting());
      const command = await playAlong(connection, responder, (c) => c.keyword === 'FETCH' || c.keyword === 'UID');
      if (!command) return;
      const reply = responder.reply(command).toString('utf8');
      await connection.write(reply.replace(/\{(\d+)\}/, (_, n: string) => `{${Number(n) + LITERAL_SHORTFALL}}`));
      await connection.untilClosed();
    },
  },
  'pop3-endless-reply': {
    description: 'POP3: a multi-line reply (CAPA, LIST, RETR …) whose terminating "." never comes',
    protocols: ['pop3'],
    run: async (connection, { responder }) => {
      await connection.write(responder.greeting());
      const command = await playAlong(connection, responder, (c) => responder.isMultiline(c));
      if (!command) return;
      await connection.write('+OK here it comes\r\n');
      for (let n = 1; !connection.closed; n++) {
        await connection.write(`line ${n} of a reply that never ends\r\n`);
        await connection.pause(ENDLESS_LINE_INTERVAL_MS);
      }
    },
  },
  'tls-handshake-failure': {
    description: 'accepts STARTTLS / STLS, then answers the TLS ClientHello with a handshake_failure alert',
    protocols: ALL,
    run: async (connection, { responder }) => {
      await connection.write(responder.greeting());
      const command = await playAlong(connection, responder, (c) => responder.isTlsUpgrade(c));
      if (!command) return;
      await connection.write(responder.tlsReady(command));
      await connection.anyBytes();
      await connection.write(TLS_HANDSHAKE_FAILURE_ALERT);
      connection.end();
    },
  },
  'reset-during-data': {
    description: 'SMTP: accepts DATA with 354, then resets the connection (TCP RST) while the message arrives',
    protocols: ['smtp'],
    run: async (connection, { responder }) => {
      await connection.write(responder.greeting());
      const command = await playAlong(connection, responder, (c) => c.keyword === 'DATA');
      if (!command) return;
      await connection.write('354 End data with <CR><LF>.<CR><LF>\r\n');
      await connection.anyBytes();
      connection.reset();
    },
  },
  'shutdown-mid-transaction': {
    description: 'shuts down inside a transaction: SMTP 421 at RCPT, POP3 -ERR [SYS/TEMP] after login, IMAP * BYE on FETCH …',
    protocols: ALL,
    run: async (connection, { responder, protocol }) => {
      await connection.write(responder.greeting());
      const command = await playAlong(connection, responder, IN_TRANSACTION[protocol]);
      if (!command) return;
      await connection.write(SHUTDOWN_REPLIES[protocol]);
      connection.end();
    },
  },
} as const satisfies Record<string, Fault>;

export type FaultName = keyof typeof FAULTS;
export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

export function isFaultName(name: string): name is FaultName {
  return Object.hasOwn(FAULTS, name);
}

export function faultAppliesTo(name: FaultName, protocol: FaultProtocol): boolean {
  return (FAULTS[name].protocols as readonly FaultProtocol[]).includes(protocol);
}

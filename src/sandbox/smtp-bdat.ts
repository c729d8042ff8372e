/**
 * CHUNKING (RFC 3030) for smtp-server, which has none: "BDAT <size> [LAST]" followed by exactly <size>
 * octets, taken as they are (no dot-stuffing, no end marker). smtp-server's line parser has a data mode
 * for DATA; BDAT uses that mode's entry point with a byte-counting feeder set on the connection's own
 * parser, then hands whatever follows the chunk back to the line parser, so pipelined commands after a
 * chunk work as after DATA. Chunks gather per transaction; LAST delivers the message.
 * This leans on members smtp-server declares but does not document (_parser, _dataMode, _feedDataStream,
 * _write, _resetSession): test/sandbox/smtp-bdat.test.ts is what tells when an upgrade breaks it.
 * Imports smtp-server types and sandbox/ replies and limits only.
 */
import type { SMTPServerEnvelope, SMTPServerSession } from 'smtp-server';
import type { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import type { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import { SandboxLimits } from './limits.js';
import { Reply, type SmtpReply } from './smtp-replies.js';

/** Delivers a complete message of the session's transaction and says how that went. */
export type Deliver = (session: SMTPServerSession, message: Buffer) => SmtpReply;

/** RFC 3030 §3: bdat-cmd ::= "BDAT" SP chunk-size [ SP end-marker ] CR LF; chunk-size ::= 1*DIGIT. */
const BDAT_COMMAND = /^BDAT ([0-9]+)( LAST)?$/i;

interface Transaction {
  chunks: Buffer[];
  bytes: number;
}

/** The chunk being read: how many octets are still due, whether to keep them, and what then. */
interface Transfer {
  remaining: number;
  /** False for a refused or oversized chunk: its octets are read and dropped, never held. */
  keep: boolean;
  parts: Buffer[];
  complete(chunk: Buffer): void;
}

/** Keyed by envelope: smtp-server makes a new one on RSET, EHLO, MAIL after a message …, which forgets. */
const transactions = new WeakMap<SMTPServerEnvelope, Transaction>();
const transfers = new WeakMap<SMTPStream, Transfer>();

/** True while a BDAT transaction has chunks: RFC 3030 §3 forbids DATA in it. */
export function hasChunks(session: SMTPServerSession): boolean {
  return transactions.has(session.envelope);
}

/**
 * The parser's data-mode feeder, replaced once per parser (STARTTLS makes a new parser): while a BDAT
 * transfer is due it counts octets; otherwise it is smtp-server's DATA feeder.
 */
function takeOverFeeder(parser: SMTPStream): void {
  if (transfers.has(parser)) return;
  const feedData = parser._feedDataStream.bind(parser);
  parser._feedDataStream = (chunk: Buffer, done: (err?: Error | null) => void): void => {
    const transfer = transfers.get(parser);
    if (!transfer || transfer.remaining === 0) return feedData(chunk, done);
    const take = Math.min(transfer.remaining, chunk.length);
    if (transfer.keep) transfer.parts.push(Buffer.from(chunk.subarray(0, take)));
    transfer.remaining -= take;
    if (transfer.remaining > 0) return done();
    parser._dataMode = false;
    transfer.complete(Buffer.concat(transfer.parts));
    const rest = chunk.subarray(take);
    if (rest.length > 0) parser._write(rest, 'buffer', done);
    else done();
  };
  transfers.set(parser, { remaining: 0, keep: false, parts: [], complete: () => undefined });
}

function send(connection: SMTPConnection, { code, text }: SmtpReply): void {
  connection.send(code, text);
}

/** What a BDAT command turned out to be, decided before its octets arrive. */
type ChunkOutcome = { kind: 'refused'; reply: SmtpReply } | { kind: 'too-big' } | { kind: 'accepted'; last: boolean };

/** RFC 3030 §2: the reply to a chunk once all its octets are in, and delivery after the LAST one. */
function completeChunk(connection: SMTPConnection, outcome: ChunkOutcome, chunk: Buffer, deliver: Deliver): void {
  if (outcome.kind === 'refused') return send(connection, outcome.reply);
  if (outcome.kind === 'too-big') {
    // RFC 1870 §6.3 / RFC 3030 §2: the transaction fails and is over; the next BDAT needs a new MAIL.
    send(connection, Reply.messageTooBig);
    return connection._resetSession();
  }
  const { session } = connection;
  const transaction = transactions.get(session.envelope) ?? { chunks: [], bytes: 0 };
  transaction.chunks.push(chunk);
  transaction.bytes += chunk.length;
  transactions.set(session.envelope, transaction);
  if (!outcome.last) return send(connection, Reply.chunkReceived(chunk.length));
  send(connection, deliver(session, Buffer.concat(transaction.chunks)));
  connection._transactionCounter++;
  // As after DATA: the transaction is over, a new one starts with MAIL.
  connection._resetSession();
}

function outcomeOf(session: SMTPServerSession, size: number, last: boolean): ChunkOutcome {
  const { envelope } = session;
  // RFC 3030 §2 / RFC 5321 §4.1.4: BDAT belongs in a transaction with at least one recipient.
  if (!envelope.mailFrom) return { kind: 'refused', reply: Reply.needMail };
  if (envelope.rcptTo.length === 0) return { kind: 'refused', reply: Reply.needRcpt };
  const sofar = transactions.get(envelope)?.bytes ?? 0;
  return sofar + size > SandboxLimits.messageBytes ? { kind: 'too-big' } : { kind: 'accepted', last };
}

/** RFC 3030 §2 BDAT, as a handler for the sandbox's command table. */
export function bdatHandler(deliver: Deliver) {
  return function handleBdat(this: SMTPConnection, command: Buffer, callback: () => void): void {
    const match = BDAT_COMMAND.exec(command.toString('latin1').trim());
    // Without a valid size nobody knows where the chunk ends: only a syntax error can be said.
    if (!match) {
      send(this, Reply.bdatSyntax);
      return callback();
    }
    const size = Number(match[1]);
    const outcome = outcomeOf(this.session, size, match[2] !== undefined);
    const parser = this._parser;
    if (size === 0 || !parser) {
      completeChunk(this, outcome, Buffer.alloc(0), deliver);
      return callback();
    }
    takeOverFeeder(parser);
    transfers.set(parser, {
      remaining: size,
      // RFC 3030 §2: a refused chunk's octets are still read, and dropped.
      keep: outcome.kind === 'accepted',
      parts: [],
      complete: (chunk) => completeChunk(this, outcome, chunk, deliver),
    });
    // The line parser sends what follows this line, and later input, to the data-mode feeder.
    parser._dataMode = true;
    callback();
  };
}

/**
 * The plaintext exchange before a TLS probe's handshake, per protocol: SMTP greeting, EHLO, STARTTLS → 220
 * (RFC 3207 §4); IMAP greeting, STARTTLS → tagged OK (RFC 9051 §6.2.1, RFC 2595 §3.1); POP3 greeting,
 * STLS → +OK (RFC 2595 §4). Replies are read with each protocol's own decoder over wire/tls-probe's line
 * channel. Imports protocols/ codecs, wire/tls-probe types, util/errors.
 */
import { ImapResponseDecoder, type ImapResponse } from '../protocols/imap/codec.js';
import { ImapStatus } from '../protocols/imap/status.js';
import { Pop3ReplyDecoder } from '../protocols/pop3/codec.js';
import { Status } from '../protocols/pop3/codes.js';
import { SmtpReplyDecoder, type SmtpReply } from '../protocols/smtp/codec.js';
import { ReplyCode } from '../protocols/smtp/codes.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';
import type { PlainChannel } from '../wire/tls-probe.js';
import type { MailProtocol } from './types.js';

/** The tag of the probe's one IMAP command. */
const IMAP_TAG = 'T1';

function refused(what: string, got: string, wanted: string): MailprobeError {
  return new MailprobeError(ErrorCode.PROTOCOL, `${what} answered ${got}, not ${wanted}`);
}

async function readSmtpReply(plain: PlainChannel): Promise<SmtpReply> {
  const decoder = new SmtpReplyDecoder();
  for (;;) {
    const [reply] = decoder.push(await plain.readLine(), 'reading a reply before the TLS handshake');
    if (reply) return reply;
  }
}

async function smtpExchange(plain: PlainChannel, ehloName: string): Promise<void> {
  const expectCode = (reply: SmtpReply, code: string, what: string): void => {
    if (reply.code !== code) throw refused(what, reply.code, code);
  };
  expectCode(await readSmtpReply(plain), ReplyCode.SERVICE_READY, 'the greeting');
  plain.write(Buffer.from(`EHLO ${ehloName}\r\n`));
  expectCode(await readSmtpReply(plain), ReplyCode.OK, 'EHLO');
  plain.write(Buffer.from('STARTTLS\r\n'));
  expectCode(await readSmtpReply(plain), ReplyCode.SERVICE_READY, 'STARTTLS');
}

/** Reads IMAP responses until `done` accepts one (a literal spans several lines: the decoder joins them). */
async function readImapUntil(plain: PlainChannel, decoder: ImapResponseDecoder, done: (response: ImapResponse) => boolean): Promise<ImapResponse> {
  for (;;) {
    const found = decoder.push(await plain.readLine(), 'reading a response before the TLS handshake').find(done);
    if (found) return found;
  }
}

async function imapExchange(plain: PlainChannel): Promise<void> {
  const decoder = new ImapResponseDecoder();
  const greeting = await readImapUntil(plain, decoder, () => true);
  // STARTTLS is a not-authenticated-state command (RFC 9051 §6.2): a PREAUTH or BYE greeting rules it out.
  if (greeting.kind !== 'status' || greeting.tag !== undefined || greeting.status !== ImapStatus.OK) {
    throw refused('the greeting', greeting.raw.toString('latin1'), '* OK');
  }
  plain.write(Buffer.from(`${IMAP_TAG} STARTTLS\r\n`));
  const done = await readImapUntil(plain, decoder, (response) => response.kind === 'status' && response.tag !== undefined);
  if (done.kind !== 'status' || done.status !== ImapStatus.OK) throw refused('STARTTLS', done.raw.toString('latin1'), `${IMAP_TAG} OK`);
}

async function pop3Exchange(plain: PlainChannel): Promise<void> {
  const decoder = new Pop3ReplyDecoder();
  const read = async (what: string): Promise<void> => {
    decoder.expect({ multiline: false, what });
    for (;;) {
      const [reply] = decoder.push(await plain.readLine());
      if (!reply) continue;
      if (reply.status !== Status.OK) throw refused(what, reply.statusLine.toString('latin1'), Status.OK);
      return;
    }
  };
  await read('the greeting');
  plain.write(Buffer.from('STLS\r\n'));
  await read('STLS');
}

/** The exchange that makes the server ready for the TLS handshake on a plaintext service. */
export function starttlsExchange(protocol: MailProtocol, ehloName: string): (plain: PlainChannel) => Promise<void> {
  switch (protocol) {
    case 'smtp':
      return (plain) => smtpExchange(plain, ehloName);
    case 'imap':
      return imapExchange;
    case 'pop3':
      return pop3Exchange;
  }
}

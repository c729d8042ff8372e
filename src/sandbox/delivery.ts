/**
 * Final delivery (RFC 5321 §4.4) of a message the sandbox's SMTP side accepted: one copy per local
 * recipient into its INBOX behind Return-Path and Received, and for each recipient it accepted but cannot
 * deliver to — a mailbox over quota (5.2.2), or an unknown user when unknown recipients are bounced rather
 * than refused (5.1.1) — a delivery status notification (RFC 3464, dsn.ts) to the envelope sender, if that
 * sender is a local user: the sandbox relays nothing, so other notifications (and mail for remote
 * recipients) are dropped and logged.
 * Imports smtp-server types, node:net, util/errors and sandbox/ modules; never a socket.
 */
import { isIPv6 } from 'node:net';
import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { isMailprobeError, ErrorCode } from '../util/errors.js';
import { buildBounce, recipientsToReport, type FailedRecipient } from './dsn.js';
import { Reply, type SmtpReply } from './smtp-replies.js';
import type { MailStore } from './store.js';
import type { UserDirectory } from './users.js';

/** What RCPT TO an unknown user in the local domain gets: 550 5.1.1 at once, or 250 and a bounce later. */
export type UnknownRecipientPolicy = 'reject' | 'bounce';
export const UNKNOWN_RECIPIENT_POLICIES: readonly UnknownRecipientPolicy[] = ['reject', 'bounce'];

export interface DeliveryOptions {
  users: UserDirectory;
  store: MailStore;
  /** The name in Received headers and Reporting-MTA. */
  hostname: string;
  unknownRecipients: UnknownRecipientPolicy;
  /** Told what was dropped rather than delivered (one line each). */
  log: (line: string) => void;
}

/** RFC 5322 §3.3 date-time, in UTC: "Mon, 23 Nov 2026 18:37:42 +0000". */
export function rfc5322Date(date: Date): string {
  const [weekday, day, month, year, time] = date.toUTCString().split(' ');
  return `${weekday} ${day} ${month} ${year} ${time} +0000`;
}

/**
 * RFC 5321 §4.4: the trace fields final delivery adds in front of the message: Return-Path with the
 * envelope sender, and a Received header naming the client, this host, the protocol (RFC 3848 ESMTPSA …)
 * and the one recipient this copy is for.
 */
export function traceHeaders(session: SMTPServerSession, recipient: string, hostname: string, date: Date): Buffer {
  const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  const helo = session.hostNameAppearsAs || 'unknown';
  // RFC 5321 §4.1.3 address literals: [192.0.2.1], [IPv6:2001:db8::1].
  const literal = isIPv6(session.remoteAddress) ? `IPv6:${session.remoteAddress}` : session.remoteAddress;
  return Buffer.from(
    `Return-Path: <${sender}>\r\n` +
      `Received: from ${helo} ([${literal}])\r\n` +
      `\tby ${hostname} (mailprobe sandbox) with ${session.transmissionType} id ${session.id}\r\n` +
      `\tfor <${recipient}>; ${rfc5322Date(date)}\r\n`,
    // RFC 6532: with SMTPUTF8, addresses in header fields are UTF-8.
    'utf8',
  );
}

/** A recipient that could not be delivered to, with the reply it would have had at RCPT or DATA. */
function failure(recipient: SMTPServerAddress, reply: SmtpReply): FailedRecipient {
  return {
    address: recipient.address,
    ...(recipient.dsn?.orcpt === undefined ? {} : { orcpt: recipient.dsn.orcpt }),
    ...(recipient.dsn?.notify === undefined ? {} : { notify: recipient.dsn.notify }),
    status: reply.text.slice(0, reply.text.indexOf(' ')),
    // RFC 3464 §2.3.6: diagnostic-type "smtp" for an SMTP reply.
    diagnostic: `smtp; ${reply.code} ${reply.text}`,
  };
}

export class LocalDelivery {
  /** Numbers the notifications, so that two from one session get different Message-IDs. */
  private bounces = 0;

  constructor(private readonly options: DeliveryOptions) {}

  /** RFC 5321 §3.6.2 / §4.2.2: the refusal RCPT TO gets, or undefined when it is accepted. */
  refusal(address: string, authenticated: boolean): SmtpReply | undefined {
    const target = this.options.users.classify(address);
    if (target.kind === 'unknown-local' && this.options.unknownRecipients === 'reject') return Reply.unknownUser(address);
    // RFC 5321 §3.6.2: no relaying for strangers; an authenticated client may send anywhere.
    if (target.kind === 'remote' && !authenticated) return Reply.relayDenied(address);
    return undefined;
  }

  /**
   * One copy per local recipient (duplicates and aliases of one user get one copy); failures are
   * reported to the sender. The reply is 250 once the message is ours (RFC 5321 §4.1.1.4), whatever
   * becomes of single copies; 451 only if the store fails in a way that is not a full mailbox.
   */
  deliver(session: SMTPServerSession, message: Buffer): SmtpReply {
    const { users, hostname, log } = this.options;
    const delivered = new Set<string>();
    const failed: FailedRecipient[] = [];
    const now = new Date();
    try {
      for (const recipient of session.envelope.rcptTo) {
        const target = users.classify(recipient.address);
        if (target.kind === 'remote') {
          log(`${session.id}: <${recipient.address}> not delivered: the sandbox relays nothing`);
        } else if (target.kind === 'unknown-local') {
          failed.push(failure(recipient, Reply.unknownUser(recipient.address)));
        } else if (!delivered.has(target.user.name)) {
          delivered.add(target.user.name);
          if (!this.append(target.user.name, Buffer.concat([traceHeaders(session, recipient.address, hostname, now), message]))) {
            failed.push(failure(recipient, Reply.quotaExceeded(recipient.address)));
          }
        }
      }
      if (failed.length > 0) this.notify(session, message, failed, now);
      return Reply.queued(session.id);
    } catch {
      return Reply.localError;
    }
  }

  /** Appends to the user's INBOX; false if the message does not fit the user's quota. */
  private append(user: string, bytes: Buffer): boolean {
    try {
      this.options.store.deliver(user, bytes);
      return true;
    } catch (err) {
      if (isMailprobeError(err) && err.code === ErrorCode.LIMIT) return false;
      throw err;
    }
  }

  /** RFC 3461 §6.2: the notification to the sender, into its INBOX when the sender is local. */
  private notify(session: SMTPServerSession, message: Buffer, failed: readonly FailedRecipient[], arrivalDate: Date): void {
    const { users, hostname, log } = this.options;
    const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const reported = recipientsToReport(sender, failed);
    const what = `${session.id}: ${failed.map((r) => `<${r.address}> ${r.status}`).join(', ')}`;
    if (reported.length === 0) return log(`${what}; no notification (${sender === '' ? 'null sender' : 'NOTIFY'})`);
    const target = users.classify(sender);
    if (target.kind !== 'local') return log(`${what}; notification to <${sender}> dropped: not a local user`);
    const { dsn } = session.envelope;
    const bounce = buildBounce(
      {
        reportingMta: hostname,
        domain: users.domain,
        sender,
        ret: dsn?.ret ?? null,
        envid: dsn?.envid ?? null,
        arrivalDate,
        message,
        seed: `${session.id} ${++this.bounces}`,
      },
      reported,
    );
    // RFC 3461 §6.2 / RFC 5321 §4.5.5: a notification is sent with the null reverse-path.
    if (!this.append(target.user.name, Buffer.concat([Buffer.from('Return-Path: <>\r\n'), bounce]))) {
      log(`${what}; notification to <${sender}> dropped: mailbox full`);
    }
  }
}

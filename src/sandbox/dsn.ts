/**
 * Delivery status notifications (RFC 3464) the sandbox sends when it accepted a message it then could not
 * deliver: a multipart/report (RFC 6522) with a human-readable part, a message/delivery-status part and the
 * returned message (RET=FULL) or its header (RET=HDRS), as RFC 3461 asks. Which recipients are reported is
 * decided here too (NOTIFY, the null sender). Pure: Buffers and plain objects in, bytes out; built with the
 * project's MIME builder. Imports src/mime only.
 */
import { buildMessage } from '../mime/builder/build.js';
import { rfc5322Date } from '../mime/builder/header-fields.js';

/** RFC 3461 §4.1 NOTIFY values, upper case; absent = the server's default (here FAILURE, as Postfix). */
export type NotifyValue = 'NEVER' | 'SUCCESS' | 'FAILURE' | 'DELAY';

export interface FailedRecipient {
  /** The address as given in RCPT TO. */
  address: string;
  /** RFC 3461 §4.2 ORCPT as received ("rfc822;bob+2Bx@example.test"), still xtext-encoded. */
  orcpt?: string;
  /** RFC 3461 §4.1 NOTIFY as received. */
  notify?: readonly string[];
  /** RFC 3463 enhanced status code, e.g. "5.1.1". */
  status: string;
  /** RFC 3464 §2.3.6 Diagnostic-Code with its type: "smtp; 550 5.1.1 …". */
  diagnostic: string;
}

export interface BounceRequest {
  /** The reporting MTA's host name (RFC 3464 §2.2.2). */
  reportingMta: string;
  /** The domain of the MAILER-DAEMON address the notification comes from. */
  domain: string;
  /** The envelope sender of the failed message: the notification goes there. */
  sender: string;
  /** RFC 3461 §4.3 RET; absent = FULL (what Postfix returns too). */
  ret?: string | null;
  /** RFC 3461 §4.4 ENVID as received, xtext-encoded. */
  envid?: string | null;
  arrivalDate: Date;
  /** The message as it was received (after our trace headers). */
  message: Buffer;
  /** Seeds the boundary and Message-ID (e.g. the SMTP session's id). */
  seed: string;
  now?: Date;
}

/**
 * RFC 3461 §4.1: a failure is reported unless the recipient asked for NEVER or named only other events;
 * RFC 3461 §6.2 / RFC 5321 §4.5.5: never to the null reverse-path (a bounce is not bounced).
 */
export function recipientsToReport(sender: string, failed: readonly FailedRecipient[]): FailedRecipient[] {
  if (sender === '') return [];
  return failed.filter((recipient) => recipient.notify === undefined || recipient.notify.includes('FAILURE'));
}

/** RFC 3461 §4: xtext, "+" followed by two upper-case hex digits stands for that octet. */
export function decodeXtext(xtext: string): string {
  return Buffer.from(xtext.replace(/\+([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
}

/** The end of the header: the offset just after the empty line (the whole message when there is none). */
function headerEnd(message: Buffer): number {
  const crlf = message.indexOf('\r\n\r\n');
  return crlf < 0 ? message.length : crlf + 4;
}

/** RFC 3464 §2.3: the per-recipient fields of one failed recipient. */
function recipientFields(recipient: FailedRecipient): string {
  let fields = '';
  // RFC 3464 §2.3.1: the ORCPT's address type and address, decoded from xtext (RFC 3461 §6.2).
  if (recipient.orcpt !== undefined) fields += `Original-Recipient: ${decodeXtext(recipient.orcpt)}\r\n`;
  fields += `Final-Recipient: rfc822;${recipient.address}\r\n`;
  fields += 'Action: failed\r\n';
  fields += `Status: ${recipient.status}\r\n`;
  fields += `Diagnostic-Code: ${recipient.diagnostic}\r\n`;
  return fields;
}

/** RFC 3464 §2.1: the per-message fields, an empty line, then one block per recipient, blocks separated likewise. */
export function deliveryStatus(request: BounceRequest, recipients: readonly FailedRecipient[]): string {
  let perMessage = `Reporting-MTA: dns;${request.reportingMta}\r\n`;
  if (request.envid) perMessage += `Original-Envelope-Id: ${decodeXtext(request.envid)}\r\n`;
  perMessage += `Arrival-Date: ${rfc5322Date(request.arrivalDate)}\r\n`;
  return [perMessage, ...recipients.map(recipientFields)].join('\r\n');
}

function humanReadable(request: BounceRequest, recipients: readonly FailedRecipient[]): string {
  // The diagnostic without its type ("smtp; "): the reply the recipient got.
  const lines = recipients.map((r) => `<${r.address}>: ${r.diagnostic.replace(/^[^;]*;\s*/, '')}`);
  return (
    `This is the mail system at host ${request.reportingMta}.\r\n\r\n` +
    'Your message could not be delivered to one or more recipients. It is attached below.\r\n\r\n' +
    `${lines.join('\r\n')}\r\n`
  );
}

/**
 * The notification's bytes (RFC 3464 §2, RFC 6522): From MAILER-DAEMON to the sender, Auto-Submitted
 * (RFC 3834 §5), multipart/report; report-type=delivery-status with the three parts. The returned message
 * travels as message/rfc822 byte for byte (8bit or binary if it is), or as text/rfc822-headers for HDRS.
 */
export function buildBounce(request: BounceRequest, recipients: readonly FailedRecipient[]): Buffer {
  const headersOnly = request.ret?.toUpperCase() === 'HDRS';
  const returned = headersOnly ? request.message.subarray(0, headerEnd(request.message)) : request.message;
  const returnedName = 'returned message';
  return buildMessage(
    {
      from: `Mail Delivery System <MAILER-DAEMON@${request.domain}>`,
      to: [request.sender],
      subject: 'Undelivered Mail Returned to Sender',
      headers: { 'Auto-Submitted': 'auto-replied' },
      body: {
        type: 'multipart/report; report-type=delivery-status',
        parts: [
          { type: 'text/plain; charset=us-ascii', content: humanReadable(request, recipients), description: 'Notification' },
          { type: 'message/delivery-status', content: deliveryStatus(request, recipients), description: 'Delivery report' },
          {
            type: headersOnly ? 'text/rfc822-headers' : 'message/rfc822',
            file: returnedName,
            description: headersOnly ? 'Undelivered message headers' : 'Undelivered message',
          },
        ],
      },
    },
    { seed: request.seed, ...(request.now ? { now: request.now } : {}), files: new Map([[returnedName, returned]]) },
  );
}

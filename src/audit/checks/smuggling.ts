/**
 * SMTP smuggling (SEC Consult, Dec 2023; CVE-2023-51764 for Postfix): RFC 5321 §4.1.1.4 ends DATA only at
 * <CRLF>.<CRLF>, and §2.3.8 forbids bare CR and LF. For each non-standard sequence the probe sends a
 * message to the user's own address (--rcpt) holding that sequence followed by a smuggled "MAIL FROM";
 * a server that ends DATA there answers the message and then the smuggled command. Delivers mail, so it
 * runs only with --intrusive --rcpt, and only ever to that address.
 * Imports node:crypto (Message-ID), audit/context, protocols/smtp codes and util/errors.
 */
import { randomUUID } from 'node:crypto';
import { ReplyCode } from '../../protocols/smtp/codes.js';
import type { Reply } from '../../protocols/types.js';
import { ErrorCode, toMailprobeError } from '../../util/errors.js';
import type { CheckOutcome, ServiceContext } from '../context.js';

/** How long to wait for a reply that a server still reading DATA would never send. */
const SMUGGLING_WAIT_MS = 2_500;

export const SMUGGLING_SEQUENCES: Readonly<Record<string, string>> = {
  'smuggling.lf-dot-lf': '\n.\n',
  'smuggling.lf-dot-crlf': '\n.\r\n',
  'smuggling.crlf-dot-lf': '\r\n.\n',
  'smuggling.cr-dot-cr': '\r.\r',
  'smuggling.crlf-dot-cr': '\r\n.\r',
};

/** The DATA body up to and including the smuggled command; the proper end of data is sent later if needed. */
export function smugglingPayload(rcpt: string, id: string, sequence: string): Buffer {
  const header = [`From: <${rcpt}>`, `To: <${rcpt}>`, `Subject: mailprobe audit ${id}`, `Message-ID: <${randomUUID()}@mailprobe.invalid>`];
  return Buffer.from(`${header.join('\r\n')}\r\n\r\nmailprobe audit: does the server end DATA at ${JSON.stringify(sequence)}?${sequence}MAIL FROM:<${rcpt}>\r\n`);
}

/** Reads one reply within `ms`; undefined when none came in time. Other errors (a close) propagate. */
async function replyWithin(read: (ms: number) => Promise<Reply>, ms: number): Promise<Reply | undefined> {
  try {
    return await read(ms);
  } catch (err) {
    if (toMailprobeError(err).code === ErrorCode.TIMEOUT) return undefined;
    throw err;
  }
}

function smugglingCheck(id: string): (ctx: ServiceContext) => Promise<CheckOutcome> {
  return async (ctx) => {
    const { rcpt, intrusive } = ctx.settings;
    if (!intrusive || rcpt === undefined) return { level: 'skipped', summary: 'delivers mail: runs only with --intrusive --rcpt ADDRESS' };
    const sequence = SMUGGLING_SEQUENCES[id]!;
    const wait = Math.min(SMUGGLING_WAIT_MS, ctx.settings.timeoutMs);
    let evidenceFrom = 0;
    const { value, evidence } = await ctx.probe(id, async (probe): Promise<CheckOutcome> => {
      await probe.read();
      await probe.command(`EHLO ${ctx.settings.ehloName}`);
      evidenceFrom = probe.transcript.mark();
      const mail = await probe.command(`MAIL FROM:<${rcpt}>`);
      const accepted = mail.status.startsWith('2') ? await probe.command(`RCPT TO:<${rcpt}>`) : mail;
      if (!accepted.status.startsWith('2')) return { level: 'skipped', summary: `${rcpt} not accepted (${accepted.status})` };
      const data = await probe.command('DATA');
      if (data.status !== ReplyCode.START_MAIL_INPUT) return { level: 'skipped', summary: `DATA answered ${data.status}` };
      await probe.raw(smugglingPayload(rcpt, id, sequence), false);
      const read = (ms: number): Promise<Reply> => probe.read(ms);
      let endOfData: Reply | undefined;
      try {
        endOfData = await replyWithin(read, wait);
      } catch {
        return { level: 'pass', summary: 'the server closed the connection instead of ending DATA there' };
      }
      if (!endOfData) {
        const final = await probe.raw(Buffer.from('\r\n.\r\n'), true);
        await probe.quit();
        return { level: 'pass', summary: `DATA did not end there; the proper <CRLF>.<CRLF> got ${final?.status ?? 'no reply'}` };
      }
      let smuggled: Reply | undefined;
      try {
        smuggled = await replyWithin(read, wait);
      } catch {
        return endOfData.status.startsWith('5')
          ? { level: 'pass', summary: `refused the sequence (${endOfData.status}) and closed` }
          : { level: 'warn', summary: `answered ${endOfData.status} at the sequence, then closed` };
      }
      await probe.quit();
      if (smuggled) return { level: 'fail', summary: `DATA ended at the sequence (${endOfData.status}) and the smuggled MAIL FROM was answered (${smuggled.status})` };
      return { level: endOfData.status.startsWith('5') ? 'pass' : 'warn', summary: `answered ${endOfData.status} at the sequence; the smuggled MAIL FROM got no answer` };
    });
    return { ...value, evidence: evidence.slice(evidenceFrom) };
  };
}

export const smugglingChecks: Record<string, (ctx: ServiceContext) => Promise<CheckOutcome>> = Object.fromEntries(
  Object.keys(SMUGGLING_SEQUENCES).map((id) => [id, smugglingCheck(id)]),
);

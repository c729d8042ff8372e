import t from 'tap';
import PostalMime from 'postal-mime';
import { parseMessage } from '../../src/mime/parser/parse.js';
import type { MimePart } from '../../src/mime/parser/types.js';
import { buildBounce, decodeXtext, deliveryStatus, recipientsToReport, type BounceRequest, type FailedRecipient } from '../../src/sandbox/dsn.js';

const returned = Buffer.from('From: alice@example.test\r\nTo: nobody@example.test\r\nSubject: hi\r\n\r\nbody line\r\n8-bit: Gr\xfc\xdfe\r\n', 'latin1');

const request: BounceRequest = {
  reportingMta: 'mx.example.test',
  domain: 'example.test',
  sender: 'alice@example.test',
  envid: 'QQ+2B314',
  arrivalDate: new Date('2026-11-23T10:00:00Z'),
  message: returned,
  seed: 'test',
  now: new Date('2026-11-23T10:00:01Z'),
};

const nobody: FailedRecipient = {
  address: 'nobody@example.test',
  orcpt: 'rfc822;Nobody+2Bx@example.test',
  status: '5.1.1',
  diagnostic: 'smtp; 550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown',
};
const full: FailedRecipient = { address: 'bob@example.test', status: '5.2.2', diagnostic: 'smtp; 552 5.2.2 <bob@example.test>: Mailbox full' };

function header(part: MimePart, key: string): string | undefined {
  return part.headers.find((h) => h.key === key)?.value;
}

t.test('xtext (RFC 3461 §4): +XX is the octet, everything else itself', async (t) => {
  t.equal(decodeXtext('rfc822;a+2Bb+3Dc@example.test'), 'rfc822;a+b=c@example.test');
  t.equal(decodeXtext('plain'), 'plain');
});

t.test('NOTIFY (RFC 3461 §4.1) and the null sender decide who is reported', async (t) => {
  const never = { ...full, notify: ['NEVER'] };
  const delayOnly = { ...full, notify: ['DELAY'] };
  const failure = { ...nobody, notify: ['SUCCESS', 'FAILURE'] };
  t.same(recipientsToReport('alice@example.test', [nobody, never, delayOnly, failure]), [nobody, failure]);
  t.same(recipientsToReport('', [nobody, failure]), [], 'never to <> (RFC 5321 §4.5.5)');
});

t.test('message/delivery-status fields (RFC 3464 §2.2, §2.3)', async (t) => {
  t.equal(
    deliveryStatus(request, [nobody, full]),
    'Reporting-MTA: dns;mx.example.test\r\nOriginal-Envelope-Id: QQ+314\r\nArrival-Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n' +
      '\r\nOriginal-Recipient: rfc822;Nobody+x@example.test\r\nFinal-Recipient: rfc822;nobody@example.test\r\nAction: failed\r\n' +
      'Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown\r\n' +
      '\r\nFinal-Recipient: rfc822;bob@example.test\r\nAction: failed\r\nStatus: 5.2.2\r\n' +
      'Diagnostic-Code: smtp; 552 5.2.2 <bob@example.test>: Mailbox full\r\n',
  );
});

t.test('RET=FULL (default): multipart/report with the message returned byte for byte; our parser agrees', async (t) => {
  const bounce = buildBounce(request, [nobody, full]);
  const parsed = parseMessage(bounce);
  t.same(parsed.warnings, []);
  const { root } = parsed;
  t.equal(root.contentType.mediaType, 'multipart/report');
  t.equal(root.contentType.parameters.get('report-type'), 'delivery-status');
  t.equal(header(root, 'from'), 'Mail Delivery System <MAILER-DAEMON@example.test>');
  t.equal(header(root, 'to'), 'alice@example.test');
  t.equal(header(root, 'auto-submitted'), 'auto-replied');
  t.same(
    root.children.map((c) => c.contentType.mediaType),
    ['text/plain', 'message/delivery-status', 'message/rfc822'],
  );
  const [human, status, original] = root.children as [MimePart, MimePart, MimePart];
  t.match(human.content!.toString(), /<nobody@example\.test>: 550 5\.1\.1 .*User unknown\r\n<bob@example\.test>: 552 5\.2\.2 /);
  t.equal(status.content!.toString(), deliveryStatus(request, [nobody, full]));
  t.equal(original.transferEncoding, '8bit');
  t.same(bounce.subarray(original.body.start, original.body.end), returned, 'the returned message, exact bytes');
});

t.test('RET=HDRS: only the header, as text/rfc822-headers', async (t) => {
  const { root } = parseMessage(buildBounce({ ...request, ret: 'HDRS' }, [nobody]));
  const last = root.children.at(-1)!;
  t.equal(last.contentType.mediaType, 'text/rfc822-headers');
  t.equal(last.content!.toString('latin1'), 'From: alice@example.test\r\nTo: nobody@example.test\r\nSubject: hi\r\n\r\n');
});

t.test('postal-mime reads the same report', async (t) => {
  const email = await PostalMime.parse(buildBounce(request, [nobody]));
  t.equal(email.subject, 'Undelivered Mail Returned to Sender');
  t.equal(email.from?.address, 'MAILER-DAEMON@example.test');
  const types = email.attachments.map((a) => a.mimeType);
  t.ok(types.includes('message/delivery-status'), `attachments: ${types.join(', ')}`);
  const status = email.attachments.find((a) => a.mimeType === 'message/delivery-status')!;
  // postal-mime hands text content over with LF line ends.
  t.match(Buffer.from(status.content as ArrayBuffer).toString(), /Final-Recipient: rfc822;nobody@example\.test\r?\nAction: failed\r?\nStatus: 5\.1\.1\r?\n/);
});

import t from 'tap';
import fc from 'fast-check';
import { parseEnhancedStatusCode, replyText, SmtpReplyDecoder, type SmtpReply } from '../../../src/protocols/smtp/codec.js';
import { LimitError, ProtocolError } from '../../../src/util/errors.js';
import { Limits } from '../../../src/util/limits.js';
import { bytewise, splitAt } from '../../helpers/chunks.js';

interface Outcome {
  replies: Array<{ code: string; enhanced?: string; text: string; lines: number; bareLf: boolean[] }>;
  error?: { name: string; message: string };
}

/** Feeds the chunks in order and keeps every reply until (and the first) error. */
function decode(chunks: Buffer[]): Outcome {
  const decoder = new SmtpReplyDecoder();
  const replies: SmtpReply[] = [];
  const summary = (): Outcome['replies'] =>
    replies.map((r) => ({ code: r.code, ...(r.enhanced ? { enhanced: r.enhanced } : {}), text: replyText(r), lines: r.lines.length, bareLf: r.lines.map((l) => l.bareLf) }));
  try {
    for (const chunk of chunks) replies.push(...decoder.push(chunk));
    // An error found after replies of the same push surfaces on the next one.
    decoder.push(Buffer.alloc(0));
  } catch (err) {
    const e = err as Error;
    return { replies: summary(), error: { name: e.name, message: e.message } };
  }
  return { replies: summary() };
}

/** Inputs seeded from RFC 5321 examples, plus the lax and broken forms a server may send. */
const SAMPLES: Record<string, string> = {
  greeting: '220 mx.example.test ESMTP ready\r\n',
  ehlo: '250-mx.example.test greets probe\r\n250-PIPELINING\r\n250-SIZE 1048576\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n',
  bareCode: '250\r\n',
  emptyContinuation: '250-\r\n250 ok\r\n',
  enhanced: '250 2.1.0 Ok\r\n550 5.7.1 Relay access denied\r\n',
  bareLf: '220 hello\n250-a\n250 b\r\n',
  nonAscii: '250 Grüße aus Köln\r\n',
  pipelined: '250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go ahead\r\n',
  mismatch: '250-first\r\n251 second\r\n',
  garbage: 'hello world\r\n',
  badSeparator: '250x\r\n',
  afterReplyGarbage: '250 ok\r\nxyz\r\n',
  partial: '250-more to come\r\n250 an',
};

t.test('decodes every sample the same whole, byte by byte and at random split points', async (t) => {
  for (const [name, text] of Object.entries(SAMPLES)) {
    const input = Buffer.from(text, 'utf8');
    const whole = decode([input]);
    t.same(decode(bytewise(input)), whole, `${name}: one byte at a time`);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 8 }), (points) => {
        t.strictSame(decode(splitAt(input, points)), whole);
      }),
      { numRuns: 50 },
    );
  }
});

t.test('arbitrary reply streams decode the same however they are split', async (t) => {
  const line = fc.tuple(fc.constantFrom('250', '220', '550', '354'), fc.constantFrom('-', ' ', ''), fc.string({ maxLength: 20 }), fc.constantFrom('\r\n', '\n'));
  fc.assert(
    fc.property(fc.array(line, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 10 }), (lines, points) => {
      const input = Buffer.from(lines.map(([code, sep, text, end]) => `${code}${sep === '' ? '' : sep + text.replace(/[\r\n]/g, '')}${end}`).join(''), 'utf8');
      t.strictSame(decode(splitAt(input, points)), decode([input]));
    }),
    { numRuns: 200 },
  );
});

/** Feeds each line through pushLine, as a line reader hands them over; keeps replies until the first error. */
function decodeLines(input: Buffer): Outcome {
  const lines: Buffer[] = [];
  for (let from = 0; from < input.length; ) {
    const lf = input.indexOf(0x0a, from);
    const end = lf === -1 ? input.length : lf + 1;
    lines.push(input.subarray(from, end));
    from = end;
  }
  const complete = lines.filter((l) => l[l.length - 1] === 0x0a);
  const decoder = new SmtpReplyDecoder();
  const replies: SmtpReply[] = [];
  const outcome = (error?: Error): Outcome => {
    const summary = replies.map((r) => ({ code: r.code, ...(r.enhanced ? { enhanced: r.enhanced } : {}), text: replyText(r), lines: r.lines.length, bareLf: r.lines.map((l) => l.bareLf) }));
    return error ? { replies: summary, error: { name: error.name, message: error.message } } : { replies: summary };
  };
  try {
    for (const line of complete) {
      const reply = decoder.pushLine(line);
      if (reply) replies.push(reply);
    }
  } catch (err) {
    return outcome(err as Error);
  }
  return outcome();
}

t.test('whole lines through pushLine decode as push() decodes them', async (t) => {
  for (const [name, text] of Object.entries(SAMPLES)) {
    t.strictSame(decodeLines(Buffer.from(text, 'utf8')), decode([Buffer.from(text, 'utf8')]), name);
  }
  const decoder = new SmtpReplyDecoder();
  t.same(decoder.push(Buffer.from('250-first\r\n250 sec')), [], 'a partial line waits in the queue');
  const reply = decoder.pushLine(Buffer.from('ond\r\n'));
  t.equal(reply && replyText(reply), '250-first\r\n250 second', 'a line after a partial one completes it');
  t.throws(() => decoder.pushLine(Buffer.from('xyz\r\n')), ProtocolError);
  t.throws(() => decoder.pushLine(Buffer.from('250 ok\r\n')), ProtocolError, 'the decoder stays failed');
});

t.test('multi-line reply: codes, continuation, text as received', async (t) => {
  const { replies } = decode([Buffer.from(SAMPLES.ehlo!)]);
  t.equal(replies.length, 1);
  t.equal(replies[0]!.code, '250');
  t.equal(replies[0]!.lines, 5);
  t.equal(replies[0]!.text, SAMPLES.ehlo!.trimEnd());
});

t.test('bare code, empty continuation, pipelined replies', async (t) => {
  t.same(decode([Buffer.from('250\r\n')]).replies.map((r) => r.text), ['250']);
  t.same(decode([Buffer.from(SAMPLES.emptyContinuation!)]).replies.map((r) => r.lines), [2]);
  t.same(decode([Buffer.from(SAMPLES.pipelined!)]).replies.map((r) => r.code), ['250', '250', '354']);
});

t.test('enhanced status codes are split out (RFC 3463)', async (t) => {
  const decoder = new SmtpReplyDecoder();
  const [ok, denied] = decoder.push(Buffer.from(SAMPLES.enhanced!));
  t.equal(ok!.enhanced, '2.1.0');
  t.equal(ok!.lines[0]!.text.toString(), 'Ok');
  t.equal(denied!.enhanced, '5.7.1');
  t.equal(denied!.lines[0]!.text.toString(), 'Relay access denied');
  t.same(parseEnhancedStatusCode(Buffer.from('2.0.0')), { enhanced: '2.0.0', rest: Buffer.alloc(0) });
  t.equal(parseEnhancedStatusCode(Buffer.from('2.0.0x')), undefined);
  t.equal(parseEnhancedStatusCode(Buffer.from('3.0.0 not a class')), undefined);
  t.equal(parseEnhancedStatusCode(Buffer.from('2.1234.0 too long')), undefined);
});

t.test('bare LF endings are accepted and flagged', async (t) => {
  const { replies } = decode([Buffer.from(SAMPLES.bareLf!)]);
  t.same(replies.map((r) => r.bareLf), [[true], [true, false]]);
  t.equal(replies[1]!.text, '250-a\r\n250 b');
});

t.test('non-ASCII text is kept as bytes and decoded as UTF-8', async (t) => {
  const input = Buffer.from(SAMPLES.nonAscii!, 'utf8');
  const [reply] = new SmtpReplyDecoder().push(input);
  t.same(reply!.lines[0]!.text, Buffer.from('Grüße aus Köln', 'utf8'));
  t.equal(replyText(reply!), '250 Grüße aus Köln');
  const latin1 = Buffer.from('250 caf\xe9\r\n', 'latin1');
  t.equal(replyText(new SmtpReplyDecoder().push(latin1)[0]!), '250 caf\\xE9');
});

t.test('lines longer than 1000 octets (RFC 5321 §4.5.3.1.5) are still accepted up to the limit', async (t) => {
  const text = 'x'.repeat(5000);
  const [reply] = new SmtpReplyDecoder().push(Buffer.from(`250 ${text}\r\n`));
  t.equal(reply!.lines[0]!.text.length, 5000);
});

t.test('line limit: exactly at Limits.lineBytes passes, one past fails without more input', async (t) => {
  const atLimit = Buffer.concat([Buffer.from('250 '), Buffer.alloc(Limits.lineBytes - 6, 0x61), Buffer.from('\r\n')]);
  t.equal(atLimit.length, Limits.lineBytes);
  t.equal(new SmtpReplyDecoder().push(atLimit).length, 1);
  const onePast = Buffer.concat([Buffer.from('250 '), Buffer.alloc(Limits.lineBytes - 5, 0x61), Buffer.from('\r\n')]);
  const outcome = decode([onePast]);
  t.equal(outcome.error?.name, 'LimitError');
  t.match(outcome.error?.message, /line exceeds 64 KiB/);
  // No LF yet: refused as soon as the line is longer than the limit.
  const decoder = new SmtpReplyDecoder();
  t.same(decoder.push(Buffer.alloc(Limits.lineBytes, 0x61)), []);
  t.throws(() => decoder.push(Buffer.from('a')), LimitError);
  t.same(decode(bytewise(onePast)), outcome, 'the same error however the line arrives');
});

t.test('reply line limit: exactly Limits.replyLines lines pass, one more fails', async (t) => {
  const reply = (n: number): Buffer => Buffer.from('250-x\r\n'.repeat(n - 1) + '250 end\r\n');
  t.equal(new SmtpReplyDecoder().push(reply(Limits.replyLines))[0]!.lines.length, Limits.replyLines);
  const err = t.throws(() => new SmtpReplyDecoder().push(reply(Limits.replyLines + 1)));
  t.type(err, LimitError);
  t.equal((err as LimitError).limit, 'replyLines');
  t.equal((err as LimitError).actual, Limits.replyLines + 1);
});

t.test('garbage and mismatched codes are protocol errors with offsets', async (t) => {
  const garbage = t.throws(() => new SmtpReplyDecoder().push(Buffer.from(SAMPLES.garbage!), 'reading the greeting')) as ProtocolError;
  t.type(garbage, ProtocolError);
  t.equal(garbage.offset, 0);
  t.match(garbage.message, /expected a reply code .* but got "hello world" while reading the greeting/);

  const mismatch = t.throws(() => new SmtpReplyDecoder().push(Buffer.from(SAMPLES.mismatch!))) as ProtocolError;
  t.type(mismatch, ProtocolError);
  t.equal(mismatch.offset, 11, 'the offset of the offending line within the reply');
  t.match(mismatch.message, /251 inside a 250 reply: "251 second"/);

  const separator = t.throws(() => new SmtpReplyDecoder().push(Buffer.from(SAMPLES.badSeparator!))) as ProtocolError;
  t.equal(separator.offset, 3);
});

t.test('an error after complete replies is kept for the next push', async (t) => {
  const decoder = new SmtpReplyDecoder();
  const replies = decoder.push(Buffer.from(SAMPLES.afterReplyGarbage!));
  t.same(replies.map((r) => r.code), ['250']);
  t.throws(() => decoder.push(Buffer.alloc(0)), ProtocolError);
});

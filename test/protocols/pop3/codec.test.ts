import t from 'tap';
import fc from 'fast-check';
import { parseResponseCode, parseStatusLine, Pop3ReplyDecoder, replyText, type Pop3Reply, type ReplyExpectation } from '../../../src/protocols/pop3/codec.js';
import { LimitError, ProtocolError } from '../../../src/util/errors.js';
import { Limits } from '../../../src/util/limits.js';
import { bytewise, splitAt } from '../../helpers/chunks.js';

interface Outcome {
  replies: Array<{ status: string; code?: string; text: string; body?: string; bareLf: boolean }>;
  error?: { name: string; message: string };
}

const single = (what = 'reply to NOOP'): ReplyExpectation => ({ multiline: false, what });
const multi = (what = 'reply to RETR 1'): ReplyExpectation => ({ multiline: true, what });

/** Feeds the chunks in order to a decoder expecting `shapes`, keeping every reply until (and the first) error. */
function decode(chunks: Buffer[], shapes: ReplyExpectation[]): Outcome {
  const decoder = new Pop3ReplyDecoder();
  for (const shape of shapes) decoder.expect(shape);
  const replies: Pop3Reply[] = [];
  const summary = (): Outcome['replies'] =>
    replies.map((r) => ({
      status: r.status,
      ...(r.responseCode ? { code: r.responseCode } : {}),
      text: replyText(r),
      ...(r.body ? { body: r.body.toString('latin1') } : {}),
      bareLf: r.bareLf,
    }));
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

/** Inputs seeded from the examples of RFC 1939, 2449 and 5034, plus lax and broken forms. */
const SAMPLES: Record<string, { text: string; shapes: ReplyExpectation[] }> = {
  greeting: { text: '+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n', shapes: [single('the greeting')] },
  // RFC 1939 §5 LIST and §7 UIDL examples.
  list: { text: '+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n', shapes: [multi('reply to LIST')] },
  uidl: { text: '+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n2 QhdPYR:00WBw1Ph7x7\r\n.\r\n', shapes: [multi('reply to UIDL')] },
  // RFC 2449 §5 CAPA example.
  capa: { text: '+OK Capability list follows\r\nTOP\r\nUSER\r\nSASL CRAM-MD5 KERBEROS_V4\r\nRESP-CODES\r\nLOGIN-DELAY 900\r\nPIPELINING\r\nEXPIRE 60\r\nUIDL\r\nIMPLEMENTATION Shlemazle-Plotz-v302\r\n.\r\n', shapes: [multi('reply to CAPA')] },
  retrStuffed: { text: '+OK 120 octets\r\nSubject: x\r\n\r\n..leading dot\r\n...\r\n.single\r\nend\r\n.\r\n', shapes: [multi()] },
  emptyBody: { text: '+OK\r\n.\r\n', shapes: [multi()] },
  errToMultiline: { text: '-ERR no such message\r\n+OK 1 2\r\n', shapes: [multi(), single()] },
  respCode: { text: '-ERR [IN-USE] Do you have another POP session running?\r\n', shapes: [single('reply to PASS')] },
  // RFC 5034 §4 AUTH example exchanges.
  sasl: { text: '+ \r\n+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UuZXhhbXBsZS5uZXQ+\r\n+\r\n+OK Maildrop locked and ready\r\n', shapes: [single(), single(), single(), single()] },
  pipelined: { text: '+OK\r\n+OK 2 320\r\n+OK\r\n1 120\r\n2 200\r\n.\r\n+OK bye\r\n', shapes: [single(), single(), multi('reply to LIST'), single()] },
  bareLf: { text: '+OK\nline one\r\nline two\n.\n', shapes: [multi()] },
  nonAscii: { text: '+OK Grüße\r\nSubject: Köln\r\n.\r\n', shapes: [multi()] },
  unannounced: { text: '+OK one\r\n-ERR two\r\n', shapes: [] },
  lowerCase: { text: '+ok fine\r\n', shapes: [single()] },
  garbage: { text: 'HTTP/1.1 400 Bad Request\r\n', shapes: [single()] },
  glued: { text: '+OKAY\r\n', shapes: [single()] },
  afterBodyGarbage: { text: '+OK\r\nbody\r\n.\r\nxyz\r\n', shapes: [multi(), single()] },
  truncatedBody: { text: '+OK\r\nline one\r\nline tw', shapes: [multi()] },
};

t.test('decodes every sample the same whole, byte by byte and at random split points', async (t) => {
  for (const [name, { text, shapes }] of Object.entries(SAMPLES)) {
    const input = Buffer.from(text, 'utf8');
    const whole = decode([input], shapes);
    t.same(decode(bytewise(input), shapes), whole, `${name}: one byte at a time`);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 8 }), (points) => {
        t.strictSame(decode(splitAt(input, points), shapes), whole);
      }),
      { numRuns: 50 },
    );
  }
});

t.test('arbitrary response streams decode the same however they are split', async (t) => {
  const line = fc.oneof(
    fc.constantFrom('+OK', '-ERR', '+OK 1 2', '-ERR [SYS/TEMP] later', '+ ', '.', '..', '.x', ''),
    fc.string({ maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, '')),
  );
  const stream = fc.array(fc.tuple(line, fc.constantFrom('\r\n', '\n')), { maxLength: 16 });
  fc.assert(
    fc.property(stream, fc.array(fc.boolean(), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 10 }), (lines, multiline, points) => {
      const input = Buffer.from(lines.map(([text, end]) => text + end).join(''), 'utf8');
      const shapes = multiline.map((m) => ({ multiline: m, what: 'reply to X' }));
      t.strictSame(decode(splitAt(input, points), shapes), decode([input], shapes));
    }),
    { numRuns: 300 },
  );
});

t.test('status lines (RFC 1939 §3) with and without text', async (t) => {
  t.same(parseStatusLine(Buffer.from('+OK')), { status: '+OK', text: Buffer.alloc(0) });
  t.same(parseStatusLine(Buffer.from('+OK 2 320')), { status: '+OK', text: Buffer.from('2 320') });
  t.same(parseStatusLine(Buffer.from('-ERR')), { status: '-ERR', text: Buffer.alloc(0) });
  t.same(parseStatusLine(Buffer.from('-ERR no such message')), { status: '-ERR', text: Buffer.from('no such message') });
  t.same(parseStatusLine(Buffer.from('+ ')), { status: '+', text: Buffer.alloc(0) });
  t.same(parseStatusLine(Buffer.from('+ dGVzdA==')), { status: '+', text: Buffer.from('dGVzdA==') });
  t.same(parseStatusLine(Buffer.from('+')), { status: '+', text: Buffer.alloc(0) }, 'a bare "+" is an empty challenge');
  for (const bad of ['+ok', 'OK', '-ERRx', '+OKAY', '', '-', ' +OK', '*OK']) {
    t.throws(() => parseStatusLine(Buffer.from(bad), 7, 'reply to STAT'), ProtocolError, `refuses "${bad}"`);
  }
  const err = (() => {
    try {
      parseStatusLine(Buffer.from('+ok fine'), 7, 'reply to STAT');
    } catch (e) {
      return e as ProtocolError;
    }
    return undefined;
  })();
  t.equal(err?.offset, 7);
  t.equal(err?.message, 'expected "+OK", "-ERR" or a "+" continuation (RFC 1939 §3) but got "+ok fine" while reading reply to STAT (at offset 7)');
});

t.test('extended response codes (RFC 2449 §8)', async (t) => {
  t.equal(parseResponseCode(Buffer.from('[IN-USE] locked')), 'IN-USE');
  t.equal(parseResponseCode(Buffer.from('[SYS/TEMP] try later')), 'SYS/TEMP');
  t.equal(parseResponseCode(Buffer.from('[AUTH]')), 'AUTH');
  t.equal(parseResponseCode(Buffer.from('[LOGIN-DELAY/X]x')), 'LOGIN-DELAY/X');
  for (const text of ['IN-USE', '[]', '[IN USE]', '[a//b]', '[open', ' [IN-USE]', '[a/]']) {
    t.equal(parseResponseCode(Buffer.from(text)), undefined, `"${text}" is plain text`);
  }
  const { replies } = decode([Buffer.from(SAMPLES.respCode!.text)], SAMPLES.respCode!.shapes);
  t.equal(replies[0]!.code, 'IN-USE');
  t.equal(replies[0]!.text, '-ERR [IN-USE] Do you have another POP session running?', 'the code stays in the text');
});

t.test('multi-line responses are dot-unstuffed and kept as exact bytes (RFC 1939 §3)', async (t) => {
  const { replies, error } = decode([Buffer.from(SAMPLES.retrStuffed!.text)], SAMPLES.retrStuffed!.shapes);
  t.equal(error, undefined);
  t.equal(replies[0]!.body, 'Subject: x\r\n\r\n.leading dot\r\n..\r\nsingle\r\nend\r\n');
  t.equal(replies[0]!.text, '+OK 120 octets\r\nSubject: x\r\n\r\n.leading dot\r\n..\r\nsingle\r\nend');
  const capa = decode([Buffer.from(SAMPLES.capa!.text)], SAMPLES.capa!.shapes).replies[0]!;
  t.match(capa.text, /^\+OK Capability list follows\r\nTOP\r\nUSER\r\n.*\r\nIMPLEMENTATION Shlemazle-Plotz-v302$/s);
  t.equal(decode([Buffer.from(SAMPLES.emptyBody!.text)], SAMPLES.emptyBody!.shapes).replies[0]!.body, '', 'an empty body is zero bytes');
  t.equal(decode([Buffer.from(SAMPLES.emptyBody!.text)], SAMPLES.emptyBody!.shapes).replies[0]!.text, '+OK');
});

t.test('binary and non-UTF-8 bodies survive byte for byte', async (t) => {
  const body = Buffer.from([0x00, 0xff, 0x80, 0x0d, 0x41, 0x0d, 0x0a, 0x2e, 0x2e, 0x0d, 0x0a]);
  const stuffed = Buffer.concat([Buffer.from('+OK\r\n'), body, Buffer.from('.\r\n')]);
  const decoder = new Pop3ReplyDecoder();
  decoder.expect(multi());
  const [reply] = decoder.push(stuffed);
  t.same(reply!.body, Buffer.from([0x00, 0xff, 0x80, 0x0d, 0x41, 0x0d, 0x0a, 0x2e, 0x0d, 0x0a]));
  t.match(replyText(reply!), /\\xFF\\x80/, 'invalid UTF-8 is escaped in the text only');
});

t.test('-ERR and continuations to a multi-line command are single lines', async (t) => {
  const { replies } = decode([Buffer.from(SAMPLES.errToMultiline!.text)], SAMPLES.errToMultiline!.shapes);
  t.same(replies.map((r) => [r.status, r.body]), [['-ERR', undefined], ['+OK', undefined]]);
  const cont = decode([Buffer.from('+ \r\n')], [multi('reply to AUTH PLAIN')]);
  t.same(cont.replies.map((r) => r.status), ['+']);
});

t.test('pipelined replies come back in order with their shapes', async (t) => {
  const { replies } = decode([Buffer.from(SAMPLES.pipelined!.text)], SAMPLES.pipelined!.shapes);
  t.same(replies.map((r) => r.text), ['+OK', '+OK 2 320', '+OK\r\n1 120\r\n2 200', '+OK bye']);
});

t.test('unannounced replies are single lines; bare LF is accepted and flagged', async (t) => {
  t.same(decode([Buffer.from(SAMPLES.unannounced!.text)], []).replies.map((r) => r.status), ['+OK', '-ERR']);
  const { replies } = decode([Buffer.from(SAMPLES.bareLf!.text)], SAMPLES.bareLf!.shapes);
  t.equal(replies[0]!.body, 'line one\r\nline two\n', 'each line keeps the ending it came with');
  t.equal(replies[0]!.bareLf, true);
  t.equal(decode([Buffer.from(SAMPLES.list!.text)], SAMPLES.list!.shapes).replies[0]!.bareLf, false);
});

t.test('what the decoder waits for', async (t) => {
  const decoder = new Pop3ReplyDecoder();
  t.same(decoder.pending, { multiline: false, what: 'the next reply' });
  decoder.expect(multi('reply to RETR 7'));
  t.equal(decoder.pending.what, 'reply to RETR 7');
  t.equal(decoder.readingBody, false);
  t.same(decoder.push(Buffer.from('+OK\r\nline\r\n')), []);
  t.equal(decoder.readingBody, true, 'truncated: the body is still open, nothing is returned');
  t.equal(decoder.pending.what, 'reply to RETR 7');
  t.equal(decoder.push(Buffer.from('.\r\n')).length, 1);
  t.equal(decoder.readingBody, false);
});

t.test('garbage is a protocol error naming the offset in the reply and what it answers', async (t) => {
  const outcome = decode([Buffer.from(SAMPLES.afterBodyGarbage!.text)], SAMPLES.afterBodyGarbage!.shapes);
  t.equal(outcome.replies.length, 1, 'the reply before the garbage is returned');
  t.same(outcome.error, { name: 'ProtocolError', message: 'expected "+OK", "-ERR" or a "+" continuation (RFC 1939 §3) but got "xyz" while reading reply to NOOP (at offset 0)' });
  const decoder = new Pop3ReplyDecoder();
  decoder.expect(single('the greeting'));
  t.throws(() => decoder.push(Buffer.from('HTTP/1.1 400 Bad Request\r\n')), { name: 'ProtocolError', offset: 0, message: /"HTTP\/1\.1 400 Bad Request" while reading the greeting/ });
  t.throws(() => decoder.push(Buffer.from('+OK\r\n')), ProtocolError, 'a failed decoder stays failed');
});

t.test('line limit: exactly at Limits.lineBytes passes, one past fails without more input', async (t) => {
  const line = (total: number): Buffer => Buffer.concat([Buffer.alloc(total - 2, 0x61), Buffer.from('\r\n')]);
  const atLimit = Buffer.concat([Buffer.from('+OK\r\n'), line(Limits.lineBytes), Buffer.from('.\r\n')]);
  t.equal(decode([atLimit], [multi()]).replies[0]!.body?.length, Limits.lineBytes);
  const onePast = Buffer.concat([Buffer.from('+OK\r\n'), line(Limits.lineBytes + 1), Buffer.from('.\r\n')]);
  const outcome = decode([onePast], [multi()]);
  t.equal(outcome.error?.name, 'LimitError');
  t.equal(outcome.error?.message, 'line exceeds 64 KiB while reading reply to RETR 1');
  const decoder = new Pop3ReplyDecoder();
  t.same(decoder.push(Buffer.alloc(Limits.lineBytes, 0x61)), []);
  t.throws(() => decoder.push(Buffer.from('a')), { name: 'LimitError', limit: 'lineBytes', max: Limits.lineBytes });
});

t.test('body limit: exactly Limits.bodyBytes passes, one byte more fails', async (t) => {
  const lineLength = 64 * 1024; // within Limits.lineBytes, CRLF included
  const lines = Limits.bodyBytes / lineLength;
  const fullLine = Buffer.concat([Buffer.alloc(lineLength - 2, 0x61), Buffer.from('\r\n')]);
  const body = Buffer.concat(Array.from({ length: lines }, () => fullLine));
  t.equal(body.length, Limits.bodyBytes);
  const atLimit = new Pop3ReplyDecoder();
  atLimit.expect(multi());
  const [reply] = atLimit.push(Buffer.concat([Buffer.from('+OK\r\n'), body, Buffer.from('.\r\n')]));
  t.equal(reply!.body!.length, Limits.bodyBytes);
  const onePast = new Pop3ReplyDecoder();
  onePast.expect(multi());
  const err = (() => {
    try {
      onePast.push(Buffer.concat([Buffer.from('+OK\r\n'), body, Buffer.from('\n.\r\n')]));
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  t.type(err, LimitError);
  t.match(err, { limit: 'bodyBytes', max: Limits.bodyBytes, actual: Limits.bodyBytes + 1, message: 'multi-line body exceeds 64 MiB while reading reply to RETR 1' });
});

t.test('fuzz: random and mutated responses yield replies or typed errors only, never a hang', async (t) => {
  const seeds = Object.values(SAMPLES).map((s) => Buffer.from(s.text, 'utf8'));
  const mutated = fc
    .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'insert', 'delete', 'cut')), { maxLength: 6 }))
    .map(([seed, edits]) => {
      let bytes = Buffer.from(seed);
      for (const [at, value, kind] of edits) {
        const i = at % (bytes.length + 1);
        if (kind === 'flip' && i < bytes.length) bytes[i] = value;
        else if (kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([value]), bytes.subarray(i)]);
        else if (kind === 'delete') bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
        else bytes = bytes.subarray(0, i);
      }
      return bytes;
    });
  const random = fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a));
  fc.assert(
    fc.property(fc.oneof(mutated, random), fc.array(fc.boolean(), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 8 }), (input, multiline, points) => {
      const shapes = multiline.map((m) => ({ multiline: m, what: 'reply to X' }));
      const outcome = decode(splitAt(input, points), shapes);
      if (outcome.error) t.ok(['ProtocolError', 'LimitError'].includes(outcome.error.name), outcome.error.message);
      t.strictSame(outcome, decode([input], shapes));
    }),
    { numRuns: 2000 },
  );
});

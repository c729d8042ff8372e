import { isDeepStrictEqual } from 'node:util';
import t from 'tap';
import fc from 'fast-check';
import { firstLiteral, ImapResponseDecoder, responseText, type ImapResponse } from '../../../src/protocols/imap/codec.js';
import { ImapLimits } from '../../../src/protocols/imap/limits.js';
import { LimitError, MailprobeError, ProtocolError } from '../../../src/util/errors.js';
import { Limits } from '../../../src/util/limits.js';
import { bytewise, splitAt } from '../../helpers/chunks.js';

interface Outcome {
  responses: Array<{ parsed: unknown; text: string; body?: string }>;
  error?: { name: string; message: string; offset?: number };
}

function summary(r: ImapResponse): Outcome['responses'][number] {
  const { raw: _raw, literals: _literals, ...parsed } = r;
  const body = firstLiteral(r);
  return body ? { parsed, text: responseText(r), body: body.toString('latin1') } : { parsed, text: responseText(r) };
}

/** Feeds the chunks in order, then ends the stream; keeps every response until (and the first) error. */
function decode(chunks: Buffer[]): Outcome {
  const decoder = new ImapResponseDecoder();
  const responses: ImapResponse[] = [];
  try {
    for (const chunk of chunks) responses.push(...decoder.push(chunk));
    // An error found after responses of the same push surfaces on the next one; end() reports truncation.
    decoder.push(Buffer.alloc(0));
    decoder.end();
  } catch (err) {
    const e = err as Error;
    const error = err instanceof ProtocolError ? { name: e.name, message: e.message, offset: err.offset } : { name: e.name, message: e.message };
    return { responses: responses.map(summary), error };
  }
  return { responses: responses.map(summary) };
}

/** Responses seeded from RFC 9051 §7 and §8 examples, plus the broken forms a server may send. */
const SAMPLES: Record<string, string> = {
  greeting: '* OK [CAPABILITY IMAP4rev2 STARTTLS AUTH=PLAIN LITERAL+] IMAP4rev2 Service Ready\r\n',
  preauth: '* PREAUTH IMAP4rev2 server logged in as Smith\r\n',
  bye: '* BYE Autologout; idle for too long\r\n',
  capability: '* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\nabcd OK CAPABILITY completed\r\n',
  select:
    '* 172 EXISTS\r\n* OK [UIDVALIDITY 3857529045] UIDs valid\r\n* OK [UIDNEXT 4392] Predicted next UID\r\n' +
    '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n' +
    '* LIST () "/" INBOX\r\nA142 OK [READ-WRITE] SELECT completed\r\n',
  list: '* LIST (\\Noselect) "/" ~/Mail/foo\r\n* LIST () "." "quoted \\"name\\" \\\\ x"\r\nA101 OK LIST Completed\r\n',
  status: '* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\nA042 OK STATUS completed\r\n',
  search: '* SEARCH 2 84 882\r\n* ESEARCH (TAG "A282") ALL 2,10:11\r\nA282 OK SEARCH completed\r\n',
  fetchLiteral: '* 12 FETCH (FLAGS (\\Seen) BODY[HEADER.FIELDS (SUBJECT)] {18}\r\nSubject: hello\r\n\r\n UID 7)\r\na003 OK FETCH completed\r\n',
  partial: '* 1 FETCH (BODY[]<0> {10}\r\n0123456789)\r\nA5 OK done\r\n',
  twoLiterals: '* 1 FETCH (BODY[1] {3}\r\nabc BODY[2] {0}\r\n)\r\nA6 OK done\r\n',
  literal8: '* 1 FETCH (BINARY[1] ~{4}\r\n\x00\x01\x02\xff)\r\nA7 OK done\r\n',
  binaryLiteral: '* 2 FETCH (BODY[] {3}\r\n\x00\r\n)\r\nA8 OK done\r\n',
  nilAndNested: '* 1 FETCH (ENVELOPE ("date" "subj" (("Name" NIL "a" "b.example")) NIL NIL NIL NIL NIL NIL "<id@x>"))\r\n',
  continuation: '+ idling\r\n+ \r\n+\r\n+ VXNlcm5hbWU6\r\n',
  codeNoText: 'A1 OK [READ-ONLY]\r\nA2 NO [NONEXISTENT] Unknown Mailbox: x\r\n',
  tagged: 'a001 BAD Command unknown\r\n',
  expunge: '* 3 EXPUNGE\r\n* 5 RECENT\r\n',
  utf8Text: '* OK Grüße aus Köln\r\nA9 OK \xff byte\r\n',
  noText: 'A10 OK\r\n* OK\r\n',
  // Broken:
  bareLf: '* OK hello\n',
  garbage: 'hello world\r\n',
  taggedBye: 'A1 BYE nope\r\n',
  badEscape: '* LIST () "/" "a\\b"\r\n',
  unterminatedQuote: '* LIST () "/" "abc\r\n',
  unbalanced: '* 1 FETCH (FLAGS (\\Seen)\r\n',
  extraParen: '* 1 FETCH (FLAGS (\\Seen)))\r\n',
  doubleSpace: '* SEARCH 1  2\r\n',
  nonSyncFromServer: '* 1 FETCH (BODY[] {3+}\r\nabc)\r\n',
  truncatedLiteral: '* 1 FETCH (BODY[] {100}\r\nonly a few bytes',
  truncatedLine: '* 1 FETCH (FLAGS',
  afterGarbage: 'A1 OK fine\r\n)(\r\n',
  codeUnclosed: 'A1 OK [ALERT no end\r\n',
  textLiteral: 'A1 OK done {3}\r\nabcmore\r\n',
};

for (const [name, sample] of Object.entries(SAMPLES)) {
  t.test(`chunking does not change results: ${name}`, async (t) => {
    const input = Buffer.from(sample, 'latin1');
    const whole = decode([input]);
    t.same(decode(bytewise(input)), whole, 'byte by byte');
    fc.assert(
      fc.property(fc.array(fc.nat(input.length), { maxLength: 8 }), (points) => isDeepStrictEqual(decode(splitAt(input, points)), whole)),
      { numRuns: 100 },
    );
    t.pass('random splits');
  });
}

const parse = (text: string): Outcome => decode([Buffer.from(text, 'latin1')]);

t.test('greeting: status, response code and text', async (t) => {
  const [greeting] = parse(SAMPLES.greeting!).responses;
  t.same(greeting!.parsed, {
    kind: 'status',
    status: 'OK',
    code: { name: 'CAPABILITY', text: 'IMAP4rev2 STARTTLS AUTH=PLAIN LITERAL+' },
    text: Buffer.from('IMAP4rev2 Service Ready'),
  });
  t.equal(greeting!.text, SAMPLES.greeting!.slice(0, -2), 'the text is the line without CRLF');
});

t.test('tagged and untagged data', async (t) => {
  const { responses, error } = parse(SAMPLES.select!);
  t.notOk(error);
  t.same(responses[0]!.parsed, { kind: 'data', number: 172n, name: 'EXISTS', values: [] });
  t.same(responses[3]!.parsed, {
    kind: 'data',
    name: 'FLAGS',
    values: [{ kind: 'list', items: ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'].map((value) => ({ kind: 'atom', value })) }],
  });
  t.same(responses[4]!.parsed, { kind: 'status', status: 'OK', code: { name: 'PERMANENTFLAGS', text: '(\\Deleted \\Seen \\*)' }, text: Buffer.from('Limited') });
  t.same(responses.at(-1)!.parsed, { kind: 'status', tag: 'A142', status: 'OK', code: { name: 'READ-WRITE', text: '' }, text: Buffer.from('SELECT completed') });
});

t.test('quoted strings with escapes, atoms with wildcards and sequence sets', async (t) => {
  const list = parse(SAMPLES.list!).responses;
  t.same(list[0]!.parsed, {
    kind: 'data',
    name: 'LIST',
    values: [{ kind: 'list', items: [{ kind: 'atom', value: '\\Noselect' }] }, { kind: 'string', value: Buffer.from('/'), form: 'quoted' }, { kind: 'atom', value: '~/Mail/foo' }],
  });
  t.same((list[1]!.parsed as { values: unknown[] }).values[2], { kind: 'string', value: Buffer.from('quoted "name" \\ x'), form: 'quoted' });
  const search = parse(SAMPLES.search!).responses;
  t.same(search[0]!.parsed, { kind: 'data', name: 'SEARCH', values: [2n, 84n, 882n].map((value) => ({ kind: 'number', value })) });
  t.same((search[1]!.parsed as { values: unknown[] }).values.at(-1), { kind: 'atom', value: '2,10:11' });
});

t.test('FETCH: a section with a list, literals kept as exact bytes, origin, literal8', async (t) => {
  const [fetch] = parse(SAMPLES.fetchLiteral!).responses;
  t.same(fetch!.parsed, {
    kind: 'data',
    number: 12n,
    name: 'FETCH',
    values: [
      {
        kind: 'list',
        items: [
          { kind: 'atom', value: 'FLAGS' },
          { kind: 'list', items: [{ kind: 'atom', value: '\\Seen' }] },
          { kind: 'atom', value: 'BODY', section: [{ kind: 'atom', value: 'HEADER.FIELDS' }, { kind: 'list', items: [{ kind: 'atom', value: 'SUBJECT' }] }] },
          { kind: 'string', value: Buffer.from('Subject: hello\r\n\r\n'), form: 'literal' },
          { kind: 'atom', value: 'UID' },
          { kind: 'number', value: 7n },
        ],
      },
    ],
  });
  t.equal(fetch!.body, 'Subject: hello\r\n\r\n');
  const [partial] = parse(SAMPLES.partial!).responses;
  t.same((partial!.parsed as { values: Array<{ items: unknown[] }> }).values[0]!.items[0], { kind: 'atom', value: 'BODY', section: [], origin: 0n });
  t.equal(partial!.body, '0123456789');
  const [binary] = parse(SAMPLES.literal8!).responses;
  t.equal(binary!.body, '\x00\x01\x02\xff', 'literal8 octets, NUL included');
  t.match(binary!.text, /~\{4\}\r\n\[4 octets, not printable\]\)$/, 'a binary literal is not shown');
  const [two] = parse(SAMPLES.twoLiterals!).responses;
  t.equal(two!.body, 'abc', 'the body is the first literal');
  t.equal(two!.text, '* 1 FETCH (BODY[1] {3}\r\nabc BODY[2] {0}\r\n)');
});

t.test('continuation requests, response codes without text, NIL and nested lists', async (t) => {
  const conts = parse(SAMPLES.continuation!).responses.map((r) => r.parsed);
  t.same(conts, [
    { kind: 'continuation', text: Buffer.from('idling') },
    { kind: 'continuation', text: Buffer.alloc(0) },
    { kind: 'continuation', text: Buffer.alloc(0) },
    { kind: 'continuation', text: Buffer.from('VXNlcm5hbWU6') },
  ]);
  const codes = parse(SAMPLES.codeNoText!).responses.map((r) => r.parsed);
  t.same(codes[0], { kind: 'status', tag: 'A1', status: 'OK', code: { name: 'READ-ONLY', text: '' }, text: Buffer.alloc(0) });
  t.same(codes[1], { kind: 'status', tag: 'A2', status: 'NO', code: { name: 'NONEXISTENT', text: '' }, text: Buffer.from('Unknown Mailbox: x') });
  const envelope = parse(SAMPLES.nilAndNested!);
  t.notOk(envelope.error);
  const items = (envelope.responses[0]!.parsed as { values: Array<{ items: Array<{ items: unknown[] }> }> }).values[0]!.items[1]!.items;
  t.same(items.slice(2, 4), [{ kind: 'list', items: [{ kind: 'list', items: [{ kind: 'string', value: Buffer.from('Name'), form: 'quoted' }, { kind: 'nil' }, { kind: 'string', value: Buffer.from('a'), form: 'quoted' }, { kind: 'string', value: Buffer.from('b.example'), form: 'quoted' }] }] }, { kind: 'nil' }]);
});

const BROKEN: Record<string, { offset: number; message: RegExp }> = {
  bareLf: { offset: 10, message: /bare LF/ },
  garbage: { offset: 6, message: /expected OK, NO or BAD after tag hello/ },
  taggedBye: { offset: 3, message: /expected OK, NO or BAD/ },
  badEscape: { offset: 16, message: /may escape only/ },
  unterminatedQuote: { offset: 14, message: /unterminated quoted string/ },
  unbalanced: { offset: 24, message: /SP or "\)" in a list/ },
  extraParen: { offset: 25, message: /SP between values/ },
  doubleSpace: { offset: 11, message: /expected a value/ },
  nonSyncFromServer: { offset: 20, message: /non-synchronizing literal/ },
  truncatedLiteral: { offset: 41, message: /truncated, the literal of 100 octets starting at offset 25 is incomplete/ },
  truncatedLine: { offset: 16, message: /truncated, the line has no CRLF/ },
  afterGarbage: { offset: 0, message: /expected a tag/ },
  codeUnclosed: { offset: 19, message: /"\]" closing response code ALERT/ },
  textLiteral: { offset: 14, message: /expected the end of the response/ },
};

for (const [name, want] of Object.entries(BROKEN)) {
  t.test(`malformed: ${name} → ProtocolError at offset ${want.offset}`, async (t) => {
    const { error } = parse(SAMPLES[name]!);
    t.equal(error?.name, 'ProtocolError');
    t.equal(error?.offset, want.offset);
    t.match(error?.message, want.message);
    t.match(error?.message, /at offset \d+/);
  });
}

t.test('responses before an error are returned; the decoder then stays failed', async (t) => {
  const decoder = new ImapResponseDecoder();
  t.equal(decoder.push(Buffer.from(SAMPLES.afterGarbage!)).length, 1);
  t.throws(() => decoder.push(Buffer.alloc(0)), ProtocolError);
  t.throws(() => decoder.push(Buffer.from('A2 OK\r\n')), ProtocolError);
});

t.test('literalBytesPending tells the session how many octets to read', async (t) => {
  const decoder = new ImapResponseDecoder();
  t.equal(decoder.literalBytesPending, 0);
  decoder.push(Buffer.from('* 1 FETCH (BODY[] {5}\r\nab'));
  t.equal(decoder.literalBytesPending, 3);
  t.equal(decoder.midResponse, true);
  t.same(decoder.push(Buffer.from('c')), []);
  t.equal(decoder.literalBytesPending, 2);
  t.equal(decoder.push(Buffer.from('de)\r\n')).length, 1);
  t.equal(decoder.midResponse, false);
});

t.test('errors name what the caller waited for', async (t) => {
  const decoder = new ImapResponseDecoder();
  t.throws(() => decoder.push(Buffer.from('junk\r\n'), 'reading the response to NOOP'), { message: /while reading the response to NOOP \(at offset 4\)$/ });
});

t.test('limits: a line at Limits.lineBytes passes, one octet more is refused', async (t) => {
  const atLimit = Buffer.concat([Buffer.from('* OK '), Buffer.alloc(Limits.lineBytes - 7, 0x61), Buffer.from('\r\n')]);
  t.equal(atLimit.length, Limits.lineBytes);
  t.equal(new ImapResponseDecoder().push(atLimit).length, 1);
  const over = Buffer.concat([Buffer.from('* OK '), Buffer.alloc(Limits.lineBytes - 6, 0x61), Buffer.from('\r\n')]);
  const err = t.throws(() => new ImapResponseDecoder().push(over)) as LimitError;
  t.equal(err.limit, 'lineBytes');
  t.equal(err.max, Limits.lineBytes);
});

t.test('limits: a literal of Limits.bodyBytes is announced fine, one more octet is refused at once', async (t) => {
  const decoder = new ImapResponseDecoder();
  t.same(decoder.push(Buffer.from(`* 1 FETCH (BODY[] {${Limits.bodyBytes}}\r\n`)), []);
  t.equal(decoder.literalBytesPending, Limits.bodyBytes);
  const err = t.throws(() => new ImapResponseDecoder().push(Buffer.from(`* 1 FETCH (BODY[] {${Limits.bodyBytes + 1}}\r\n`))) as LimitError;
  t.equal(err.limit, 'bodyBytes');
  t.equal(err.actual, Limits.bodyBytes + 1);
  const huge = t.throws(() => new ImapResponseDecoder().push(Buffer.from('* 1 FETCH (BODY[] {99999999999999999999}\r\n'))) as LimitError;
  t.equal(huge.limit, 'bodyBytes');
});

t.test('limits: lists nested to nestingDepth parse, one level more is refused', async (t) => {
  const nested = (depth: number): Buffer => Buffer.from(`* X ${'('.repeat(depth)}${')'.repeat(depth)}\r\n`);
  t.equal(new ImapResponseDecoder().push(nested(ImapLimits.nestingDepth)).length, 1);
  const err = t.throws(() => new ImapResponseDecoder().push(nested(ImapLimits.nestingDepth + 1))) as LimitError;
  t.equal(err.limit, 'nestingDepth');
});

/** Only typed errors, and the decoder always returns: no untyped exception, no loop, no hang. */
function onlyTypedErrors(chunks: Buffer[]): void {
  const outcome = decode(chunks);
  if (outcome.error && !['ProtocolError', 'LimitError'].includes(outcome.error.name)) {
    throw new Error(`untyped error ${outcome.error.name}: ${outcome.error.message}`);
  }
}

t.test('fuzz: random bytes yield responses or typed errors only', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 5 }), (bytes, cuts) => {
      onlyTypedErrors(splitAt(Buffer.from(bytes), cuts));
    }),
    { numRuns: 2000 },
  );
  t.pass('no untyped error');
});

const ALPHABET = '* +(){}[]<>"\\~0123456789ABCOKNOBADFETCHBODY\r\n \x00\xff';
t.test('fuzz: IMAP-ish text (brackets, literals, quotes) yields typed errors only', async (t) => {
  const imapish = fc.array(fc.constantFrom(...ALPHABET.split('')), { maxLength: 200 }).map((chars) => Buffer.from(chars.join(''), 'latin1'));
  fc.assert(fc.property(imapish, (input) => onlyTypedErrors([input])), { numRuns: 3000 });
  t.pass('no untyped error');
});

t.test('fuzz: mutated and truncated valid responses yield typed errors only', async (t) => {
  const valid = Object.values(SAMPLES).slice(0, 20).map((s) => Buffer.from(s, 'latin1'));
  const mutated = fc
    .tuple(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat())
    .map(([input, edits, cut]) => {
      const copy = Buffer.from(input);
      for (const [at, byte] of edits) copy[at % copy.length] = byte;
      return copy.subarray(0, cut % (copy.length + 1));
    });
  fc.assert(fc.property(mutated, (input) => onlyTypedErrors([input])), { numRuns: 3000 });
  for (const sample of valid) {
    for (let cut = 0; cut < sample.length; cut++) onlyTypedErrors([sample.subarray(0, cut)]);
  }
  t.pass('no untyped error');
});

t.test('a truncated response is reported by end(), an empty or complete stream is not', async (t) => {
  t.doesNotThrow(() => new ImapResponseDecoder().end());
  const decoder = new ImapResponseDecoder();
  decoder.push(Buffer.from('A1 OK done\r\n'));
  t.doesNotThrow(() => decoder.end());
  const partial = new ImapResponseDecoder();
  partial.push(Buffer.from('A1 OK'));
  const err = t.throws(() => partial.end()) as MailprobeError;
  t.ok(err instanceof ProtocolError);
});

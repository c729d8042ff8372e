import t from 'tap';
import { base64Forms, Transcript } from '../../src/wire/transcript.js';
import { Limits } from '../../src/util/limits.js';

const start = (): bigint => process.hrtime.bigint();

t.test('records entries in order with times since the start', async (t) => {
  const transcript = new Transcript({ startNs: start() - 5_000_000n });
  const sink = transcript.sink('out');
  sink.record('c', 'EHLO probe\r\n');
  sink.record('s', Buffer.from('250 ok\r\n'));
  transcript.sink('in').record('i', 'connected');
  const entries = transcript.entries();
  t.same(entries.map((e) => [e.session, e.dir, e.text]), [
    ['out', 'c', 'EHLO probe\r\n'],
    ['out', 's', '250 ok\r\n'],
    ['in', 'i', 'connected'],
  ]);
  t.ok(entries[0]!.atMs >= 5 && entries[0]!.atMs < 5000, `atMs ${entries[0]!.atMs}`);
  t.ok(entries[2]!.atMs >= entries[0]!.atMs);
  t.equal(transcript.truncated, false);
});

t.test('control bytes other than CR LF TAB are escaped; invalid UTF-8 bytes too', async (t) => {
  const transcript = new Transcript({ startNs: start() });
  transcript.sink('s').record('s', Buffer.from([0x41, 0x00, 0x09, 0x1b, 0x0d, 0x0a, 0xff, 0x7f]));
  transcript.sink('s').record('s', Buffer.from('Grüße', 'utf8'));
  t.same(transcript.entries().map((e) => e.text), ['A\\x00\t\\x1B\r\n\\xFF\\x7F', 'Grüße']);
});

t.test('secrets: plain values and their base64 forms are masked everywhere, even when added late', async (t) => {
  const transcript = new Transcript({ startNs: start(), secrets: ['hunter22'] });
  const sink = transcript.sink('default');
  sink.record('c', 'PASS hunter22\r\n');
  sink.record('c', `AUTH PLAIN ${Buffer.from('\0alice\0s3cretpass').toString('base64')}\r\n`);
  sink.record('c', `${Buffer.from('s3cretpass').toString('base64')}\r\n`);
  transcript.addSecret('s3cretpass');
  const texts = transcript.entries().map((e) => e.text);
  t.equal(texts[0], 'PASS ***\r\n');
  for (const text of texts) {
    t.notMatch(text, /hunter22|s3cretpass/);
    for (const form of base64Forms('s3cretpass')) t.notOk(text.includes(form), `no ${form} in ${text}`);
  }
  t.notMatch(texts[1], /czNjcmV0cGFzcw/, 'the base64 of the password inside the PLAIN payload is masked');
  t.equal(transcript.mask('the password is s3cretpass'), 'the password is ***');
});

t.test('maskHead: the kept characters are masked, a secret across the cut too', async (t) => {
  const transcript = new Transcript({ startNs: start(), secrets: ['hunter22'] });
  t.equal(transcript.maskHead('PASS hunter22 and more', 8), 'PASS ***');
  t.equal(transcript.maskHead('abc hunter22', 6), 'abc **', 'a secret the cut splits shows none of its characters');
  t.equal(transcript.maskHead('short', 100), 'short');
  for (let cut = 0; cut <= 20; cut++) t.notMatch(transcript.maskHead('x'.repeat(10) + 'hunter22' + 'y'.repeat(10), cut), /h|hu|hunter/);
});

t.test('secret records keep only their size', async (t) => {
  const transcript = new Transcript({ startNs: start() });
  transcript.sink('default').record('c', Buffer.from('AGFsaWNlAGFsaWNlcHc=\r\n'), { secret: true });
  t.equal(transcript.entries()[0]!.text, '<redacted 22 bytes>');
});

t.test('a long entry keeps its first bytes and says how long it was', async (t) => {
  const transcript = new Transcript({ startNs: start(), secrets: ['TOPSECRET'] });
  const body = Buffer.alloc(Limits.transcriptEntryBytes + 1000, 0x61);
  // A secret straddling the cut must not leave a readable prefix behind.
  Buffer.from('TOPSECRET').copy(body, Limits.transcriptEntryBytes - 4);
  transcript.sink('default').record('c', body);
  const [entry] = transcript.entries();
  t.ok(entry!.text.endsWith(`… ${body.length} bytes`));
  t.ok(Buffer.byteLength(entry!.text) <= Limits.transcriptEntryBytes + 40);
  t.notMatch(entry!.text, /TOPS/);
  const exact = new Transcript({ startNs: start() });
  exact.sink('default').record('c', Buffer.alloc(Limits.transcriptEntryBytes, 0x62));
  t.equal(exact.entries()[0]!.text.length, Limits.transcriptEntryBytes, 'an entry exactly at the limit is kept whole');
});

t.test('each session is bounded; its oldest entries are elided with a note', async (t) => {
  const transcript = new Transcript({ startNs: start() });
  const chatty = transcript.sink('chatty');
  const quiet = transcript.sink('quiet');
  quiet.record('c', 'NOOP\r\n');
  const line = 'x'.repeat(1000);
  const count = Math.ceil(Limits.transcriptBytes / 1000) + 10;
  for (let i = 0; i < count; i++) chatty.record('s', `${i} ${line}`);
  t.equal(transcript.truncated, true);
  const entries = transcript.entries();
  const chattyEntries = entries.filter((e) => e.session === 'chatty');
  t.match(chattyEntries[0]!.text, /^… \d+ earlier entries \(\d+ bytes\) elided/);
  t.match(chattyEntries[chattyEntries.length - 1]!.text, new RegExp(`^${count - 1} `), 'the newest entry is kept');
  const kept = chattyEntries.slice(1).reduce((n, e) => n + Buffer.byteLength(e.text), 0);
  t.ok(kept <= Limits.transcriptBytes, `kept ${kept} bytes`);
  t.same(entries.filter((e) => e.session === 'quiet').map((e) => e.text), ['NOOP\r\n'], 'other sessions keep theirs');
});

t.test('base64 forms cover every alignment inside a longer payload', async (t) => {
  const secret = 'correct horse battery';
  const forms = base64Forms(secret);
  for (const prefix of ['', 'a', 'ab', 'abc', '\0user\0']) {
    const encoded = Buffer.from(prefix + secret + 'tail').toString('base64');
    t.ok(forms.some((f) => encoded.includes(f)), `prefix ${JSON.stringify(prefix)}`);
  }
  t.same(base64Forms('ab'), ['YWI=', 'YWI'], 'short secrets: only the whole encoding, no tiny fragments');
});

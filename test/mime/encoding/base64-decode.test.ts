// base64Decode through the WebAssembly kernel: Node's lenient result for every input, strict errors at the
// same offsets as the JavaScript validator, blocks that change nothing, and the same bytes under --jitless.
import t from 'tap';
import fc from 'fast-check';
import { base64Decode } from '../../../src/mime/encoding/base64-decode.js';
import { base64DecodeKernel, KERNEL_BLOCK } from '../../../src/mime/encoding/base64-decode-kernel.js';
import { ProtocolError } from '../../../src/util/errors.js';
import { distModule, runJitless } from '../../helpers/jitless.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `bytes` in base64, in lines of `lineLength` characters ending in `lineBreak` (none after the last). */
function wrap(bytes: Uint8Array, lineLength = 76, lineBreak = '\r\n'): string {
  const plain = Buffer.from(bytes).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < plain.length; i += lineLength) lines.push(plain.slice(i, i + lineLength));
  return lines.join(lineBreak);
}

function pattern(size: number, seed = 1): Buffer {
  return Buffer.from(Buffer.alloc(size).map((_, i) => (i * 131 + seed * 7 + (i >> 9)) & 0xff));
}

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

/** What a decode does: its bytes, or its strict error. */
function outcome(text: Buffer, strict: boolean): string {
  try {
    return base64Decode(text, { strict }).toString('hex');
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    return `${err.message} @${err.offset}`;
  }
}

// Bytes that matter to a base64 decoder, most of them alphabet characters.
const base64ish = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...ALPHABET).map((c) => c.charCodeAt(0)) },
  { weight: 2, arbitrary: fc.constantFrom(0x0d, 0x0a, 0x20, 0x09) },
  { weight: 1, arbitrary: fc.constantFrom(0x3d, 0x2d, 0x5f, 0x2e, 0x00, 0x80, 0xff) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
);

t.test('the kernel is there (Node ≥ 20 has WebAssembly SIMD)', async (t) => {
  t.ok(base64DecodeKernel);
});

t.test('property: lenient decode equals Buffer.from(text, "base64") on arbitrary bytes', async () => {
  fc.assert(
    fc.property(fc.array(base64ish, { maxLength: 400 }), (codes) => {
      const text = Buffer.from(codes);
      return base64Decode(text).equals(Buffer.from(text.toString('latin1'), 'base64'));
    }),
    { numRuns: 3000 },
  );
});

t.test('property: wrapped text with irregularities anywhere decodes as Buffer.from does', async () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 100, maxLength: 3000 }), fc.array(fc.tuple(fc.nat(), base64ish), { maxLength: 4 }), (bytes, edits) => {
      const text = latin1(wrap(bytes));
      for (const [at, code] of edits) text[at % text.length] = code;
      return base64Decode(text).equals(Buffer.from(text.toString('latin1'), 'base64'));
    }),
    { numRuns: 500 },
  );
});

/** A clean text of three 76-column lines with one byte replaced: every byte value at columns 0–79 of the
 *  second line, i.e. in every lane of its five vectors, the overlap, the CR, the LF and the next line. */
function everyByteEverywhere(): Buffer[] {
  const text = latin1(wrap(pattern(57 * 3)));
  const texts: Buffer[] = [];
  for (let byte = 0; byte < 0x100; byte++) {
    for (let column = 0; column < 80; column++) {
      const edited = Buffer.from(text);
      edited[78 + column] = byte;
      texts.push(edited);
    }
  }
  return texts;
}

t.test('every byte value at every place of a 76-column line decodes as Buffer.from', async (t) => {
  const differ = everyByteEverywhere().filter((text) => !base64Decode(text).equals(Buffer.from(text.toString('latin1'), 'base64')));
  t.same(differ.map((text) => text.toString('latin1')), []);
});

t.test('strict mode: the offset of the first byte that does not belong, in any block', async (t) => {
  const clean = wrap(pattern(150_000));
  const at = (line: number, column: number): number => line * 78 + column;
  const cases: [string, string, number, RegExp][] = [
    ['invalid byte in the first block', `${clean.slice(0, at(3, 10))}!${clean.slice(at(3, 11))}`, at(3, 10), /invalid byte 0x21/],
    ['invalid byte in a later block', `${clean.slice(0, at(1500, 70))}\x80${clean.slice(at(1500, 71))}`, at(1500, 70), /invalid byte 0x80/],
    ['URL-safe character', `${clean.slice(0, at(900, 0))}-${clean.slice(at(900, 1))}`, at(900, 0), /invalid byte 0x2D/],
    ['padding in the middle', `${clean.slice(0, at(1000, 2))}==${clean.slice(at(1000, 4))}`, at(1000, 4), /after '=' padding/],
    ['first invalid byte right at the block boundary', `${clean.slice(0, KERNEL_BLOCK)}.${clean.slice(KERNEL_BLOCK + 1)}`, KERNEL_BLOCK, /invalid byte 0x2E/],
    ['a character left over', `${clean}Q`, clean.length + 1, /1 character\(s\) left over/],
  ];
  for (const [name, text, offset, message] of cases) {
    const err = t.throws(() => base64Decode(latin1(text), { strict: true }), name) as ProtocolError;
    t.equal(err.offset, offset, `${name}: offset`);
    t.match(err.message, message, name);
  }
  t.ok(base64Decode(latin1(`${clean}\r\n`), { strict: true }).equals(pattern(150_000)), 'a clean text passes');
});

t.test('strict mode on a string: the same pass as on its Latin-1 bytes; a wider character is refused', async (t) => {
  const clean = wrap(pattern(100_000));
  for (const text of [clean, `${clean.slice(0, 70_000)}!${clean.slice(70_001)}`, `${clean}==`, 'Zm9vY', 'Zm9v\xe9']) {
    const fromString = (() => {
      try {
        return base64Decode(text, { strict: true }).toString('hex');
      } catch (err) {
        return `${(err as ProtocolError).message} @${(err as ProtocolError).offset}`;
      }
    })();
    t.equal(fromString, outcome(latin1(text), true), text.slice(0, 20));
  }
  const err = t.throws(() => base64Decode(`${clean.slice(0, 80_000)}\u20ac${clean.slice(80_000)}`, { strict: true })) as ProtocolError;
  t.equal(err.offset, 80_000);
  t.match(err.message, /outside Latin-1/);
});

t.test('block boundaries: any alignment of lines, quanta, CRLF and padding to the kernel blocks', async (t) => {
  const bytes = pattern(3 * KERNEL_BLOCK);
  const body = wrap(bytes);
  // Shifting the text by 0–80 bytes puts every column of a line (a quantum, CR or LF) on the boundary.
  for (let shift = 0; shift <= 80; shift++) {
    const text = latin1(`${' '.repeat(shift)}${body}`);
    t.ok(base64Decode(text).equals(bytes), `lenient, shifted by ${shift}`);
    t.ok(base64Decode(text, { strict: true }).equals(bytes), `strict, shifted by ${shift}`);
  }
  // Inputs whose sizes straddle one and two blocks, ending in a partial quantum and padding.
  for (const size of [KERNEL_BLOCK - 1, KERNEL_BLOCK, KERNEL_BLOCK + 1, 2 * KERNEL_BLOCK - 2, 2 * KERNEL_BLOCK + 3]) {
    for (const tail of [0, 1, 2]) {
      const data = pattern(Math.floor((size * 3) / 4) + tail, size);
      const text = latin1(Buffer.from(data).toString('base64'));
      t.ok(base64Decode(text).equals(data), `${text.length} characters`);
      t.ok(base64Decode(text, { strict: true }).equals(data), `${text.length} characters, strict`);
    }
  }
  // '=' as the last byte of a block ends lenient decoding there, as in Buffer.from.
  const padded = latin1(`${'QUJD'.repeat(KERNEL_BLOCK / 4 - 1)}QQ==${body}`);
  t.ok(base64Decode(padded).equals(Buffer.from(padded.toString('latin1'), 'base64')), "'=' at a block's end");
});

t.test('lines at and around the usual lengths, CRLF or LF, decode as Buffer.from', async (t) => {
  const bytes = pattern(10_000);
  for (const lineLength of [1, 3, 4, 60, 64, 72, 75, 76, 77, 78, 80, 1000]) {
    for (const lineBreak of ['\r\n', '\n', ' \r\n']) {
      const text = latin1(`${wrap(bytes, lineLength, lineBreak)}${lineBreak}`);
      t.ok(base64Decode(text).equals(bytes), `${lineLength} ${JSON.stringify(lineBreak)}`);
      t.ok(base64Decode(text, { strict: true }).equals(bytes), `${lineLength} ${JSON.stringify(lineBreak)} strict`);
    }
  }
});

t.test("Node's rules for odd input, kept", async (t) => {
  const cases: [string, string][] = [
    ['', ''],
    ['\r\n \t', ''],
    ['Q', ''],
    ['QQ', '41'],
    ['QUI', '4142'],
    ['QR==', '41'],
    ['QQ==QUJD', '41'],
    ['QUJD=QUJD', '414243'],
    ['QU=JD', '41'],
    ['-_-_', 'fbffbf'],
    ['Q.U!J\u00ffD', '414243'],
  ];
  for (const [text, hex] of cases) {
    t.equal(base64Decode(latin1(text)).toString('hex'), hex, JSON.stringify(text));
    t.equal(Buffer.from(text, 'base64').toString('hex'), hex, `${JSON.stringify(text)}: Buffer.from agrees`);
  }
});

t.test('without WebAssembly (node --jitless) the fallback gives the same bytes and the same strict errors', async (t) => {
  const texts = [
    wrap(pattern(70_000)),
    `${wrap(pattern(5000))}\r\n`,
    wrap(pattern(3000), 64, '\n'),
    'Zm9v\r\nY!mFy',
    'Zm9vYg==Zm9v',
    'Z=9v',
    'Zm9=Yg==',
    'Zg===',
    'Zm9vY',
    'QQ==QUJD',
    '-_-_',
    `${wrap(pattern(90_000))}\r\n=`,
  ];
  const all = [...texts.map(latin1), ...everyByteEverywhere()];
  // The texts go to the child as Latin-1 strings.
  const script = [
    `const { base64Decode } = await import(${distModule('mime/encoding/base64-decode.js')});`,
    `const { base64DecodeKernel } = await import(${distModule('mime/encoding/base64-decode-kernel.js')});`,
    "const run = (text, strict) => { try { return base64Decode(Buffer.from(text, 'latin1'), { strict }).toString('hex'); } catch (err) { return `${err.message} @${err.offset}`; } };",
    'report({ kernel: base64DecodeKernel !== undefined, out: input.map((text) => [run(text, false), run(text, true)]) });',
  ];
  const input = all.map((text) => text.toString('latin1'));
  const { kernel, out } = runJitless<{ kernel: boolean; out: [string, string][] }>(t, script, input);
  t.equal(kernel, false, 'no kernel');
  const differ = all.filter((text, i) => out[i]![0] !== outcome(text, false) || out[i]![1] !== outcome(text, true));
  t.same(differ.map((text) => text.toString('latin1').slice(0, 200)), [], `${all.length} texts, lenient and strict`);
});

import t from 'tap';
import fc from 'fast-check';
import { base64Decode, base64Encode } from '../../../src/mime/encoding/base64.js';
import { base64EncodeKernel, KERNEL_MAX_LINES } from '../../../src/mime/encoding/base64-encode-kernel.js';
import { ProtocolError } from '../../../src/util/errors.js';
import { libbase64 } from './oracles.js';
import { distModule, runJitless } from '../../helpers/jitless.js';

/** The reference: Node's unwrapped base64 with a break after every `lineLength` characters. */
function wrapped(bytes: Uint8Array, lineLength = 76, lineBreak = '\r\n'): string {
  const plain = Buffer.from(bytes).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < plain.length; i += lineLength) lines.push(plain.slice(i, i + lineLength));
  return lines.join(lineBreak);
}

t.test('RFC 4648 §10 test vectors, unwrapped and wrapped', async (t) => {
  const vectors: [string, string][] = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
  for (const [plain, encoded] of vectors) {
    t.equal(base64Encode(Buffer.from(plain), { wrap: false }).toString(), encoded);
    t.equal(base64Encode(Buffer.from(plain)).toString(), encoded);
    t.equal(base64Decode(encoded).toString(), plain);
    t.equal(base64Decode(Buffer.from(encoded), { strict: true }).toString(), plain);
  }
});

t.test('lines are exactly 76 characters with CRLF between them, none after the last', async (t) => {
  for (const size of [0, 1, 56, 57, 58, 113, 114, 115, 57 * 100, 57 * 100 + 1, 100_000]) {
    const bytes = Buffer.alloc(size, 0xa5).map((b, i) => (b + i * 7) & 0xff);
    const out = base64Encode(bytes).toString('latin1');
    t.equal(out, wrapped(bytes), `size ${size}`);
    t.equal(out, libbase64.wrap(libbase64.encode(Buffer.from(bytes)), 76), `size ${size} against libbase64`);
  }
});

t.test('line length and line break are configurable', async (t) => {
  const bytes = Buffer.from('The quick brown fox jumps over the lazy dog, twice: the quick brown fox jumps.');
  t.equal(base64Encode(bytes, { lineLength: 10, lineBreak: '\n' }).toString(), wrapped(bytes, 10, '\n'));
  t.equal(base64Encode(bytes, { lineLength: 1, lineBreak: '|' }).toString(), wrapped(bytes, 1, '|'));
  t.equal(base64Encode(bytes, { lineLength: 64, lineBreak: '\r\n' }).toString(), wrapped(bytes, 64));
  t.equal(base64Encode(bytes, { lineLength: 77, lineBreak: ' \r\n ' }).toString(), wrapped(bytes, 77, ' \r\n '));
  t.throws(() => base64Encode(bytes, { lineLength: 0 }), RangeError);
  t.throws(() => base64Encode(bytes, { lineLength: 7.5 }), RangeError);
});

t.test('accepts any Uint8Array view, not only Buffers', async (t) => {
  const backing = new Uint8Array([9, 1, 2, 3, 4, 9]);
  t.equal(base64Encode(backing.subarray(1, 5)).toString(), 'AQIDBA==');
});

t.test('property: encode then decode is the identity; every line ≤ the limit; no whitespace before a break', async () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 1, max: 100 }), (bytes, lineLength) => {
      const out = base64Encode(bytes, { lineLength });
      const lines = out.toString('latin1').split('\r\n');
      if (lines.some((line) => line.length > lineLength || /\s$/.test(line))) return false;
      if (lines.slice(0, -1).some((line) => line.length !== lineLength)) return false;
      return base64Decode(out, { strict: true }).equals(bytes) && base64Decode(out.toString('latin1')).equals(bytes);
    }),
  );
});

t.test('property: wrapped output equals Node base64 with breaks inserted', async () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => base64Encode(bytes).toString('latin1') === wrapped(bytes)));
});

t.test('decode skips CRLF and whitespace anywhere, as Buffer.from does', async (t) => {
  const text = 'Zm9v\r\nYmFy\r\n  YmF6\t\n';
  t.equal(base64Decode(text).toString(), 'foobarbaz');
  t.equal(base64Decode(Buffer.from(text)).toString(), 'foobarbaz');
  t.equal(base64Decode(Buffer.from(text), { strict: true }).toString(), 'foobarbaz');
});

t.test('property: decode agrees with Buffer.from on arbitrary wrapped text', async () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 1000 }), fc.array(fc.nat(), { maxLength: 20 }), (bytes, cuts) => {
      let text = Buffer.from(bytes).toString('base64');
      for (const cut of cuts) {
        const at = cut % (text.length + 1);
        text = `${text.slice(0, at)}\r\n${text.slice(at)}`;
      }
      return base64Decode(Buffer.from(text, 'latin1')).equals(Buffer.from(text, 'base64')) && base64Decode(text).equals(bytes);
    }),
  );
});

t.test('strict mode reports the offset of the first invalid byte', async (t) => {
  const cases: [string, number, RegExp][] = [
    ['Zm9v\r\nY!mFy', 7, /invalid byte 0x21/],
    ['Zm9vYg==Zm9v', 8, /after '=' padding/],
    ['Z=9v', 1, /misplaced '='/],
    ['Zm9=Yg==', 4, /after '=' padding/],
    ['Zg===', 4, /misplaced '='/],
    ['Zm9vY', 5, /left over/],
    ['Zm9v\u20ac', 4, /outside Latin-1/],
    ['Zm9v\xe9', 4, /invalid byte 0xE9/],
  ];
  for (const [text, offset, message] of cases) {
    const err = t.throws(() => base64Decode(text, { strict: true })) as unknown;
    t.ok(err instanceof ProtocolError, text);
    t.equal((err as ProtocolError).offset, offset, `${JSON.stringify(text)} offset`);
    t.match((err as ProtocolError).message, message);
    t.equal((err as ProtocolError).code, 'MP_ERR_PROTOCOL');
  }
  t.doesNotThrow(() => base64Decode('Zm9v\r\nYmE=\r\n', { strict: true }));
  t.equal(base64Decode('Zm9v\r\nY!mFy').toString(), 'foobar', 'lenient mode skips the invalid byte');
});

t.test('large inputs: encode spans many blocks for any line length; decode matches Buffer.from', async (t) => {
  const bytes = Buffer.from(Buffer.alloc(250_000).map((_, i) => (i * 131 + (i >> 8)) & 0xff));
  for (const [lineLength, lineBreak] of [[76, '\r\n'], [77, '\n'], [10, '\r\n'], [1, '|'], [4000, '\r\n']] as const) {
    t.equal(base64Encode(bytes, { lineLength, lineBreak }).toString('latin1'), wrapped(bytes, lineLength, lineBreak), `${lineLength} ${JSON.stringify(lineBreak)}`);
  }
  t.equal(base64Encode(bytes, { wrap: false }).toString('latin1'), bytes.toString('base64'));
  t.ok(base64Decode(base64Encode(bytes)).equals(bytes));
  t.ok(base64Decode(base64Encode(bytes, { lineLength: 64, lineBreak: '\n' })).equals(bytes));
});

t.test('76 columns + CRLF, the SIMD kernel path, at every tail around its 512-line blocks, from unaligned views', async (t) => {
  t.ok(base64EncodeKernel, 'WebAssembly SIMD is there on Node ≥ 20');
  const block = 57 * KERNEL_MAX_LINES;
  const backing = Buffer.from(Buffer.alloc(3 * block + 64).map((_, i) => (i * 151 + (i >> 7)) & 0xff));
  for (const size of [56, 57, 58, 114, block - 57, block - 1, block, block + 1, block + 56, block + 57, 2 * block, 3 * block + 2]) {
    for (const offset of [0, 1, 3]) {
      const bytes = backing.subarray(offset, offset + size);
      t.equal(base64Encode(bytes).toString('latin1'), wrapped(bytes), `${size} bytes at offset ${offset}`);
    }
  }
});

t.test('the SIMD kernel encodes every byte value at every position of a line', async (t) => {
  // Line k holds byte (k + 97 j) mod 256 at position j: 256 lines put each value at each of the 57 positions,
  // hence in every lane of every 12-byte step, the fifth (overlapping) step included.
  const bytes = Buffer.alloc(256 * 57);
  for (let k = 0; k < 256; k++) for (let j = 0; j < 57; j++) bytes[k * 57 + j] = (k + 97 * j) & 0xff;
  t.equal(base64Encode(bytes).toString('latin1'), wrapped(bytes));
});

t.test('property: 76 columns + CRLF equal Node base64 with breaks inserted at any size up to three kernel blocks', async () => {
  const block = 57 * KERNEL_MAX_LINES;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 3 * block + 57 }), fc.integer({ min: 0, max: 255 }), (size, seed) => {
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i++) bytes[i] = (seed + i * 131 + (i >> 5) * seed) & 0xff;
      return base64Encode(bytes).toString('latin1') === wrapped(bytes);
    }),
    { numRuns: 60 },
  );
});

t.test('without WebAssembly (node --jitless) the 8-byte moves give the same bytes', async (t) => {
  const script = [
    `const { base64Encode } = await import(${distModule('mime/encoding/base64.js')});`,
    `const { base64EncodeKernel } = await import(${distModule('mime/encoding/base64-encode-kernel.js')});`,
    'const bytes = Buffer.from(Buffer.alloc(70_000).map((_, i) => (i * 151 + (i >> 7)) & 0xff));',
    "report({ kernel: base64EncodeKernel !== undefined, out: base64Encode(bytes).toString('latin1') });",
  ];
  const { kernel, out } = runJitless<{ kernel: boolean; out: string }>(t, script);
  t.equal(kernel, false, 'no kernel');
  t.equal(out, wrapped(Buffer.from(Buffer.alloc(70_000).map((_, i) => (i * 151 + (i >> 7)) & 0xff))));
});

t.test('decode of long 76-column text with an irregularity anywhere agrees with Buffer.from', async (t) => {
  const bytes = Buffer.from(Buffer.alloc(120_000).map((_, i) => (i * 7 + (i >> 9)) & 0xff));
  const clean = base64Encode(bytes).toString('latin1');
  const at = (line: number): number => line * 78;
  const variants: [string, string][] = [
    ['short line in a later block', `${clean.slice(0, at(700) + 10)}${clean.slice(at(700) + 11)}`],
    ['invalid byte inside a line', `${clean.slice(0, at(600) + 5)}!${clean.slice(at(600) + 5)}`],
    ['space inside a line', `${clean.slice(0, at(10) + 5)} ${clean.slice(at(10) + 6)}`],
    ['padding in the middle (two bodies joined)', `${Buffer.from('ab').toString('base64')}\r\n${clean}`],
    ['LF-only line breaks', clean.replace(/\r\n/g, '\n')],
    ['URL-safe alphabet', clean.replace(/\+/g, '-').replace(/\//g, '_')],
    ['trailing CRLF', `${clean}\r\n`],
  ];
  for (const [name, text] of variants) t.ok(base64Decode(Buffer.from(text, 'latin1')).equals(Buffer.from(text, 'base64')), name);
});

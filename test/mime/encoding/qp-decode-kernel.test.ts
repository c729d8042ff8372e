// qpDecode through the WebAssembly kernel (src/mime/encoding/qp-decode-kernel.ts) gives, lenient and strict,
// exactly what the JavaScript loops kept as its fallback give: at the kernel's block boundaries, for every
// byte value, and against the fallback itself, run under node --jitless (no WebAssembly).
import t from 'tap';
import fc from 'fast-check';
import { qpDecode, qpDecodeWithoutKernel, qpEncode } from '../../../src/mime/encoding/qp.js';
import { qpDecodeKernelLoaded } from '../../../src/mime/encoding/qp-decode-kernel.js';
import { ProtocolError } from '../../../src/util/errors.js';
import { distModule, runJitless } from '../../helpers/jitless.js';

/** The kernel's block size: the first block ends exactly here. */
const BLOCK = 32_768;

/** What qpDecode (or `decode`) gives for `text`: its bytes in Latin-1, or the strict error's message and offset. */
function outcome(text: Buffer, strict: boolean, decode = qpDecode): string {
  try {
    return decode(text, { strict }).toString('latin1');
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    return `${err.message} @${err.offset}`;
  }
}

t.test('the kernel is in use in these tests', async (t) => {
  t.ok(qpDecodeKernelLoaded);
});

/** Everything that needs a look past its first byte, and the lines of strict mode at their limit. */
const straddlers = [
  '=\r\n', '= \t \r\n', '=\n', '= \n', '=3D', '=e9', '=C3=A9=E2=82=AC', '=', '==', '=4', '=G1', '=\r', '= x',
  '  \r\n', ' \t\n', '\t \t', '\r\n', '\r', '\n', '\r\r\n', '\x00\x7f\xff', ' '.repeat(40), `${'='.repeat(20)}\r\n`,
];

t.test('a construct straddling the first block boundary decodes as it does in a short input', async (t) => {
  for (const piece of straddlers) {
    for (let at = BLOCK - 6; at <= BLOCK + 1; at++) {
      const tail = `${piece}xyz\r\n`;
      const text = Buffer.from(`${'a'.repeat(at)}${tail}`, 'latin1');
      // The 'a's before it neither decode nor take anything back: the piece decodes as it does alone.
      t.equal(outcome(text, false), `${'a'.repeat(at)}${outcome(Buffer.from(tail, 'latin1'), false)}`, `${JSON.stringify(piece)} at ${at}`);
    }
  }
});

t.test('an escape at every offset of the kernel steps of 16 bytes, the last few included', async (t) => {
  for (let at = 0; at < 80; at++) {
    for (const escape of ['=3D', '=e9', '=\r\n']) {
      const text = Buffer.from(`${'a'.repeat(at)}${escape}${'b'.repeat(at % 5)}`, 'latin1');
      const decoded = `${'a'.repeat(at)}${escape === '=3D' ? '=' : escape === '=e9' ? '\xe9' : ''}${'b'.repeat(at % 5)}`;
      t.equal(outcome(text, false), decoded, `${JSON.stringify(escape)} at ${at}`);
      // Strict mode too, while the line is valid (76 characters at most, uppercase hex).
      if (escape !== '=e9' && at + 3 + (escape === '=3D' ? at % 5 : 0) <= 76) t.equal(outcome(text, true), decoded, `${JSON.stringify(escape)} at ${at}, strict`);
    }
  }
});

t.test('strict: a violation or a line limit at the block boundary is reported at the same offset', async (t) => {
  // Lines of 74 characters and CRLF: the block boundary falls inside every kind of line below.
  const line = `${'x'.repeat(74)}\r\n`;
  const prefix = line.repeat(Math.floor(BLOCK / line.length));
  // The last line, and the column of its violation (none: it decodes).
  const cases: [string, string, number?][] = [
    [`${'y'.repeat(76)}\r\n`, 'ok'],
    [`${'y'.repeat(77)}\r\n`, 'line longer than 76 characters', 76],
    [`${'y'.repeat(73)}=3D\r\n`, 'ok'],
    [`${'y'.repeat(75)}=\r\n`, 'ok'],
    [`${'y'.repeat(75)}= \t\r\n`, 'ok'],
    [`${'y'.repeat(74)}=3d\r\n`, 'lowercase hex digit', 75],
    [`${'y'.repeat(74)}=\n`, "'=' not followed by two hex digits or a line break", 74],
    [`${'y'.repeat(74)}\r\r\n`, 'CR not followed by LF', 74],
    [`${'y'.repeat(74)}\n`, 'LF without CR', 74],
    [`${'y'.repeat(74)}\xe9\r\n`, 'byte 0xE9 must be encoded', 74],
  ];
  for (const [last, expected, column] of cases) {
    // A first line of 0 to 75 characters moves the rest across the boundary.
    for (let shift = 0; shift < 76; shift += 3) {
      const text = Buffer.from(`${'z'.repeat(shift)}\r\n${prefix}${last}${line}`, 'latin1');
      const result = outcome(text, true);
      const lineStart = shift + 2 + prefix.length;
      if (column === undefined) t.equal(result, text.toString('latin1').replace(/=[ \t]*\r\n/g, '').replace(/=3D/g, '='), `${JSON.stringify(last)} shifted ${shift}`);
      else t.equal(result, `quoted-printable: ${expected} (at offset ${lineStart + column}) @${lineStart + column}`, `${JSON.stringify(last)} shifted ${shift}`);
    }
  }
});

t.test('a run of blanks or of = longer than a block is decoded all the same (by the JavaScript loop)', async (t) => {
  t.equal(outcome(Buffer.from(`${'a'.repeat(100)}${' \t'.repeat(BLOCK)}\r\nb`), false), `${'a'.repeat(100)}\r\nb`);
  t.equal(outcome(Buffer.from(`${'a'.repeat(100)}=${' '.repeat(2 * BLOCK)}\r\nb`), false), `${'a'.repeat(100)}b`);
  t.equal(outcome(Buffer.from(`${'='.repeat(2 * BLOCK)}b`), false), `${'='.repeat(2 * BLOCK)}b`);
  t.equal(outcome(Buffer.from(`${'a'.repeat(BLOCK)}${' '.repeat(BLOCK)}`), false), 'a'.repeat(BLOCK), 'padding at the end');
});

t.test('an output sized from an escape-heavy first block grows for the plain blocks after it', async (t) => {
  const escaped = qpEncode(Buffer.alloc(BLOCK).map((_, i) => (i * 97) & 0xff), { mode: 'binary' });
  const plain = Buffer.from(`${'plain text, no escapes '.repeat(3)}\r\n`.repeat(4000));
  for (const text of [Buffer.concat([escaped, Buffer.from('\r\n'), plain]), Buffer.concat([plain.subarray(0, 100), escaped, plain])]) {
    for (const strict of [false, true]) t.equal(outcome(text, strict), outcome(text, strict, qpDecodeWithoutKernel), `${text.length} bytes, strict ${strict}`);
  }
});

t.test('every byte value, escaped and as it is, across blocks', async (t) => {
  const bytes = Buffer.alloc(3 * BLOCK).map((_, i) => (i * 167 + (i >> 8)) & 0xff);
  for (const mode of ['text', 'binary'] as const) {
    const encoded = qpEncode(bytes, { mode });
    t.ok(qpDecode(encoded).equals(bytes), `${mode} mode, lenient`);
    t.ok(qpDecode(encoded, { strict: true }).equals(bytes), `${mode} mode, strict`);
  }
  // Lenient mode passes every byte that starts nothing ('=', LF and blanks do) as it is, bare CR included.
  const raw = Buffer.from(Buffer.alloc(2 * BLOCK).map((_, i) => (i * 31 + 7) & 0xff).map((b) => (b === 0x3d || b === 0x0a || b === 0x20 || b === 0x09 ? 0x41 : b)));
  t.ok(qpDecode(raw).equals(raw), 'every byte but = LF space tab as it is');
});

/** Mail-like quoted-printable with what the fast paths and the block cut care about, some of it malformed. */
const encodedLike = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('abcdefgh', 'Zürich ', 'x', ' ', '\t', '=C3=BC', '=3D', '=\r\n', '= \r\n', '\r\n', ' \r\n') },
      { weight: 1, arbitrary: fc.constantFrom('=e9', '=', '\n', '\r', '=\n', '\xe9', '\x00', '=4') },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(' ', '\t', '=', 'y'), fc.integer({ min: 1, max: 300 })).map(([c, n]) => c.repeat(n)) },
    ),
    { minLength: 1000, maxLength: 5000 },
  )
  .map((parts) => Buffer.from(parts.join(''), 'latin1'));

/** Valid quoted-printable of mail-like text, with at most one violation put in at a random place. */
const strictLike = fc
  .tuple(
    fc.array(fc.constantFrom('the message ', 'Grüße ', '€5 ', '1+1=2 ', '\r\n', '\t', ' \r\n', 'x'.repeat(100)), { minLength: 2000, maxLength: 8000 }),
    fc.option(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('\n', '\r', '=e9', '=', '\xe9', 'y'.repeat(80))), { nil: undefined }),
  )
  .map(([parts, flaw]) => {
    const text = qpEncode(Buffer.from(parts.join(''))).toString('latin1');
    if (flaw === undefined) return Buffer.from(text, 'latin1');
    const at = Math.floor(flaw[0] * text.length);
    return Buffer.from(`${text.slice(0, at)}${flaw[1]}${text.slice(at)}`, 'latin1');
  });

t.test('property: the kernel gives what the JavaScript loops alone give', async () => {
  fc.assert(
    fc.property(fc.oneof(encodedLike, strictLike), (text) =>
      [false, true].every((strict) => outcome(text, strict) === outcome(text, strict, qpDecodeWithoutKernel)),
    ),
    { numRuns: 60 },
  );
});

t.test('property: the kernel gives what the JavaScript fallback gives under node --jitless', async (t) => {
  const inputs = [...fc.sample(encodedLike, { numRuns: 25, seed: 5 }), ...fc.sample(strictLike, { numRuns: 25, seed: 7 })];
  const script = [
    `const { qpDecode } = await import(${distModule('mime/encoding/qp.js')});`,
    `const { qpDecodeKernelLoaded } = await import(${distModule('mime/encoding/qp-decode-kernel.js')});`,
    'const inputs = input.map((text) => Buffer.from(text, "latin1"));',
    'const outcome = (text, strict) => { try { return qpDecode(text, { strict }).toString("latin1"); } catch (err) { return `${err.message} @${err.offset}`; } };',
    'const outcomes = inputs.map((text) => [outcome(text, false), outcome(text, true)]);',
    'report({ kernel: qpDecodeKernelLoaded, outcomes });',
  ];
  // Latin-1 strings both ways: each character is one byte.
  const { kernel, outcomes } = runJitless<{ kernel: boolean; outcomes: [string, string][] }>(t, script, inputs.map((text) => text.toString('latin1')));
  t.equal(kernel, false, 'no kernel under --jitless');
  let strictPasses = 0;
  inputs.forEach((text, n) => {
    const [lenient, strict] = outcomes[n]!;
    t.equal(outcome(text, false), lenient, `input ${n} (${text.length} bytes), lenient`);
    t.equal(outcome(text, true), strict, `input ${n}, strict`);
    if (!strict.includes('@')) strictPasses++;
  });
  t.ok(strictPasses >= 5, `some inputs are valid quoted-printable (${strictPasses})`);
});

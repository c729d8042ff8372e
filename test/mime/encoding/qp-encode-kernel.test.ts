// The WebAssembly quoted-printable encoder gives exactly the bytes of the JavaScript one, whatever the input,
// the options and the way the input falls into the kernel's blocks.
import { randomBytes } from 'node:crypto';
import t from 'tap';
import fc from 'fast-check';
import { qpEncode, qpEncodeWithoutKernel, type QpEncodeOptions } from '../../../src/mime/encoding/qp.js';
import { KERNEL_MAX_LINE_LENGTH, qpEncodeKernel } from '../../../src/mime/encoding/qp-encode-kernel.js';
import { distModule, runJitless } from '../../helpers/jitless.js';

const modes = ['text', 'binary'] as const;

/** Whether the kernel's output equals the JavaScript encoder's; a message naming the first difference if not. */
function sameAsJs(bytes: Uint8Array, options: QpEncodeOptions): string | undefined {
  const ours = qpEncode(bytes, options);
  const js = qpEncodeWithoutKernel(bytes, options);
  if (ours.equals(js)) return undefined;
  let at = 0;
  while (ours[at] === js[at]) at++;
  const around = (b: Buffer): string => JSON.stringify(b.subarray(Math.max(0, at - 20), at + 20).toString('latin1'));
  return `${JSON.stringify(options)}, ${bytes.length} bytes: output differs at ${at}: ${around(ours)} vs ${around(js)}`;
}

t.test('the kernel is there (WebAssembly SIMD in this Node), so the tests below compare two encoders', async (t) => {
  t.ok(qpEncodeKernel);
});

/** Mostly-ASCII text with what matters to the rules: blanks, '=', CRLF and lone CR/LF, 8-bit, long runs. */
const mailLike = fc
  .array(fc.constantFrom('a', 'Z', '~', ' ', '\t', '=', '\r\n', ' \r\n', '\t\r\n', '\r', '\n', 'é', '€', 'abcdefghijklmnopqrstuvwxyz', '    ', '\x00', '\x7f'), { maxLength: 300 })
  .map((parts) => Buffer.from(parts.join('')));

t.test('property: same bytes as the JavaScript encoder on mail-like text and random bytes, both modes, any line length', async () => {
  fc.assert(
    fc.property(fc.oneof(mailLike, fc.uint8Array({ maxLength: 600 })), fc.constantFrom(...modes), fc.integer({ min: 4, max: 130 }), (bytes, mode, lineLength) => {
      const problem = sameAsJs(bytes, { mode, lineLength });
      if (problem) throw new Error(problem);
    }),
    { numRuns: 2000 },
  );
});

t.test('every byte value, alone, in runs and at every column', async (t) => {
  const all = Buffer.from(Array.from({ length: 256 }, (_, b) => b));
  for (const mode of modes) {
    for (const lineLength of [4, 5, 6, 17, 76, 77]) {
      for (let b = 0; b < 256; b++) {
        for (const bytes of [Buffer.from([b]), Buffer.alloc(40, b), Buffer.concat([Buffer.alloc(lineLength - 2, 0x61), Buffer.from([b, b, 0x0d, 0x0a, b])])]) {
          const problem = sameAsJs(bytes, { mode, lineLength });
          if (problem) t.fail(problem);
        }
      }
      for (let shift = 0; shift < lineLength + 3; shift++) {
        const problem = sameAsJs(Buffer.concat([Buffer.alloc(shift, 0x61), all, all]), { mode, lineLength });
        if (problem) t.fail(problem);
      }
    }
  }
  t.pass('compared');
});

t.test('lines exactly at the limits: full lines, a last escape, a trailing blank, each before a hard break or the end', async (t) => {
  for (const mode of modes) {
    for (const lineLength of [4, 5, 76]) {
      for (let k = lineLength - 5; k <= lineLength + 2; k++) {
        for (const last of ['', 'x', 'é', '=', ' ', '\t', '  ']) {
          for (const after of ['', '\r\n', '\r\nnext', '\r', '\n', 'y']) {
            const bytes = Buffer.from(`${'x'.repeat(Math.max(0, k))}${last}${after}`, 'latin1');
            const problem = sameAsJs(bytes, { mode, lineLength });
            if (problem) t.fail(problem);
          }
        }
      }
    }
  }
  t.equal(qpEncode(Buffer.from('x'.repeat(76))).toString(), 'x'.repeat(76), 'a last line may use all 76 characters');
  t.equal(qpEncode(Buffer.from(`${'x'.repeat(75)} \r\n`)).toString(), `${'x'.repeat(75)}=\r\n=20\r\n`, 'a trailing blank that does not fit');
});

t.test('block boundaries: an escape, a hard break, a trailing blank and a soft break at every offset around them', async (t) => {
  const kernel = qpEncodeKernel!;
  const pieces = ['é', '\r\n', ' \r\n', '\t\r\n', '=', ' ', '\r', '\n'];
  for (const lineLength of [4, 13, 76]) {
    const block = kernel.blockBytes(lineLength);
    for (const mode of modes) {
      for (const boundary of [block, 2 * block]) {
        for (let at = boundary - 5; at <= boundary + 3; at++) {
          for (const piece of pieces) {
            const bytes = Buffer.alloc(boundary + 40, 0x61);
            bytes.write(piece, at, 'latin1');
            const problem = sameAsJs(bytes, { mode, lineLength });
            if (problem) t.fail(problem);
            // And the input ending right there, at the end of a block or just past it.
            const cut = sameAsJs(bytes.subarray(0, at + piece.length), { mode, lineLength });
            if (cut) t.fail(cut);
          }
        }
      }
    }
  }
  t.pass('compared');
});

t.test('property: inputs of several blocks, cut anywhere, encode as the JavaScript encoder does', async () => {
  const block = qpEncodeKernel!.blockBytes(76);
  fc.assert(
    fc.property(mailLike, fc.integer({ min: block - 300, max: 3 * block }), fc.constantFrom(...modes), fc.constantFrom(4, 76, 100), (pattern, size, mode, lineLength) => {
      const bytes = Buffer.alloc(size, pattern.length > 0 ? pattern : 'x');
      const problem = sameAsJs(bytes, { mode, lineLength });
      if (problem) throw new Error(problem);
    }),
    { numRuns: 60 },
  );
});

t.test('an output larger than the first block promised (text, then binary) and smaller (binary, then text)', async (t) => {
  const text = Buffer.from('Plain words and lines.\r\n'.repeat(5000));
  const binary = randomBytes(150_000);
  for (const bytes of [Buffer.concat([text, binary]), Buffer.concat([binary, text]), Buffer.concat([text, binary, text, binary])]) {
    for (const mode of modes) t.equal(sameAsJs(bytes, { mode }), undefined);
  }
});

t.test('lines longer than the kernel takes are the JavaScript encoder\'s, with the same result', async (t) => {
  const bytes = Buffer.from('a line of text with é \r\n'.repeat(10));
  t.equal(sameAsJs(bytes, { lineLength: KERNEL_MAX_LINE_LENGTH + 1 }), undefined);
  t.equal(sameAsJs(bytes, { lineLength: KERNEL_MAX_LINE_LENGTH }), undefined);
});

t.test('without WebAssembly (node --jitless) the JavaScript encoder gives the same bytes', async (t) => {
  const script = [
    `const { qpEncode } = await import(${distModule('mime/encoding/qp.js')});`,
    `const { qpEncodeKernel } = await import(${distModule('mime/encoding/qp-encode-kernel.js')});`,
    "const bytes = Buffer.from(Buffer.alloc(70_000).map((_, i) => ((i * 151 + (i >> 7)) & 0xff) % 5 === 0 ? (i * 7) & 0xff : 0x61 + (i % 26)));",
    "report({ kernel: qpEncodeKernel !== undefined, text: qpEncode(bytes).toString('latin1'), binary: qpEncode(bytes, { mode: 'binary', lineLength: 40 }).toString('latin1') });",
  ];
  const { kernel, text, binary } = runJitless<{ kernel: boolean; text: string; binary: string }>(t, script);
  t.equal(kernel, false, 'no kernel');
  const bytes = Buffer.from(Buffer.alloc(70_000).map((_, i) => (((i * 151 + (i >> 7)) & 0xff) % 5 === 0 ? (i * 7) & 0xff : 0x61 + (i % 26))));
  t.equal(text, qpEncode(bytes).toString('latin1'));
  t.equal(binary, qpEncode(bytes, { mode: 'binary', lineLength: 40 }).toString('latin1'));
});

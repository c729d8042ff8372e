import t from 'tap';
import { decodeLenient, excerpt, formatBytes, printable } from '../../src/wire/printable.js';

t.test('printable text', async (t) => {
  t.equal(printable(Buffer.from('a\tb\r\n')), 'a\tb\r\n');
  t.equal(printable(Buffer.from([0x00, 0x1f, 0x7f])), '\\x00\\x1F\\x7F');
  t.equal(decodeLenient(Buffer.from([0x63, 0xc3, 0xa9, 0xe9, 0xf0, 0x9f, 0x98, 0x80])), 'cé\\xE9😀');
  t.equal(decodeLenient(Buffer.from([0xe2, 0x82])), '\\xE2\\x82', 'a truncated sequence');
  t.equal(excerpt(Buffer.from('x'.repeat(100)), 10), 'xxxxxxxxxx…');
  t.equal(formatBytes(65536), '64 KiB');
  t.equal(formatBytes(300), '300 bytes');
  t.equal(formatBytes(1.5 * 1024 * 1024), '1.5 MiB');
});

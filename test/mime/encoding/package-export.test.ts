/**
 * `import { … } from 'mailprobe/mime'` from another package: a temporary package whose node_modules links
 * to this repository, importing the built entry point (dist/, made by `npm run build`, which `npm test` runs).
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');

t.test('mailprobe/mime resolves through package.json exports from another package', async (t) => {
  t.ok(existsSync(join(root, 'dist/mime/index.js')), 'dist/mime/index.js is built (npm run build)');
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-consumer-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', dependencies: { mailprobe: `file:${root}` } }));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules/mailprobe'), 'dir');
  const script = [
    "import { base64Encode, base64Decode, qpEncode, qpDecode, encodeWord, decodeWords } from 'mailprobe/mime';",
    "const qp = qpEncode(Buffer.from('caf\\u00e9 = ok')).toString();",
    "const b64 = base64Encode(Buffer.from('hi')).toString();",
    "const word = decodeWords(encodeWord('Grüße')).text;",
    "console.log(JSON.stringify([qp, b64, qpDecode(qp).toString(), base64Decode(b64).toString(), word]));",
  ].join('\n');
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
  t.same(JSON.parse(out), ['caf=C3=A9 =3D ok', 'aGk=', 'café = ok', 'hi', 'Grüße']);
  const internal = (): string => execFileSync(process.execPath, ['--input-type=module', '-e', "await import('mailprobe/dist/mime/index.js')"], { cwd: dir, encoding: 'utf8', stdio: 'pipe', timeout: 20_000 });
  t.throws(internal, 'only the exported subpath resolves');
});

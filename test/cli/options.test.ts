import t from 'tap';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareMaildir, readCa } from '../../src/cli/options.js';

t.test('--ca: the file as text; an unreadable one is a usage error naming it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-options-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
  t.equal(await readCa(undefined), undefined);
  t.equal(await readCa(join(dir, 'ca.pem')), '-----BEGIN CERTIFICATE-----\n');
  await t.rejects(readCa(join(dir, 'missing.pem')), { name: 'MailprobeError', code: 'MP_ERR_CONFIG', message: new RegExp(`^--ca: cannot read ${join(dir, 'missing.pem')}: ENOENT`) });
});

t.test('--maildir: made with its parents if missing; a file, or a path below one, is a usage error naming it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-options-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.equal(await prepareMaildir(join(dir, 'a', 'b')), join(dir, 'a', 'b'));
  t.ok(statSync(join(dir, 'a', 'b')).isDirectory());
  t.equal(await prepareMaildir(join(dir, 'a', 'b')), join(dir, 'a', 'b'), 'an existing directory is fine');
  writeFileSync(join(dir, 'file'), '');
  for (const bad of [join(dir, 'file'), join(dir, 'file', 'below')]) {
    await t.rejects(prepareMaildir(bad), { name: 'MailprobeError', code: 'MP_ERR_CONFIG', message: new RegExp(`^--maildir: cannot keep mail in ${bad}: `) }, bad);
  }
});

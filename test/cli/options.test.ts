import t from 'tap';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGrep, parseTimeout, prepareMaildir, readCa, targetsOf } from '../../src/cli/options.js';

t.test('--grep and --timeout: absent is undefined; a bad regex or a duration that is not one (or zero) is a usage error', async (t) => {
  t.equal(parseGrep(undefined), undefined);
  t.ok(parseGrep('^smtp/')!.test('smtp/basic'));
  t.throws(() => parseGrep('('), { name: 'MailprobeError', code: 'MP_ERR_CONFIG', message: /^--grep: / });
  t.equal(parseTimeout(undefined), undefined);
  t.equal(parseTimeout('1.5s'), 1500);
  for (const bad of ['soon', '0s']) {
    t.throws(() => parseTimeout(bad), { code: 'MP_ERR_CONFIG', message: `--timeout: "${bad}" is not a duration (e.g. 5s, 500ms)` }, bad);
  }
});

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

t.test('targets: --target over the files\' targets:, with --ca and --insecure; --maildir beside targets is a usage error', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-options-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'ca.pem'), 'PEM');
  const fromFiles = { mx: 'smtp://files.example:25', imap: 'imap://files.example:143' };
  const given = { target: ['smtp://default.example:2525', 'mx=smtp://given.example:25'], insecure: true, ca: join(dir, 'ca.pem') };
  const { targets, sandbox } = await targetsOf(given, fromFiles);
  t.equal(sandbox, undefined, 'no sandbox once targets are given');
  t.same(targets, {
    defaultUrl: 'smtp://default.example:2525',
    named: { mx: 'smtp://given.example:25', imap: 'imap://files.example:143' },
    tls: { insecure: true, ca: 'PEM' },
  });
  await t.rejects(targetsOf({ target: [], insecure: false, maildir: dir }, fromFiles), { code: 'MP_ERR_CONFIG', message: /^--maildir keeps the embedded sandbox's mail/ });
});

t.test('targets: with none given anywhere, the embedded sandbox, trusted through its own certificate', async (t) => {
  const { targets, sandbox } = await targetsOf({ target: [], insecure: false }, {});
  t.teardown(() => sandbox?.close());
  t.ok(sandbox);
  t.same(targets.named, sandbox!.targets);
  t.same(targets.tls, { insecure: false, ca: sandbox!.ca });
});

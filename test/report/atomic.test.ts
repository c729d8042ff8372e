import t from 'tap';
import * as fsp from 'node:fs/promises';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/report/atomic.js';

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mailprobe-atomic-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test('writes a new file, creating directories, and replaces an old one', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'a/b/report.json');
  await writeFileAtomic(path, 'first');
  t.equal(await readFile(path, 'utf8'), 'first');
  await writeFileAtomic(path, Buffer.from('second'));
  t.equal(await readFile(path, 'utf8'), 'second');
  t.same(await readdir(join(dir, 'a/b')), ['report.json'], 'no temporary file left');
});

t.test('a failure mid-write leaves the old file intact and no temporary file', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'report.xml');
  await writeFile(path, 'old report');
  const tempNames: string[] = [];
  // fsync fails, as on a full or failing disk, after part of the data went to the temporary file.
  const { writeFileAtomic: failingWrite } = await t.mockImport<typeof import('../../src/report/atomic.js')>('../../src/report/atomic.js', {
    'node:fs/promises': {
      ...fsp,
      open: async (file: string, flags: string) => {
        tempNames.push(file);
        const handle = await fsp.open(file, flags);
        return Object.assign(Object.create(handle), {
          writeFile: (data: string) => handle.writeFile(data.slice(0, 3)),
          sync: async () => {
            throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
          },
          close: () => handle.close(),
        });
      },
    },
  });
  await t.rejects(failingWrite(path, 'new report'), { code: 'EIO' });
  t.equal(tempNames.length, 1, 'one temporary file was opened');
  t.match(tempNames[0], /report\.xml\.\d+\.[0-9a-f]{12}\.tmp$/, 'named <path>.<pid>.<random>.tmp');
  t.equal(await readFile(path, 'utf8'), 'old report', 'old file intact');
  t.same(await readdir(dir), ['report.xml'], 'temporary file removed');
});

t.test('a failing rename removes the temporary file', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'taken');
  await mkdir(join(path, 'inside'), { recursive: true });
  await t.rejects(writeFileAtomic(path, 'data'));
  t.same(await readdir(dir), ['taken'], 'only the directory that was in the way');
});

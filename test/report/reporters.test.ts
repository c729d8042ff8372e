import t from 'tap';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeReporters, parseReporters, writeReportFiles, type FileReporters } from '../../src/report/reporters.js';

/** A command's table: two file reporters rendering a number. */
const TABLE: FileReporters<number> = {
  json: { defaultPath: 'reports/n.json', render: (n) => `{"n":${n}}\n` },
  text: { defaultPath: 'reports/n.txt', render: (n) => `n is ${n}\n` },
};

const parse = (texts: string[], cwd = '/work') => parseReporters(texts, TABLE, 'demo', cwd);

t.test('console is the default; NAME takes the default file, NAME=FILE its own, relative to cwd', async (t) => {
  t.same(parse([]), { console: true, files: [] });
  t.same(parse(['console']), { console: true, files: [] });
  const given = parse(['json', 'text=out/a=b.txt']);
  t.equal(given.console, false, 'console only when asked for once others are given');
  t.same(given.files.map(({ name, path }) => ({ name, path })), [
    { name: 'json', path: '/work/reports/n.json' },
    { name: 'text', path: '/work/out/a=b.txt' },
  ], 'only the first "=" splits');
  t.equal(parse([' text = /abs/n.txt ']).files[0]!.path, '/abs/n.txt', 'spaces around the name and the path are dropped');
});

t.test('one error shape: MailprobeError(CONFIG), naming the command and its reporters', async (t) => {
  const refusals: Array<[string[], string]> = [
    [['xml'], 'unknown reporter "xml" in "xml": demo reporters are console, json, text'],
    [['JSON'], 'unknown reporter "JSON" in "JSON": demo reporters are console, json, text'],
    [[''], 'unknown reporter "" in "": demo reporters are console, json, text'],
    [['toString'], 'unknown reporter "toString" in "toString": demo reporters are console, json, text'],
    [['console=out.txt'], 'reporter "console" writes no file: use "console", not "console=out.txt"'],
    [['json='], 'reporter "json" needs a path after "=", e.g. json=reports/n.json'],
    [['json=same', 'text=./same'], 'reporters "json" and "text" would both write /work/same'],
    [['json', 'json'], 'reporters "json" and "json" would both write /work/reports/n.json'],
  ];
  for (const [texts, message] of refusals) {
    t.throws(() => parse(texts), { name: 'MailprobeError', code: 'MP_ERR_CONFIG', message }, JSON.stringify(texts));
  }
});

t.test('writeReportFiles writes each file atomically and returns the paths', async (t) => {
  const cwd = await mkdtemp(join(tmpdir(), 'mailprobe-reporters-'));
  t.teardown(() => rm(cwd, { recursive: true, force: true }));
  const written = await writeReportFiles(parse(['console', 'json', 'text=deep/dir/n.txt'], cwd).files, 7);
  t.same(written, [join(cwd, 'reports/n.json'), join(cwd, 'deep/dir/n.txt')]);
  t.equal(await readFile(written[0]!, 'utf8'), '{"n":7}\n');
  t.equal(await readFile(written[1]!, 'utf8'), 'n is 7\n');
  t.same(await readdir(join(cwd, 'reports')), ['n.json'], 'no temporary file left');
});

t.test('the help line is made from the table', async (t) => {
  t.equal(describeReporters(TABLE), 'console | json[=FILE] | text[=FILE] (files by default: reports/n.json, reports/n.txt); repeatable (default: console)');
});

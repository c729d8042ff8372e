/**
 * scripts/real-verdict.mjs judges real-server reports against the expected-failure list: unexpected failures,
 * expected failures that pass, and listed scenarios that did not run all fail the verdict. Runs the script
 * as a child process on reports written to a temporary directory.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../scripts/real-verdict.mjs', import.meta.url));

type Outcome = 'passed' | 'failed' | 'error' | 'skipped';

function report(dir: string, name: string, outcomes: Record<string, Outcome>): string {
  const scenarios = Object.entries(outcomes).map(([file, outcome]) => ({
    name: file,
    file,
    outcome,
    ...(outcome === 'passed' || outcome === 'skipped' ? {} : { failure: { code: 'MP_ASSERT_STATUS', message: 'expected 504, got 535' } }),
  }));
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ version: 1, scenarios }));
  return path;
}

function verdict(dir: string, expected: string, ...reports: string[]): { code: number | null; stdout: string } {
  const expectedPath = join(dir, 'expected.txt');
  writeFileSync(expectedPath, expected);
  const result = spawnSync(process.execPath, [SCRIPT, expectedPath, ...reports], { encoding: 'utf8', timeout: 10_000 });
  return { code: result.status, stdout: result.stdout };
}

const EXPECTED = '# comment\n\npostfix s/b.yaml the server answers 535\n';

t.test('only listed failures: the verdict passes', async (t) => {
  const dir = t.testdir();
  const postfix = report(dir, 'p.json', { 's/a.yaml': 'passed', 's/b.yaml': 'failed', 's/c.yaml': 'skipped' });
  const { code, stdout } = verdict(dir, EXPECTED, `postfix=${postfix}`);
  t.equal(code, 0);
  t.match(stdout, /1 passed, 1 expected failures, 0 unexpected/);
});

t.test('a failure that is not listed fails the verdict and is named', async (t) => {
  const dir = t.testdir();
  const postfix = report(dir, 'p.json', { 's/a.yaml': 'error', 's/b.yaml': 'failed' });
  const { code, stdout } = verdict(dir, EXPECTED, `postfix=${postfix}`);
  t.equal(code, 1);
  t.match(stdout, /UNEXPECTED ERROR {2}postfix s\/a\.yaml: MP_ASSERT_STATUS: expected 504, got 535/);
});

t.test('a listed failure that passes fails the verdict, so that the list stays true', async (t) => {
  const dir = t.testdir();
  const postfix = report(dir, 'p.json', { 's/b.yaml': 'passed' });
  const { code, stdout } = verdict(dir, EXPECTED, `postfix=${postfix}`);
  t.equal(code, 1);
  t.match(stdout, /UNEXPECTED PASS {2}postfix s\/b\.yaml/);
});

t.test('a listed scenario that did not run fails the verdict', async (t) => {
  const dir = t.testdir();
  const postfix = report(dir, 'p.json', { 's/a.yaml': 'passed' });
  const { code, stdout } = verdict(dir, EXPECTED, `postfix=${postfix}`);
  t.equal(code, 1);
  t.match(stdout, /NOT RUN {2}postfix s\/b\.yaml/);
});

t.test('the label keeps reports apart: a failure listed for one target is unexpected for another', async (t) => {
  const dir = t.testdir();
  const postfix = report(dir, 'p.json', { 's/b.yaml': 'failed' });
  const sink = report(dir, 's.json', { 's/b.yaml': 'failed' });
  const { code, stdout } = verdict(dir, EXPECTED, `postfix=${postfix}`, `sink=${sink}`);
  t.equal(code, 1);
  t.match(stdout, /UNEXPECTED FAILED {2}sink s\/b\.yaml/);
  t.notMatch(stdout, /postfix s\/b\.yaml:/);
});

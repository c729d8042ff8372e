// The committed kernel modules are what their .wat sources assemble to today (scripts/build-kernels.mjs).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import t from 'tap';

const script = new URL('../../../scripts/build-kernels.mjs', import.meta.url).pathname;

t.test('every src/mime/kernels/*.wasm.ts is up to date with its .wat', async (t) => {
  const run = await promisify(execFile)(process.execPath, [script, '--check']).then(
    () => ({ code: 0, stderr: '' }),
    (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
  );
  t.equal(run.code, 0, run.stderr);
});

/**
 * Runs a script under `node --jitless`, where WebAssembly does not exist, so that a test sees what the
 * JavaScript fallback of a kernel gives. The script imports the built modules (dist/, built by `npm test`
 * before tap).
 */
import { spawnSync } from 'node:child_process';
import type { Test } from 'tap';

/** A built module's import() specifier, to write into a script: distModule('mime/encoding/qp.js'). */
export function distModule(path: string): string {
  return JSON.stringify(new URL(`../../dist/${path}`, import.meta.url).href);
}

/**
 * Runs `script` (ES module lines) in the child. The script finds the given `input` as `input` (sent as
 * JSON on stdin) and ends with `report(value)`; the test gets that value back. A child that fails fails
 * the test with its stderr.
 */
export function runJitless<Result>(t: Test, script: string[], input: unknown = null): Result {
  const prelude = [
    "const input = JSON.parse((await import('node:fs')).readFileSync(0, 'utf8'));",
    'const report = (value) => process.stdout.write(JSON.stringify(value));',
  ];
  const child = spawnSync(process.execPath, ['--jitless', '--input-type=module', '-e', [...prelude, ...script].join('\n')], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  t.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as Result;
}

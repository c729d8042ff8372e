/**
 * Runs the built CLI (dist/cli/main.js, built by `npm test` before tap) as a child process, as a user would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';

export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called once the process has started, e.g. to send it a signal later. */
  onSpawn?: (kill: (signal: NodeJS.Signals) => void) => void;
  /** Hard stop for a test that went wrong. */
  timeoutMs?: number;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
    options.onSpawn?.((signal) => child.kill(signal));
  });
}

/** The `--<service>-port 0` options of `serve` for every service: each on a free port. */
const ALL_PORTS_FREE = ['smtp', 'submission', 'smtps', 'pop3', 'pop3s', 'imap', 'imaps'].flatMap((name) => [`--${name}-port`, '0']);

export interface ServeProcess {
  child: ChildProcess;
  /** What `serve` printed up to its "Ctrl-C" line: the services and their URLs. */
  stdout: string;
  /** The exit code once the process has ended. */
  exited: Promise<number | null>;
}

/**
 * Starts `mailprobe serve ARGS` with every service on a free port and resolves once it says it is ready
 * (its "Ctrl-C" line); rejects if it exits before. The test's teardown kills it if it still runs.
 */
export async function startServe(t: Test, args: string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args, ...ALL_PORTS_FREE], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  t.teardown(() => void child.kill('SIGKILL'));
  let stdout = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('Ctrl-C')) resolve();
    });
    child.once('close', () => reject(new Error(`serve exited early: ${stdout}`)));
  });
  return { child, stdout, exited };
}

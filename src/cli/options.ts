/**
 * What several commands share in checking their options and in stopping: the usage error (one shape:
 * MailprobeError(CONFIG), which settle() reports in one line with exit 2), `--grep` and `--timeout`,
 * reading `--ca`, preparing `--maildir`, the targets of `run` and `load` (--target, the files' targets:,
 * else the embedded sandbox), and the first-Ctrl-C-finishes, second-quits handling of SIGINT.
 * Imports node:fs, runner/targets, util/, cli/exit-codes, and the sandbox only when it starts one.
 */
import { constants } from 'node:fs';
import { access, mkdir, readFile } from 'node:fs/promises';
import { parseTargetArgs, type TargetContext } from '../runner/targets.js';
import type { Sandbox } from '../sandbox/index.js';
import type { TargetMap } from '../scenario/types.js';
import { parseDuration } from '../util/duration.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';
import { ExitCode } from './exit-codes.js';

type SandboxModule = typeof import('../sandbox/index.js');

export interface TargetArgs {
  target: string[];
  insecure: boolean;
  ca?: string;
  maildir?: string;
}

export function usage(message: string): MailprobeError {
  return new MailprobeError(ErrorCode.CONFIG, message);
}

/** `--grep PATTERN` of `run` and `load`, or undefined without the option. */
export function parseGrep(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(pattern);
  } catch (err) {
    throw usage(`--grep: ${(err as Error).message}`);
  }
}

/** `--timeout DURATION` of `run` and `load` in ms (never 0), or undefined without the option. */
export function parseTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const timeoutMs = parseDuration(text);
  if (!timeoutMs) throw usage(`--timeout: "${text}" is not a duration (e.g. 5s, 500ms)`);
  return timeoutMs;
}

/** The PEM text of `--ca FILE`, or undefined without the option. */
export async function readCa(file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw usage(`--ca: cannot read ${file}: ${(err as Error).message}`);
  }
}

/**
 * `--maildir DIR` of `run` and `serve`: made if missing. One that cannot be a directory of Maildirs (a
 * file, under a file, not writable) is refused, naming it, before the sandbox starts.
 */
export async function prepareMaildir(dir: string): Promise<string> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw usage(`--maildir: cannot keep mail in ${dir}: ${(err as Error).message}`);
  }
  return dir;
}

/**
 * What the scenarios run against: `--target` over the files' `targets:`; with neither, the embedded
 * sandbox's services, started here (the caller closes it) and trusted through its own certificate.
 * `sandboxModule` is the sandbox's import when the caller began it early; otherwise it is imported only
 * when needed (smtp-server and the certificate library cost ~0.5 s to import).
 */
export async function targetsOf(
  argv: TargetArgs,
  fromFiles: TargetMap,
  sandboxModule?: Promise<SandboxModule>,
): Promise<{ targets: TargetContext; sandbox?: Sandbox }> {
  const given = parseTargetArgs(argv.target);
  const named = { ...fromFiles, ...given.named };
  const ca = await readCa(argv.ca);
  if (given.defaultUrl !== undefined || Object.keys(named).length > 0) {
    if (argv.maildir !== undefined) throw usage("--maildir keeps the embedded sandbox's mail: it has no use once targets are given (--target or the files' targets:)");
    const tls = { insecure: argv.insecure, ...(ca === undefined ? {} : { ca }) };
    return { targets: { ...(given.defaultUrl === undefined ? {} : { defaultUrl: given.defaultUrl }), named, tls } };
  }
  const { startSandbox } = await (sandboxModule ?? import('../sandbox/index.js'));
  const sandbox = await startSandbox(argv.maildir === undefined ? {} : { maildir: await prepareMaildir(argv.maildir) });
  return { targets: { named: { ...sandbox.targets }, tls: { insecure: argv.insecure, ca: sandbox.ca } }, sandbox };
}

/**
 * The first Ctrl-C aborts `controller` (the command stops and still writes its reports); a second one exits
 * at once. Returns the function that stops listening.
 */
export function interruptOnSigint(controller: AbortController): () => void {
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(ExitCode.INTERRUPTED);
    process.stderr.write('\ninterrupted: finishing reports (Ctrl-C again to quit at once)\n');
    controller.abort(new MailprobeError(ErrorCode.INTERRUPTED, 'interrupted by SIGINT'));
  };
  process.on('SIGINT', onSigint);
  return () => process.off('SIGINT', onSigint);
}

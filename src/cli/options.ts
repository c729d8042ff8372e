/**
 * What several commands share in checking their options and in stopping: the usage error (one shape:
 * MailprobeError(CONFIG), which settle() reports in one line with exit 2), reading `--ca`, preparing
 * `--maildir`, and the first-Ctrl-C-finishes, second-quits handling of SIGINT.
 * Imports node:fs, util/errors and cli/exit-codes.
 */
import { constants } from 'node:fs';
import { access, mkdir, readFile } from 'node:fs/promises';
import { ErrorCode, MailprobeError } from '../util/errors.js';
import { ExitCode } from './exit-codes.js';

export function usage(message: string): MailprobeError {
  return new MailprobeError(ErrorCode.CONFIG, message);
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

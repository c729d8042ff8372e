/**
 * `--maildir DIR` of `run` and `serve`: the directory the embedded sandbox keeps its Maildirs in, made if
 * missing. One that cannot be (a file, under a file, not writable) is a usage error naming it, found
 * before the sandbox starts. Imports node:fs and util/errors.
 */
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { ErrorCode, MailprobeError } from '../util/errors.js';

export async function prepareMaildir(dir: string): Promise<string> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new MailprobeError(ErrorCode.CONFIG, `--maildir: cannot keep mail in ${dir}: ${(err as Error).message}`);
  }
  return dir;
}

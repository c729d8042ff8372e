/**
 * Atomic file writes for reports: the data goes to a temporary file in the target's directory, is
 * fsynced, then renamed over the target, so a crash mid-write leaves either the old file or the new one,
 * never half of one. On failure the temporary file is removed and the old file is untouched.
 * Imports only node:fs, node:path and node:crypto.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Writes `data` to `path` atomically, creating missing directories. */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  // Same directory as the target: rename(2) is atomic only within one file system.
  const temp = join(dir, `${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx');
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (err) {
    // The first error is the one worth reporting; a failing close after it adds nothing.
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw err;
  }
}

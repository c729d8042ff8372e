/**
 * The memory allocator `mailprobe bench` runs under. With glibc's defaults a large buffer freed by the
 * garbage collector goes back to the operating system (unmapped, or trimmed off the top of the heap), and a
 * later one comes back as fresh pages, each faulted in on first touch. Whether a call gets fresh pages
 * depends on what the calls before it left on the heap and on how the callee allocates (Node's
 * Buffer.from(string, 'base64') allocates and then shrinks its result), so one implementation can pay a
 * page fault per 4 KiB of output where the next, doing the same work, pays none: on a virtual machine that
 * was 25× the time of Node's own base64 decode. The bench therefore runs with glibc tunables that keep
 * freed memory for reuse, so that every implementation writes into memory already mapped and the figures
 * measure the code. Imports nothing.
 */

/** Chunks up to 32 MiB (glibc's highest mmap threshold on 64-bit) from the heap, which is never trimmed. */
export const STEADY_GLIBC_TUNABLES = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296';

/** The environment to run the bench again under the steady allocator, or undefined when this process
 *  needs no re-run: not Linux, or GLIBC_TUNABLES already set (by the re-run, or by a user on purpose). */
export function steadyAllocatorEnv(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): NodeJS.ProcessEnv | undefined {
  if (platform !== 'linux' || env.GLIBC_TUNABLES !== undefined) return undefined;
  return { ...env, GLIBC_TUNABLES: STEADY_GLIBC_TUNABLES };
}

/** Terminal output: whether to colour, and how to report problems that end a command. */
import { formatIssue, type LoadIssue } from '../scenario/load.js';
import { isMailprobeError } from '../util/errors.js';
import { ExitCode } from './exit-codes.js';

/** Colour only on a TTY and when NO_COLOR is unset (https://no-color.org); FORCE_COLOR forces it. */
export function useColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

export function printIssues(issues: readonly LoadIssue[]): void {
  for (const issue of issues) process.stderr.write(`${formatIssue(issue)}\n`);
  const n = issues.length;
  process.stderr.write(`${n} problem${n === 1 ? '' : 's'} in scenario files; nothing was sent.\n`);
}

export function printError(message: string): void {
  process.stderr.write(`mailprobe: ${message}\n`);
}

/** Runs a command; a MailprobeError (bad option, unreadable file) is a usage error, reported in one line. */
export async function settle(work: Promise<number>): Promise<void> {
  try {
    process.exitCode = await work;
  } catch (err) {
    if (!isMailprobeError(err)) throw err;
    printError(err.message);
    process.exitCode = ExitCode.USAGE;
  }
}

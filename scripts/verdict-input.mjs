// What the verdict scripts of test:real read: a list file of whitespace-separated words per line (# starts a
// comment), and LABEL=REPORT.json arguments. Imports only node:fs.
import { readFileSync } from 'node:fs';

/** The non-empty, non-comment lines of a list file, each split into words. */
export function readListFile(path) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(/\s+/));
}

/** [label, parsed report] for each LABEL=REPORT.json argument. */
export function readLabelledReports(args) {
  return args.map((arg) => {
    const separator = arg.indexOf('=');
    return [arg.slice(0, separator), JSON.parse(readFileSync(arg.slice(separator + 1), 'utf8'))];
  });
}

/** The command-line arguments: the list file, then at least one LABEL=REPORT.json; exits 2 otherwise. */
export function verdictArgs(usage) {
  const [listFile, ...reportArgs] = process.argv.slice(2);
  if (!listFile || reportArgs.length === 0) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  return { listFile, reports: readLabelledReports(reportArgs) };
}

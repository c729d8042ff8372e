#!/usr/bin/env node
/**
 * mailprobe's entry point: yargs commands and nothing else. The only module (with its commands) that
 * touches argv, stdout/stderr and the exit code.
 */
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { VERSION } from './package-info.js';
import { ExitCode } from './exit-codes.js';
import { printError } from './output.js';

/**
 * Each command's module, imported only when that command runs: audit, load, bench and serve pull in large
 * libraries (mailauth, autocannon, HDR histograms, smtp-server, an X.509 library) whose loading took about
 * a second of every `mailprobe run` on a busy machine. Help and unknown commands load them all.
 */
const COMMANDS: Readonly<Record<string, (cli: Argv) => Promise<Argv>>> = {
  run: async (cli) => cli.command((await import('./run.js')).runCommand),
  validate: async (cli) => cli.command((await import('./validate.js')).validateCommand),
  serve: async (cli) => cli.command((await import('./serve.js')).serveCommand),
  audit: async (cli) => cli.command((await import('./audit.js')).auditCommand),
  load: async (cli) => cli.command((await import('./load.js')).loadCommand),
  merge: async (cli) => cli.command((await import('./load.js')).mergeCommand),
  bench: async (cli) => cli.command((await import('./bench.js')).benchCommand),
};

const argv = hideBin(process.argv);
const named = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? [argv[0]] : Object.keys(COMMANDS);
let cli = yargs(argv);
for (const name of named) cli = await COMMANDS[name]!(cli);

await cli
  .scriptName('mailprobe')
  .usage('$0 <command> [options]\n\nConformance testing for SMTP, POP3 and IMAP servers.')
  .demandCommand(1, 'Give a command: run, validate or serve.')
  .strict()
  .version(VERSION)
  .help()
  .alias('h', 'help')
  .wrap(Math.min(110, process.stdout.columns || 100))
  .fail((message, err, y) => {
    if (err && !message) throw err;
    y.showHelp('error');
    printError(message ?? String(err));
    process.exit(ExitCode.USAGE);
  })
  .parseAsync();

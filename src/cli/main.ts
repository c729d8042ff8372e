#!/usr/bin/env node
/**
 * mailprobe's entry point: yargs commands and nothing else. The only module (with its commands) that
 * touches argv, stdout/stderr and the exit code.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';
import { serveCommand } from './serve.js';
import { benchCommand } from './bench.js';
import { auditCommand } from './audit.js';
import { loadCommand, mergeCommand } from './load.js';
import { VERSION } from './package-info.js';
import { ExitCode } from './exit-codes.js';
import { printError } from './output.js';

await yargs(hideBin(process.argv))
  .scriptName('mailprobe')
  .usage('$0 <command> [options]\n\nConformance testing for SMTP, POP3 and IMAP servers.')
  .command(runCommand)
  .command(validateCommand)
  .command(serveCommand)
  .command(auditCommand)
  .command(loadCommand)
  .command(mergeCommand)
  .command(benchCommand)
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

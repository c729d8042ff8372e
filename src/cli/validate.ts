/** `mailprobe validate [paths..]`: load and check scenario files without sending anything. */
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { loadScenarios } from '../scenario/load.js';
import { BUILTIN_SCENARIOS } from './package-info.js';
import { ExitCode } from './exit-codes.js';
import { printIssues } from './output.js';

interface ValidateArgs {
  paths: string[];
}

export const validateCommand = {
  command: 'validate [paths..]',
  describe: 'Check scenario files (YAML, schema, variables, regexes, files) without sending anything',
  builder: (y: Argv) =>
    y.positional('paths', { type: 'string', array: true, default: [] as string[], describe: 'Scenario files or suite directories (default: the built-in suites)' }),
  handler: async (argv: ArgumentsCamelCase<ValidateArgs>): Promise<void> => {
    const paths = argv.paths.length > 0 ? argv.paths : [BUILTIN_SCENARIOS];
    const { scenarios, issues } = await loadScenarios(paths, { cwd: process.cwd(), env: process.env });
    if (issues.length > 0) {
      printIssues(issues);
      process.exitCode = ExitCode.USAGE;
      return;
    }
    process.stdout.write(`${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'} valid.\n`);
    process.exitCode = ExitCode.OK;
  },
};

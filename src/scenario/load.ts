/**
 * Entry point of scenario loading: paths → typed Scenarios, named targets and every issue found (YAML
 * syntax, schema, variables, regexes, durations, files, protocol/step table, duplicate names), each at
 * file:line:column. Never throws for bad input. A file with any issue yields no scenario. Imports node:fs
 * and node:path and scenario modules; the CLI and runner import this.
 */
import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Scenario, TargetMap } from './types.js';
import { BuildContext, type FileReference } from './build-context.js';
import { buildScenario } from './scenario.js';
import { FileContext, SuiteReader, findScenarioFiles, readYaml, type ScenarioFile } from './suites.js';
import type { YScalar } from './yaml-tree.js';
import type { LoadIssue } from './issues.js';

export { formatIssue, type LoadIssue } from './issues.js';

export interface LoadResult {
  scenarios: Scenario[];
  targets: TargetMap;
  issues: LoadIssue[];
}

export interface LoadOptions {
  /** Relative paths (arguments, spans) are relative to this; default process.cwd(). */
  cwd?: string;
  /** For `${env.X}` checks; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** paths: scenario files or directories (searched recursively for *.yaml / *.yml; suite.yaml and
 *  targets.yaml are not scenarios). Never throws for bad input: every problem becomes a LoadIssue. */
export async function loadScenarios(paths: string[], options: LoadOptions = {}): Promise<LoadResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const issues: LoadIssue[] = [];
  const files = new FileContext(cwd, issues);
  const suites = new SuiteReader(files);
  const scenarioFiles = await findScenarioFiles(paths, files);

  const scenarios: Scenario[] = [];
  const firstByName = new Map<string, YScalar>();
  for (const file of scenarioFiles) {
    const fileIssues: LoadIssue[] = [];
    const built = await loadFile(file, suites, env, new FileContext(cwd, fileIssues));
    if (built) {
      const first = firstByName.get(built.scenario.name);
      if (first) {
        const { file: f, line, column } = first.span;
        fileIssues.push({ span: built.nameNode.span, message: `duplicate scenario name \`${built.scenario.name}\` (first in ${f}:${line}:${column})` });
      } else {
        firstByName.set(built.scenario.name, built.nameNode);
      }
    }
    if (fileIssues.length === 0 && built) scenarios.push(built.scenario);
    issues.push(...sortedUnique(fileIssues));
  }
  return { scenarios, targets: suites.targets, issues: dedupe(issues) };
}

async function loadFile(file: ScenarioFile, suites: SuiteReader, env: NodeJS.ProcessEnv, files: FileContext) {
  const settings = await suites.settings(file.chain);
  const root = await readYaml(file.path, 'scenario', files);
  if (!root) return undefined;
  const ctx = new BuildContext(dirname(file.path), env, (span, message) => files.issues.push({ span, message }));
  const built = buildScenario(root, files.display(file.path), settings, env, ctx);
  await checkFiles(ctx.fileReferences, files);
  return built;
}

async function checkFiles(references: readonly FileReference[], files: FileContext): Promise<void> {
  for (const { path, span, what } of references) {
    const missing = await access(path).then(
      () => false,
      () => true,
    );
    if (missing) files.issues.push({ span, message: `${what} not found: ${files.display(path)}` });
  }
}

function sortedUnique(issues: LoadIssue[]): LoadIssue[] {
  return dedupe(issues).sort(
    (a, b) => a.span.file.localeCompare(b.span.file) || a.span.line - b.span.line || a.span.column - b.span.column,
  );
}

/** The same issue can be found twice (a suite var checked for each of its scenarios). */
function dedupe(issues: readonly LoadIssue[]): LoadIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.span.file}\0${issue.span.line}\0${issue.span.column}\0${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

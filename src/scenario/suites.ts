/**
 * Files around the scenarios: which files a path stands for, the suite chain of each scenario file
 * (directories from the search root down to the file, each maybe with a suite.yaml), the merged suite
 * settings, and named targets from suite.yaml `targets:` and targets.yaml files. Imports node:fs and
 * node:path, util/duration and scenario modules.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseDuration } from '../util/duration.js';
import type { SourceSpan, TargetMap } from './types.js';
import { child, parseYaml, type YMap, type YNode, type YScalar } from './yaml-tree.js';
import { validateAgainstSchema, type SchemaKind } from './schema.js';
import { targetUrlProblem } from './targets.js';
import type { LoadIssue } from './issues.js';
import type { VarDefinition } from './variables.js';

export const SUITE_FILE = 'suite.yaml';
export const TARGETS_FILE = 'targets.yaml';
const SCENARIO_EXTENSIONS = ['.yaml', '.yml'];
const SKIPPED_DIRS = new Set(['node_modules']);

export interface ScenarioFile {
  path: string;
  /** Directories whose suite.yaml applies, farthest first. */
  chain: string[];
}

export interface SuiteSettings {
  /** Suite vars, farthest first, so that later (nearer) ones win when merged in order. */
  vars: VarDefinition[];
  tags: string[];
  /** `exclusive:` keys as written, farthest suite first; each scenario checks and adds them to its own. */
  exclusive: YScalar[];
  timeoutMs?: number;
  deadlineMs?: number;
}

export class FileContext {
  constructor(
    readonly cwd: string,
    readonly issues: LoadIssue[],
  ) {}

  /** Relative to cwd when below it, else absolute: what spans and messages show. */
  display(path: string): string {
    const rel = relative(this.cwd, path);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
  }

  fileIssue(path: string, message: string): void {
    this.issues.push({ span: { file: this.display(path), line: 1, column: 1 }, message });
  }

  within(dir: string): boolean {
    return dir === this.cwd || dir.startsWith(this.cwd.endsWith(sep) ? this.cwd : this.cwd + sep);
  }
}

/** Reads and parses a YAML file and checks it against the schema; undefined root when empty or broken. */
export async function readYaml(path: string, kind: SchemaKind, ctx: FileContext): Promise<YNode | undefined> {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (err) {
    ctx.fileIssue(path, `cannot read file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    return undefined;
  }
  const parsed = parseYaml(source, ctx.display(path));
  ctx.issues.push(...parsed.issues);
  if (!parsed.root) {
    if (kind === 'scenario' && parsed.issues.length === 0) ctx.fileIssue(path, 'the file is empty');
    return undefined;
  }
  ctx.issues.push(...validateAgainstSchema(kind, parsed.root));
  return parsed.root;
}

/** Scenario files for the paths given, in order, each once. */
export async function findScenarioFiles(paths: readonly string[], ctx: FileContext): Promise<ScenarioFile[]> {
  const found = new Map<string, ScenarioFile>();
  for (const given of paths) {
    const path = resolve(ctx.cwd, given);
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      ctx.fileIssue(path, 'no such file or directory');
    } else if (info.isDirectory()) {
      const files = await walk(path);
      if (files.length === 0) ctx.fileIssue(path, `no scenario files (*.yaml, *.yml) in this directory`);
      const root = ctx.within(path) ? ctx.cwd : path;
      for (const file of files) if (!found.has(file)) found.set(file, { path: file, chain: chainOf(root, dirname(file)) });
    } else if ([SUITE_FILE, TARGETS_FILE].includes(basename(path))) {
      ctx.fileIssue(path, `${basename(path)} holds settings for the scenarios beside it; it is not a scenario`);
    } else if (!found.has(path)) {
      const root = ctx.within(dirname(path)) ? ctx.cwd : dirname(path);
      found.set(path, { path, chain: chainOf(root, dirname(path)) });
    }
  }
  return [...found.values()];
}

async function walk(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  const files: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory() && !SKIPPED_DIRS.has(e.name)) files.push(...(await walk(path)));
    else if (e.isFile() && SCENARIO_EXTENSIONS.some((x) => e.name.endsWith(x)) && ![SUITE_FILE, TARGETS_FILE].includes(e.name)) {
      files.push(path);
    }
  }
  return files;
}

/** root, …, dir (dir is below or equal to root). */
function chainOf(root: string, dir: string): string[] {
  const chain: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    chain.unshift(d);
    if (d === root || dirname(d) === d) return chain;
  }
}

/** Reads each suite.yaml and targets.yaml once, merging targets across all of them. */
export class SuiteReader {
  private readonly suites = new Map<string, Promise<SuiteSettings>>();
  private readonly targetFiles = new Map<string, Promise<void>>();
  private readonly targetSpans = new Map<string, { url: string; span: SourceSpan }>();
  readonly targets: TargetMap = {};

  constructor(private readonly ctx: FileContext) {}

  /** Settings merged along the chain (nearest wins for scalars; vars in order farthest → nearest). */
  async settings(chain: readonly string[]): Promise<SuiteSettings> {
    await this.readTargetsFile(this.ctx.cwd);
    const merged: SuiteSettings = { vars: [], tags: [], exclusive: [] };
    for (const dir of chain) {
      await this.readTargetsFile(dir);
      const settings = await this.suite(dir);
      merged.vars.push(...settings.vars);
      for (const tag of settings.tags) if (!merged.tags.includes(tag)) merged.tags.push(tag);
      merged.exclusive.push(...settings.exclusive);
      if (settings.timeoutMs !== undefined) merged.timeoutMs = settings.timeoutMs;
      if (settings.deadlineMs !== undefined) merged.deadlineMs = settings.deadlineMs;
    }
    return merged;
  }

  private suite(dir: string): Promise<SuiteSettings> {
    let pending = this.suites.get(dir);
    if (!pending) {
      pending = this.readSuite(join(dir, SUITE_FILE));
      this.suites.set(dir, pending);
    }
    return pending;
  }

  private async readSuite(path: string): Promise<SuiteSettings> {
    const settings: SuiteSettings = { vars: [], tags: [], exclusive: [] };
    if (!(await isFile(path))) return settings;
    const root = await readYaml(path, 'suite', this.ctx);
    if (root?.kind !== 'map') return settings;
    const vars = child(root, 'vars');
    if (vars?.kind === 'map') settings.vars = varDefinitions(vars);
    const tags = child(root, 'tags');
    if (tags?.kind === 'seq') settings.tags = tags.items.flatMap((t) => (t.kind === 'scalar' ? [t.text] : []));
    const exclusive = child(root, 'exclusive');
    if (exclusive?.kind === 'seq') settings.exclusive = exclusive.items.flatMap((k) => (k.kind === 'scalar' && typeof k.value === 'string' ? [k] : []));
    const timeoutMs = this.duration(child(root, 'timeout'), 'timeout');
    if (timeoutMs !== undefined) settings.timeoutMs = timeoutMs;
    const deadlineMs = this.duration(child(root, 'deadline'), 'deadline');
    if (deadlineMs !== undefined) settings.deadlineMs = deadlineMs;
    const targets = child(root, 'targets');
    if (targets?.kind === 'map') this.addTargets(targets);
    return settings;
  }

  private duration(node: YNode | undefined, what: string): number | undefined {
    if (node?.kind !== 'scalar' || (typeof node.value !== 'string' && typeof node.value !== 'number')) return undefined;
    const ms = parseDuration(node.value);
    if (ms === undefined || ms === 0) {
      this.ctx.issues.push({ span: node.span, message: `\`${what}: ${node.text}\` is not a duration above 0: write 250ms, 10s, 2m or 1h` });
    }
    return ms || undefined;
  }

  private readTargetsFile(dir: string): Promise<void> {
    let pending = this.targetFiles.get(dir);
    if (!pending) {
      pending = (async () => {
        const path = join(dir, TARGETS_FILE);
        if (!(await isFile(path))) return;
        const root = await readYaml(path, 'targets', this.ctx);
        if (root?.kind === 'map') this.addTargets(root);
      })();
      this.targetFiles.set(dir, pending);
    }
    return pending;
  }

  private addTargets(map: YMap): void {
    for (const { key, value } of map.entries) {
      if (value.kind !== 'scalar' || typeof value.value !== 'string') continue;
      const problem = targetUrlProblem(value.text);
      if (problem) {
        this.ctx.issues.push({ span: value.span, message: problem });
        continue;
      }
      const earlier = this.targetSpans.get(key.text);
      if (earlier && earlier.url !== value.text) {
        const { file, line, column } = earlier.span;
        this.ctx.issues.push({
          span: key.span,
          message: `target \`${key.text}\` is ${value.text} here but ${earlier.url} in ${file}:${line}:${column}`,
        });
        continue;
      }
      this.targetSpans.set(key.text, { url: value.text, span: key.span });
      this.targets[key.text] = value.text;
    }
  }
}

/** `name: value` entries of a vars mapping (scalars only; the schema reported the rest). */
export function varDefinitions(vars: YMap): VarDefinition[] {
  return vars.entries.flatMap(({ key, value }) =>
    value.kind === 'scalar' && value.value !== null ? [{ name: key.text, value: value.text, node: value as YScalar }] : [],
  );
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

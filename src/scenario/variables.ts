/**
 * Load-time checks that every `${…}` will name something when the runner interpolates it: scenario vars,
 * builtins, set environment variables (or a `:-default`), and names captured or kept (`as:`) by an
 * earlier step. Also finds cycles among vars. Pure; imports scenario/{interpolate,issues,yaml-tree}.
 */
import { BUILTIN_VARIABLES, placeholders, TemplateError, type Placeholder } from './interpolate.js';
import { didYouMean } from './issues.js';
import type { YScalar } from './yaml-tree.js';

const ENV_PREFIX = 'env.';
const MESSAGE_ID_SUFFIX = '.messageId';
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reports a problem at an offset inside a scalar's text (undefined: the scalar as a whole). */
export type ReportAt = (scalar: YScalar, offset: number | undefined, message: string) => void;

/** The names that exist at one point of a scenario. */
export class Scope {
  private readonly names = new Set<string>();
  private readonly messages = new Set<string>();
  /** Names a later step defines, for a clearer message when used too early. */
  private readonly later = new Map<string, number>();

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    names: Iterable<string>,
  ) {
    for (const name of names) this.names.add(name);
  }

  define(name: string): void {
    this.names.add(name);
    this.later.delete(name);
  }

  /** An `as:` name: the message itself and its `.messageId`. */
  defineMessage(name: string): void {
    this.define(name);
    this.messages.add(name);
  }

  announceLater(name: string, stepIndex: number): void {
    if (!this.names.has(name) && !this.later.has(name)) this.later.set(name, stepIndex);
  }

  /** Why the placeholder names nothing, or undefined when it is fine. */
  problem(p: Placeholder): string | undefined {
    const { name } = p;
    if (name.startsWith(ENV_PREFIX)) {
      const envName = name.slice(ENV_PREFIX.length);
      if (!ENV_NAME.test(envName)) return `invalid environment variable name in \${${name}}`;
      if (this.env[envName] !== undefined || p.fallback !== undefined) return undefined;
      return `environment variable ${envName} is not set (write \${${name}:-default} to give a default)`;
    }
    if (this.names.has(name) || BUILTIN_VARIABLES.includes(name) || p.fallback !== undefined) return undefined;
    if (name.endsWith(MESSAGE_ID_SUFFIX)) {
      const base = name.slice(0, -MESSAGE_ID_SUFFIX.length);
      if (this.messages.has(base)) return undefined;
      if (this.names.has(base)) return `unknown variable \${${name}}: \`${base}\` is not a message kept with \`as:\``;
    }
    const laterStep = this.later.get(name);
    if (laterStep !== undefined) {
      return `unknown variable \${${name}}: step ${laterStep + 1} sets it, so it does not exist yet here`;
    }
    return `unknown variable \${${name}}${didYouMean(name, this.candidates())}`;
  }

  private *candidates(): Iterable<string> {
    yield* this.names;
    yield* BUILTIN_VARIABLES;
    for (const message of this.messages) yield `${message}${MESSAGE_ID_SUFFIX}`;
  }
}

/** Checks the placeholders of one string; returns them (empty when the syntax is broken). */
export function checkTemplate(scalar: YScalar, text: string, scope: Scope, report: ReportAt): Placeholder[] {
  let found: Placeholder[];
  try {
    found = placeholders(text);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    report(scalar, err.offset, err.message);
    return [];
  }
  for (const p of found) {
    const problem = scope.problem(p);
    if (problem) report(scalar, p.offset, problem);
  }
  return found;
}

export interface VarDefinition {
  name: string;
  value: string;
  node: YScalar;
}

/** Checks vars (which may use other vars, env and builtins, but not captures) and reports each cycle once,
 *  at the first var of the cycle in file order. */
export function checkVars(vars: readonly VarDefinition[], env: NodeJS.ProcessEnv, report: ReportAt): void {
  const byName = new Map(vars.map((v) => [v.name, v]));
  const scope = new Scope(env, byName.keys());
  const references = new Map<string, string[]>();
  for (const v of vars) {
    const found = checkTemplate(v.node, v.value, scope, report);
    references.set(
      v.name,
      found.map((p) => p.name).filter((n) => byName.has(n)),
    );
  }
  const finished = new Set<string>();
  const reported = new Set<string>();
  const visit = (name: string, trail: string[]): void => {
    if (finished.has(name)) return;
    const at = trail.indexOf(name);
    if (at >= 0) {
      const cycle = trail.slice(at);
      if (cycle.some((n) => reported.has(n))) return;
      cycle.forEach((n) => reported.add(n));
      const first = byName.get(cycle[0]!)!;
      report(first.node, undefined, `variable \`${first.name}\` refers to itself: ${[...cycle, name].join(' → ')}`);
      return;
    }
    for (const next of references.get(name) ?? []) visit(next, [...trail, name]);
    finished.add(name);
  };
  for (const v of vars) visit(v.name, []);
}

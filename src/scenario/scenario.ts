/**
 * One scenario file's YAML tree (plus its suite settings) → a typed Scenario: name, protocol and
 * sessions, targets, timeouts, merged vars, tags and steps. Imports scenario modules only.
 */
import { DEFAULT_SESSION, PROTOCOLS, type Protocol, type Scenario, type SessionSpec, type Step } from './types.js';
import { child, type YMap, type YNode, type YScalar } from './yaml-tree.js';
import type { BuildContext } from './build-context.js';
import { buildSteps, type Sessions } from './steps.js';
import { checkVars, type Scope, type VarDefinition } from './variables.js';
import { varDefinitions, type SuiteSettings } from './suites.js';
import { looksLikeUrl, targetUrlProblem } from './targets.js';
import { BUILTIN_VARIABLES, placeholders, type Placeholder } from './interpolate.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEADLINE_PER_STEP_TIMEOUTS = 5;
const MAX_DEFAULT_DEADLINE_MS = 10 * 60_000;

export interface BuiltScenario {
  scenario: Scenario;
  /** The `name:` value node, for duplicate-name messages. */
  nameNode: YScalar;
}

export function buildScenario(root: YNode, file: string, suite: SuiteSettings, env: NodeJS.ProcessEnv, ctx: BuildContext): BuiltScenario | undefined {
  if (root.kind !== 'map') return undefined; // the schema reported it
  const nameNode = child(root, 'name');
  const name = ctx.string(nameNode);

  const vars = mergeVars(suite.vars, root);
  checkVars(vars, env, ctx.reportAt);
  ctx.startScope(vars.map((v) => v.name));
  for (const v of vars) {
    if (BUILTIN_VARIABLES.includes(v.name) || v.name === 'env') ctx.issue(v.node.span, `\`${v.name}\` is a builtin variable; choose another name`);
  }

  const exclusive = exclusiveKeys(root, suite, ctx);
  const { sessions, declared } = buildSessions(root, ctx);
  const stepNodes = child(root, 'steps');
  const stepItems = stepNodes?.kind === 'seq' ? stepNodes.items : [];
  announceLaterNames(stepItems, ctx.scope);
  const steps: Step[] = buildSteps(stepItems, { sessions, declared }, ctx);

  const timeoutMs = ctx.duration(child(root, 'timeout'), 'timeout', true) ?? suite.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadlineMs =
    ctx.duration(child(root, 'deadline'), 'deadline', true) ??
    suite.deadlineMs ??
    Math.min(DEADLINE_PER_STEP_TIMEOUTS * timeoutMs * Math.max(1, stepItems.length), MAX_DEFAULT_DEADLINE_MS);

  const protocol = sessions[DEFAULT_SESSION]?.protocol ?? Object.values(sessions)[0]?.protocol;
  if (!protocol && declared.size === 0) {
    ctx.issue(root.span, 'a scenario needs `protocol:` (smtp, pop3, imap or http), or `sessions:` with a protocol each');
  }
  if (name === undefined || !protocol || !nameNode) return undefined;

  const description = ctx.string(child(root, 'description'));
  const scenario: Scenario = {
    name,
    ...(description !== undefined && { description }),
    tags: mergeTags(root, suite),
    file,
    span: root.span,
    protocol,
    timeoutMs,
    deadlineMs,
    vars: Object.fromEntries(vars.map((v) => [v.name, v.value])),
    sessions,
    exclusive,
    steps,
  };
  return { scenario, nameNode: nameNode as YScalar };
}

/** A broken template's placeholders: none (ctx.template has reported it). */
function placeholdersOrNone(text: string): Placeholder[] {
  try {
    return placeholders(text);
  } catch {
    return [];
  }
}

/** `exclusive:` keys, the suites' then the file's own: they name something runs share (a mailbox), so they
 *  may use vars and the environment but not per-run builtins. */
function exclusiveKeys(root: YMap, suite: SuiteSettings, ctx: BuildContext): string[] {
  const nodes = [...suite.exclusive, ...ctx.strings(child(root, 'exclusive')).map(({ node }) => node)];
  const keys = nodes.flatMap((node) => {
    const key = ctx.template(node);
    if (key === undefined) return [];
    for (const p of placeholdersOrNone(key)) {
      if (BUILTIN_VARIABLES.includes(p.name)) ctx.reportAt(node, p.offset, `\`exclusive\` keys name what runs share; \${${p.name}} differs from run to run: use vars and \${env.NAME}`);
    }
    return [key];
  });
  return [...new Set(keys)];
}

/** Suite vars (farthest first) then the file's own; a later definition of a name replaces the earlier. */
function mergeVars(suiteVars: readonly VarDefinition[], root: YMap): VarDefinition[] {
  const own = child(root, 'vars');
  const byName = new Map<string, VarDefinition>();
  for (const v of [...suiteVars, ...(own?.kind === 'map' ? varDefinitions(own) : [])]) {
    byName.delete(v.name);
    byName.set(v.name, v);
  }
  return [...byName.values()];
}

function mergeTags(root: YMap, suite: SuiteSettings): string[] {
  const tags = scalarTexts(child(root, 'tags'));
  for (const tag of suite.tags) if (!tags.includes(tag)) tags.push(tag);
  return tags;
}

function scalarTexts(node: YNode | undefined): string[] {
  return node?.kind === 'seq' ? node.items.flatMap((n) => (n.kind === 'scalar' && n.value !== null ? [n.text] : [])) : [];
}

function protocolOf(node: YNode | undefined, ctx: BuildContext): Protocol | undefined {
  const text = ctx.string(node);
  return PROTOCOLS.find((p) => p === text); // anything else was reported by the schema
}

/** Named sessions plus DEFAULT_SESSION when `protocol:` is given; `declared` also holds the names
 *  whose protocol is invalid, so that their steps are not reported again. */
function buildSessions(root: YMap, ctx: BuildContext): Sessions {
  const sessions: Record<string, SessionSpec> = {};
  const declared = new Set<string>();
  const protocolNode = child(root, 'protocol');
  const protocol = protocolOf(protocolNode, ctx);
  if (protocolNode) declared.add(DEFAULT_SESSION);
  const targetNode = child(root, 'target');
  if (protocol) {
    sessions[DEFAULT_SESSION] = withTarget({ protocol }, targetNode, ctx);
  } else if (targetNode && !protocolNode) {
    ctx.issue(targetNode.span, '`target` is the default session\'s, and there is none without `protocol:`; give each session its own target');
  }
  const named = child(root, 'sessions');
  if (named?.kind !== 'map') return { sessions, declared };
  for (const { key, value } of named.entries) {
    if (key.text === DEFAULT_SESSION && protocolNode) {
      ctx.issue(key.span, `session \`${DEFAULT_SESSION}\` is the one \`protocol:\` defines; choose another name`);
      continue;
    }
    declared.add(key.text);
    if (value.kind !== 'map') continue;
    const sessionProtocol = protocolOf(child(value, 'protocol'), ctx);
    if (sessionProtocol) sessions[key.text] = withTarget({ protocol: sessionProtocol }, child(value, 'target'), ctx);
  }
  return { sessions, declared };
}

/** Targets may use vars, env and builtins (sessions open before any capture exists). */
function withTarget(session: SessionSpec, node: YNode | undefined, ctx: BuildContext): SessionSpec {
  const target = ctx.template(node);
  if (target === undefined) return session;
  const hasPlaceholders = target.includes('${');
  if (!hasPlaceholders && looksLikeUrl(target)) {
    const problem = targetUrlProblem(target, session.protocol);
    if (problem) ctx.issue(node!.span, problem);
  }
  return { ...session, target };
}

/** Lets "used before defined" name the step that defines it. */
function announceLaterNames(steps: readonly YNode[], scope: Scope): void {
  steps.forEach((step, index) => {
    if (step.kind !== 'map') return;
    const capture = child(step, 'capture');
    if (capture?.kind === 'map') for (const { key } of capture.entries) scope.announceLater(key.text, index);
    const as = child(step, 'as');
    if (as?.kind === 'scalar') scope.announceLater(as.text, index);
  });
}

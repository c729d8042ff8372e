/**
 * An `audit:` step — `mailprobe audit` checks pinned in a scenario — → a typed AuditStep, with what can be
 * known before anything is sent: every id or glob names a check of the audit's catalogue that runs on a
 * service of the session's protocol (not a domain's DNS checks), levels are the audit's, `match` compiles.
 * Imports scenario/{types,yaml-tree,build-context,issues,step-table} and the audit's pure catalogue.
 */
import { CHECKS, selectChecks } from '../audit/catalogue.js';
import { LEVELS } from '../audit/types.js';
import type { AuditStep, Protocol } from './types.js';
import { child, type YMap, type YNode } from './yaml-tree.js';
import type { BuildContext } from './build-context.js';
import { didYouMean } from './issues.js';
import { EXPECTATION_KEYS, PROTOCOL_NAMES } from './step-table.js';

type Common = Pick<AuditStep, 'index' | 'span' | 'session' | 'expect' | 'timeoutMs'>;

/** What a pinned finding must be when the step names no `level`: the check holds, or states a fact. */
export const DEFAULT_AUDIT_LEVELS = ['pass', 'info'];

/** Why the glob cannot be pinned on a session of `protocol`, or undefined when it can. */
function globProblem(glob: string, protocol: Protocol | undefined): string | undefined {
  const matched = selectChecks([glob], []);
  if (matched.size === 0) {
    const ids = CHECKS.map((check) => check.id);
    return `no audit check \`${glob}\`${didYouMean(glob, ids)}: see \`mailprobe audit --help\` for the ids`;
  }
  const checks = CHECKS.filter((check) => matched.has(check.id));
  if (checks.every((check) => check.scope === 'domain')) return `\`${glob}\` checks a domain's DNS, not a server: run \`mailprobe audit DOMAIN\` instead`;
  // HTTP sessions: STEP_PROTOCOLS already refuses the step.
  if (protocol && protocol !== 'http' && !checks.some((check) => check.scope === 'service' && check.protocols.includes(protocol))) {
    return `\`${glob}\` has no check for ${PROTOCOL_NAMES[protocol]} services`;
  }
  return undefined;
}

/** `audit: tls.versions`, `audit: [tls.versions, tls.certificate-expiry]`, or `audit: { check, level, match }`. */
export function buildAudit(step: YMap, common: Common, protocol: Protocol | undefined, ctx: BuildContext): AuditStep | undefined {
  const node = child(step, 'audit');
  if (!node) return undefined;
  // The step reads findings, not a reply: its own `level` and `match` say what they must be.
  for (const { key } of step.entries) {
    if ((EXPECTATION_KEYS as readonly string[]).includes(key.text)) ctx.issue(key.span, `\`${key.text}\` does not apply to \`audit\` steps: write \`audit: { check, level, match }\``);
  }
  const spec: { check: YNode | undefined; level?: YNode; match?: YNode } = node.kind === 'map' ? { check: child(node, 'check') } : { check: node };
  if (node.kind === 'map') {
    // Unknown keys: the schema reported them.
    const level = child(node, 'level');
    const match = child(node, 'match');
    if (level) spec.level = level;
    if (match) spec.match = match;
  }
  const checks = ctx.strings(spec.check);
  if (checks.length === 0) {
    ctx.issue(spec.check?.span ?? node.span, '`audit` needs a check id or glob (e.g. tls.versions, "relay.*")');
    return undefined;
  }
  let valid = true;
  for (const { text, node: scalar } of checks) {
    const problem = globProblem(text, protocol);
    if (problem) {
      ctx.issue(scalar.span, problem);
      valid = false;
    }
  }
  const levels = spec.level ? ctx.strings(spec.level) : [];
  for (const { text, node: scalar } of levels) {
    if (!(LEVELS as readonly string[]).includes(text)) {
      ctx.issue(scalar.span, `\`${text}\` is not an audit level${didYouMean(text, LEVELS)}: use ${LEVELS.join(', ')}`);
      valid = false;
    }
  }
  const matchText = ctx.string(spec.match);
  const match = matchText === undefined ? undefined : ctx.pattern(spec.match as Parameters<BuildContext['pattern']>[0], matchText).pattern;
  if (!valid) return undefined;
  const built: AuditStep = {
    ...common,
    kind: 'audit',
    checks: checks.map(({ text }) => text),
    levels: levels.length > 0 ? levels.map(({ text }) => text) : DEFAULT_AUDIT_LEVELS,
  };
  return match ? { ...built, match } : built;
}

/**
 * A step's expectation fields (`expect`, `match`, `not_match`, `untagged`, `capture`, `within`) → an
 * Expectation, checked against the session's protocol. Imports scenario/{types,yaml-tree,build-context,
 * step-table,interpolate,pattern}.
 */
import type { Expectation, HeaderCapture, Pattern, Protocol } from './types.js';
import { child, type YMap, type YScalar } from './yaml-tree.js';
import type { BuildContext } from './build-context.js';
import { EXPECTATION_KEYS, PROTOCOL_NAMES, statusProblem } from './step-table.js';
import { BUILTIN_VARIABLES } from './interpolate.js';

const BODY_CAPTURE = 'body';

/** Undefined when the step gives no expectation field. `protocol` undefined: the session is unknown
 *  (already reported), so protocol checks are skipped. */
export function buildExpectation(step: YMap, protocol: Protocol | undefined, ctx: BuildContext): Expectation | undefined {
  if (!step.entries.some(({ key }) => (EXPECTATION_KEYS as readonly string[]).includes(key.text))) return undefined;
  const expectation: Expectation = {
    match: patterns(step, 'match', ctx),
    notMatch: patterns(step, 'not_match', ctx),
    untagged: patterns(step, 'untagged', ctx),
    capture: captures(step, protocol, ctx),
  };
  const headers = headerCaptures(step, protocol, ctx);
  if (Object.keys(headers).length > 0) expectation.captureHeaders = headers;
  const status = statuses(step, protocol, ctx);
  if (status) expectation.status = status;
  const within = ctx.duration(child(step, 'within'), 'within');
  if (within !== undefined) expectation.withinMs = within;
  return expectation;
}

function statuses(step: YMap, protocol: Protocol | undefined, ctx: BuildContext): string[] | undefined {
  const node = child(step, 'expect');
  if (!node) return undefined;
  const items = node.kind === 'seq' ? node.items : [node];
  if (node.kind === 'seq' && items.length === 0) {
    ctx.issue(node.span, '`expect` lists no status');
    return undefined;
  }
  const out: string[] = [];
  for (const item of items) {
    if (item.kind !== 'scalar' || (typeof item.value !== 'string' && typeof item.value !== 'number')) continue;
    const problem = protocol ? statusProblem(protocol, item.value) : undefined;
    if (problem) ctx.issue(item.span, problem);
    out.push(item.text);
  }
  return out;
}

function patterns(step: YMap, key: string, ctx: BuildContext): Pattern[] {
  return ctx.strings(child(step, key)).map(({ text, node }) => ctx.pattern(node, text).pattern);
}

function captures(step: YMap, protocol: Protocol | undefined, ctx: BuildContext): Record<string, Pattern | 'body'> {
  const out: Record<string, Pattern | 'body'> = {};
  const node = child(step, 'capture');
  if (node?.kind !== 'map') return out;
  for (const { key, value } of node.entries) {
    const name = key.text;
    if (BUILTIN_VARIABLES.includes(name) || name === 'env') {
      ctx.issue(key.span, `\`${name}\` is a builtin variable; choose another capture name`);
    }
    const text = ctx.string(value);
    if (text === undefined) continue;
    if (text === BODY_CAPTURE) {
      if (protocol === 'smtp') {
        ctx.issue(value.span, `\`${name}: body\` keeps a POP3 multi-line body or an IMAP literal; ${PROTOCOL_NAMES.smtp} replies have none`);
      }
      out[name] = BODY_CAPTURE;
      continue;
    }
    out[name] = ctx.pattern(value as YScalar, text).pattern;
  }
  return out;
}

/** HTTP `name: { header: NAME, match: /regex/ }`: the header's value, or the regex's first group in it. */
function headerCaptures(step: YMap, protocol: Protocol | undefined, ctx: BuildContext): Record<string, HeaderCapture> {
  const out: Record<string, HeaderCapture> = {};
  const node = child(step, 'capture');
  if (node?.kind !== 'map') return out;
  for (const { key, value } of node.entries) {
    if (value.kind !== 'map') continue;
    if (protocol !== undefined && protocol !== 'http') {
      ctx.issue(value.span, `\`${key.text}: { header: … }\` keeps an HTTP response header; ${PROTOCOL_NAMES[protocol]} replies have none`);
    }
    const header = ctx.string(child(value, 'header'));
    if (header === undefined) continue; // the schema reported it
    const matchNode = child(value, 'match');
    const match = ctx.string(matchNode);
    out[key.text] = match === undefined ? { header } : { header, pattern: ctx.pattern(matchNode as YScalar, match).pattern };
  }
  return out;
}

const NAMED_GROUP = /\(\?<([A-Za-z_$][A-Za-z0-9_$]*)>/g;

/** Names a step's captures define for later steps, as the runner sets them: a regex with named groups
 *  sets one variable per group; otherwise the capture's name gets the first group (or the whole match). */
export function capturedNames(expectation: Expectation | undefined): string[] {
  if (!expectation) return [];
  return [...Object.keys(expectation.captureHeaders ?? {}), ...Object.entries(expectation.capture).flatMap(([name, capture]) => {
    if (capture === BODY_CAPTURE) return [name];
    const groups = [...capture.source.matchAll(NAMED_GROUP)].map((m) => m[1]!);
    return groups.length > 0 ? groups : [name];
  })];
}

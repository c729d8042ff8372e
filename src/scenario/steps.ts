/**
 * One YAML step → one typed Step (see types.ts), with every check a step needs: exactly one action, the
 * session exists, the session's protocol can do this kind and these fields, statuses, mechanisms,
 * durations, regexes, escapes and variables. Imports node:path and scenario modules only.
 */
import { resolve as resolvePath } from 'node:path';
import { DEFAULT_SESSION, type MessageSource, type Protocol, type SessionSpec, type Step, type StepKind } from './types.js';
import { child, entry, toPlain, type YMap, type YNode, type YScalar } from './yaml-tree.js';
import type { BuildContext } from './build-context.js';
import { buildExpectation, capturedNames } from './expectations.js';
import { badHexEscapes } from './escapes.js';
import { exactReference, isVariableName } from './interpolate.js';
import { didYouMean } from './issues.js';
import { buildCondition, buildRetry } from './step-modifiers.js';
import { buildRequest } from './http-request.js';
import { buildAudit } from './audit-step.js';
import {
  ACTION_FIELDS,
  AUTH_MECHANISMS,
  EXPECTATION_KEYS,
  FIELD_PROTOCOLS,
  NO_REPLY_KINDS,
  PROTOCOL_NAMES,
  SESSIONLESS_KINDS,
  STEP_KEYS,
  STEP_PROTOCOLS,
  isActionKey,
  type ActionKey,
} from './step-table.js';

type Common = Pick<Step, 'index' | 'span' | 'session' | 'expect' | 'timeoutMs' | 'when'>;

export interface Sessions {
  /** Sessions with a valid protocol, DEFAULT_SESSION among them when `protocol:` is given. */
  sessions: Readonly<Record<string, SessionSpec>>;
  /** Every session name the scenario declares, valid or not. */
  declared: ReadonlySet<string>;
}

/**
 * Builds a list of step nodes, numbering the steps from `counter.next`. An idle's `during:` steps follow it,
 * flattened (its `during` counts them), and are built before it: they cannot use what the idle captures,
 * which exists only once it ends. They must not use the idling session, nor hold a `during:` of their own.
 */
export function buildSteps(nodes: readonly YNode[], sessions: Sessions, ctx: BuildContext, counter = { next: 0 }): Step[] {
  const steps: Step[] = [];
  for (const node of nodes) {
    const index = counter.next++;
    const duringNode = node.kind === 'map' ? duringOf(node) : undefined;
    const nested = duringNode?.kind === 'seq' ? buildSteps(duringNode.items, sessions, ctx, counter) : [];
    const step = buildStep(node, index, sessions, ctx);
    if (step?.kind !== 'idle' || !duringNode) {
      if (step) steps.push(step);
      continue;
    }
    for (const inner of nested) {
      if (inner.session === step.session) {
        ctx.issue(inner.span, `this step is inside \`during\` of an IDLE on session \`${inner.session}\`: it needs another session (\`session:\`), the idling one only waits`);
      } else if (inner.kind === 'idle' && inner.during !== undefined) {
        ctx.issue(inner.span, '`during` steps cannot hold a `during` of their own');
      }
    }
    steps.push({ ...step, during: nested.length }, ...nested);
  }
  return steps;
}

function duringOf(step: YMap): YNode | undefined {
  const idle = child(step, 'idle');
  return idle?.kind === 'map' ? child(idle, 'during') : undefined;
}

/** Builds the step and, on success, defines its captures and `as:` name in ctx.scope for later steps. */
export function buildStep(
  node: YNode,
  index: number,
  { sessions, declared }: Sessions,
  ctx: BuildContext,
): Step | undefined {
  if (node.kind !== 'map') return undefined; // the schema reported it
  const kind = stepKind(node, ctx);
  if (!kind) return undefined;
  const session = sessionOf(node, kind, declared, ctx);
  const protocol = session ? sessions[session]?.protocol : undefined;
  checkFields(node, kind, protocol, ctx);

  const common: Common = { index, span: node.span, session: session ?? DEFAULT_SESSION };
  const expectation = buildExpectation(node, protocol, ctx);
  if (expectation) common.expect = expectation;
  const timeoutMs = ctx.duration(child(node, 'timeout'), 'timeout', true);
  if (timeoutMs !== undefined) common.timeoutMs = timeoutMs;
  // Before this step's captures are defined: the condition is tested before the step runs.
  const when = buildCondition(node, ctx);
  if (when) common.when = when;
  const retry = buildRetry(node, kind, expectation, ctx);

  const step = buildKind(node, kind, common, protocol, ctx);
  if (step?.kind === 'send' && retry) step.retry = retry;
  for (const name of capturedNames(expectation)) ctx.scope.define(name);
  if (step?.kind === 'message' && step.as !== undefined) ctx.scope.defineMessage(step.as);
  return step;
}

/** The one action key's kind; `read` for expectation fields alone. */
function stepKind(step: YMap, ctx: BuildContext): StepKind | undefined {
  const actions = step.entries.filter(({ key }) => isActionKey(key.text));
  if (actions.length > 1) {
    ctx.issue(actions[1]!.key.span, `a step does one thing: it has both \`${actions[0]!.key.text}\` and \`${actions[1]!.key.text}\``);
    return undefined;
  }
  if (actions.length === 1) return actions[0]!.key.text as ActionKey;
  const reads = step.entries.some(({ key }) => (EXPECTATION_KEYS as readonly string[]).includes(key.text));
  if (reads) return 'read';
  // Unknown keys in such a step were reported by the schema as an unknown step kind.
  if (step.entries.every(({ key }) => STEP_KEYS.includes(key.text))) {
    ctx.issue(step.span, `this step does nothing: give one of send, raw, starttls, auth, message, idle, sleep, close, expect_close, roundtrip, request, audit, or \`expect\``);
  }
  return undefined;
}

/** The step's session name when the scenario declares it (its protocol may still be invalid). */
function sessionOf(step: YMap, kind: StepKind, declared: ReadonlySet<string>, ctx: BuildContext): string | undefined {
  const named = entry(step, 'session');
  const name = named ? ctx.string(named.value) : undefined;
  if (named && name === undefined) return undefined;
  if (name === undefined) {
    if (declared.has(DEFAULT_SESSION) || SESSIONLESS_KINDS.has(kind)) return DEFAULT_SESSION;
    // With no protocol and no sessions at all, the scenario-level issue says it once.
    if (declared.size > 0) ctx.issue(step.span, 'this step names no `session:` and the scenario has no `protocol:` for a default session');
    return undefined;
  }
  if (declared.has(name)) return name;
  const known = [...declared].filter((n) => n !== DEFAULT_SESSION);
  const list = known.length ? `sessions are ${known.join(', ')}` : 'the scenario defines no `sessions:`';
  ctx.issue(named!.value.span, `unknown session \`${name}\`${didYouMean(name, known)}: ${list}`);
  return undefined;
}

/** Fields beside the action: do they belong to this kind and this protocol? */
function checkFields(step: YMap, kind: StepKind, protocol: Protocol | undefined, ctx: BuildContext): void {
  if (protocol && !STEP_PROTOCOLS[kind].includes(protocol)) {
    ctx.issue(step.span, `\`${kind}\` steps are not possible on ${PROTOCOL_NAMES[protocol]} sessions`);
  }
  for (const { key } of step.entries) {
    const owner = ACTION_FIELDS[key.text];
    if (owner && owner !== kind) ctx.issue(key.span, `\`${key.text}\` applies only to \`${owner}\` steps`);
    else if (NO_REPLY_KINDS.has(kind) && (key.text === 'timeout' || (EXPECTATION_KEYS as readonly string[]).includes(key.text))) {
      ctx.issue(key.span, `\`${kind}\` steps read no reply, so \`${key.text}\` does not apply`);
    } else if (protocol && FIELD_PROTOCOLS[key.text] && !FIELD_PROTOCOLS[key.text]!.includes(protocol)) {
      const where = FIELD_PROTOCOLS[key.text]!.map((p) => PROTOCOL_NAMES[p]).join(', ');
      ctx.issue(key.span, `\`${key.text}\` is for ${where} sessions, not ${PROTOCOL_NAMES[protocol]}`);
    }
  }
}

function buildKind(step: YMap, kind: StepKind, common: Common, protocol: Protocol | undefined, ctx: BuildContext): Step | undefined {
  switch (kind) {
    case 'send': {
      const sendNode = child(step, 'send');
      const text = ctx.template(sendNode, true);
      if (text === undefined) return undefined;
      // A block scalar (`send: |`) silently adds a line break; CRLF is the runner's to add.
      if (/[\r\n]/.test(text)) ctx.issue(sendNode!.span, '`send` is one command line without line breaks; use `raw` for several lines');
      const multiline = child(step, 'multiline');
      return multiline?.kind === 'scalar' && typeof multiline.value === 'boolean'
        ? { ...common, kind, text, multiline: multiline.value }
        : { ...common, kind, text };
    }
    case 'raw':
      return buildRaw(step, common, ctx);
    case 'read':
    case 'starttls':
    case 'close':
    case 'expect_close':
      return { ...common, kind };
    case 'auth':
      return buildAuth(step, common, protocol, ctx);
    case 'message':
      return buildMessage(step, common, protocol, ctx);
    case 'idle': {
      const idle = child(step, 'idle');
      if (idle?.kind !== 'map') return undefined;
      const untilNode = child(idle, 'until');
      const until = ctx.string(untilNode);
      if (until === undefined) return undefined;
      const idleTimeoutMs = ctx.duration(child(idle, 'timeout'), 'timeout', true);
      const built = { ...common, kind, until: ctx.pattern(untilNode as YScalar, until).pattern };
      return idleTimeoutMs === undefined ? built : { ...built, idleTimeoutMs };
    }
    case 'sleep': {
      const ms = ctx.duration(child(step, 'sleep'), 'sleep');
      return ms === undefined ? undefined : { ...common, kind, ms };
    }
    case 'roundtrip':
      return buildRoundtrip(step, common, ctx);
    case 'request':
      return buildRequest(step, common, ctx);
    case 'audit':
      return buildAudit(step, common, protocol, ctx);
  }
}

function buildRaw(step: YMap, common: Common, ctx: BuildContext): Step | undefined {
  const node = child(step, 'raw');
  const text = ctx.template(node);
  if (text === undefined) return undefined;
  for (const offset of badHexEscapes(text)) {
    ctx.reportAt(node as YScalar, offset, '`\\x` needs two hex digits (e.g. \\x0d); write `\\\\x` for a literal backslash');
  }
  return { ...common, kind: 'raw', text };
}

function buildAuth(step: YMap, common: Common, protocol: Protocol | undefined, ctx: BuildContext): Step | undefined {
  const auth = child(step, 'auth');
  if (auth?.kind !== 'map') return undefined;
  const mechanismNode = child(auth, 'mechanism');
  const mechanism = ctx.string(mechanismNode)?.toUpperCase();
  const username = ctx.template(child(auth, 'username'), true);
  const password = ctx.template(child(auth, 'password'), true);
  const authzid = ctx.template(child(auth, 'authzid'), true);
  if (mechanism === undefined || username === undefined || password === undefined) return undefined;
  const supported = AUTH_MECHANISMS[mechanism];
  if (!supported) {
    const known = Object.keys(AUTH_MECHANISMS);
    ctx.issue(mechanismNode!.span, `unknown mechanism \`${mechanism}\`${didYouMean(mechanism, known)}: use ${known.join(', ')}`);
  } else if (protocol && !supported.includes(protocol)) {
    ctx.issue(mechanismNode!.span, `mechanism ${mechanism} is for ${supported.map((p) => PROTOCOL_NAMES[p]).join(', ')}, not ${PROTOCOL_NAMES[protocol]}`);
  }
  const built = { ...common, kind: 'auth' as const, mechanism, username, password };
  return authzid === undefined ? built : { ...built, authzid };
}

const SOURCE_KEYS = ['raw', 'file', 'mime'];
/** What a MIME part is made of: text, a file, parts (a multipart) or an enclosed message (message/rfc822). */
const PART_SOURCE_KEYS = ['content', 'file', 'parts', 'message'];

function buildMessage(step: YMap, common: Common, protocol: Protocol | undefined, ctx: BuildContext): Step | undefined {
  const message = child(step, 'message');
  if (message?.kind !== 'map') return undefined;
  const given = message.entries.filter(({ key }) => SOURCE_KEYS.includes(key.text));
  if (given.length !== 1) {
    ctx.issue(given[1]?.key.span ?? message.span, '`message` needs exactly one of raw, file, mime');
    return undefined;
  }
  const source = messageSource(given[0]!.key.text, given[0]!.value, ctx);
  const mailboxNode = child(step, 'mailbox');
  const mailbox = ctx.template(mailboxNode);
  if (protocol === 'imap' && !mailboxNode) ctx.issue(step.span, 'IMAP `message` steps (APPEND) need `mailbox:`');
  const asNode = child(step, 'as');
  const as = ctx.string(asNode);
  if (as !== undefined && !isVariableName(as)) {
    ctx.issue(asNode!.span, `\`as: ${as}\` is not a valid variable name: use letters, digits and _`);
  }
  if (!source) return undefined;
  const flagsNode = child(step, 'flags');
  const flags = ctx.strings(flagsNode).flatMap(({ node }) => ctx.template(node) ?? []);
  const chunking = child(step, 'chunking');
  return {
    ...common,
    kind: 'message',
    source,
    ...(as !== undefined && { as }),
    ...(chunking?.kind === 'scalar' && typeof chunking.value === 'boolean' && { chunking: chunking.value }),
    ...(mailbox !== undefined && { mailbox }),
    ...(flagsNode && { flags }),
  };
}

function messageSource(key: string, node: YNode, ctx: BuildContext): MessageSource | undefined {
  if (key === 'raw') {
    const text = ctx.template(node);
    return text === undefined ? undefined : { kind: 'raw', text };
  }
  if (key === 'file') {
    const path = filePath(node, 'message file', ctx);
    return path === undefined ? undefined : { kind: 'file', path };
  }
  if (node.kind !== 'map') return undefined;
  checkMimeTemplates(node, ctx);
  return { kind: 'mime', spec: resolveMimeFiles(node, ctx) as Record<string, unknown> };
}

/** Keys of a MIME spec (or of one of its parts) that hold parts, and one that holds an enclosed message. */
const PART_LIST_KEYS = ['attachments', 'parts'];
const PART_KEYS = ['body'];
const MESSAGE_KEY = 'message';

/** The plain spec, with every part's `file:` resolved against the scenario file, at any depth. */
function resolveMimeFiles(spec: YMap, ctx: BuildContext): unknown {
  const plain = toPlain(spec) as Record<string, unknown>;
  for (const { key, value } of spec.entries) {
    if (PART_LIST_KEYS.includes(key.text) && value.kind === 'seq') plain[key.text] = value.items.map((item) => resolvePart(item, ctx));
    else if (PART_KEYS.includes(key.text)) plain[key.text] = resolvePart(value, ctx);
  }
  return plain;
}

/** A part needs exactly one source; a multipart's parts and an enclosed message are resolved in turn. */
function resolvePart(node: YNode, ctx: BuildContext): unknown {
  if (node.kind !== 'map') return toPlain(node);
  const plain = toPlain(node) as Record<string, unknown>;
  const sources = node.entries.filter(({ key }) => PART_SOURCE_KEYS.includes(key.text));
  if (sources.length !== 1) {
    ctx.issue(sources[1]?.key.span ?? node.span, `a MIME part needs exactly one of ${PART_SOURCE_KEYS.join(', ')}`);
    return plain;
  }
  const { key, value } = sources[0]!;
  if (key.text === 'file') {
    const path = filePath(value, 'attachment', ctx);
    if (path !== undefined) plain['file'] = path;
  } else if (key.text === 'parts' && value.kind === 'seq') {
    plain['parts'] = value.items.map((item) => resolvePart(item, ctx));
  } else if (key.text === MESSAGE_KEY && value.kind === 'map') {
    plain[MESSAGE_KEY] = resolveMimeFiles(value, ctx);
  }
  return plain;
}

function filePath(node: YNode, what: string, ctx: BuildContext): string | undefined {
  const text = ctx.string(node);
  if (text === undefined) return undefined;
  const path = resolvePath(ctx.dir, text);
  ctx.fileReferences.push({ path, span: node.span, what });
  return path;
}

/** Every string of a MIME spec may hold placeholders, except attachment file paths. */
function checkMimeTemplates(node: YNode, ctx: BuildContext, key?: string): void {
  if (node.kind === 'scalar') {
    if (key !== 'file') ctx.template(node);
  } else if (node.kind === 'seq') {
    node.items.forEach((item) => checkMimeTemplates(item, ctx));
  } else {
    node.entries.forEach(({ key: k, value }) => checkMimeTemplates(value, ctx, k.text));
  }
}

function buildRoundtrip(step: YMap, common: Common, ctx: BuildContext): Step | undefined {
  const node = child(step, 'roundtrip');
  if (node?.kind !== 'map') return undefined;
  // A side is one kept message, or a list of kept message/partial fragments (RFC 2046 §5.2.2).
  const reference = (valueNode: YNode | undefined, what: string, example: string): string | undefined => {
    const text = ctx.template(valueNode);
    if (text !== undefined && exactReference(text) === undefined) {
      ctx.issue(valueNode!.span, `\`${what}\` must be one variable holding a message, e.g. "\${${example}}"`);
    }
    return text;
  };
  const side = (key: 'sent' | 'received'): string | string[] | undefined => {
    const valueNode = child(node, key);
    if (valueNode?.kind !== 'seq') return reference(valueNode, key, key);
    const items = valueNode.items.map((item, i) => reference(item, `${key}[${i}]`, `fragment${i + 1}`));
    return items.every((item): item is string => item !== undefined) && items.length > 0 ? items : undefined;
  };
  const sent = side('sent');
  const received = side('received');
  if (sent === undefined || received === undefined) return undefined;
  const mode = ctx.string(child(node, 'mode')) === 'structural' ? 'structural' : 'exact';
  const ignoreHeaders = ctx.strings(child(node, 'ignore_headers')).map(({ text }) => text);
  return { ...common, kind: 'roundtrip', sent, received, mode, ignoreHeaders };
}

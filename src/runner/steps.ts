/**
 * Turns an interpolated scenario step into the action a protocol engine performs, and names steps for
 * reports. Never reads a secret into a label: labels come from the templates as written.
 */
import { readFile } from 'node:fs/promises';
import type { MessageSource, Pattern, Step } from '../scenario/types.js';
import type { StepAction } from '../protocols/types.js';
import { unescapeRaw } from '../scenario/escapes.js';
import { compilePattern } from '../scenario/pattern.js';
import { normalizeCrlf } from '../mime/message.js';
import { buildMessage, filesOf, parseMessageSpec } from '../mime/index.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';
import { credentialValues } from '../protocols/http/headers.js';
import type { Scope } from './scope.js';

const LABEL_MAX = 72;
/** Labels come from the templates as written, so each step's is rendered once, not at every run. */
const labels = new WeakMap<Step, string>();

function clip(text: string): string {
  const oneLine = JSON.stringify(text).slice(1, -1);
  return oneLine.length > LABEL_MAX ? `${oneLine.slice(0, LABEL_MAX - 1)}…` : oneLine;
}

export function stepLabel(step: Step): string {
  let label = labels.get(step);
  if (label === undefined) labels.set(step, (label = renderLabel(step)));
  return label;
}

function renderLabel(step: Step): string {
  switch (step.kind) {
    case 'send':
      return `send: ${clip(step.text)}`;
    case 'raw':
      return `raw: ${clip(step.text)}`;
    case 'read':
      return step.expect?.status ? `expect: ${step.expect.status.join(' | ')}` : 'expect';
    case 'starttls':
      return 'starttls';
    case 'auth':
      return `auth: ${step.mechanism} ${clip(step.username)}`;
    case 'message':
      return `message: ${step.source.kind}${step.as ? ` as ${step.as}` : ''}`;
    case 'idle':
      return `idle until /${step.until.source}/`;
    case 'sleep':
      return `sleep: ${step.ms}ms`;
    case 'close':
      return 'close';
    case 'expect_close':
      return 'expect_close';
    case 'roundtrip':
      return `roundtrip: ${step.mode}`;
    case 'request':
      return `request: ${step.method} ${clip(step.path)}`;
    case 'audit':
      return `audit: ${step.checks.join(', ')}`;
  }
}

/** Regexes of patterns without placeholders, compiled once: a load checks the same patterns at every run. */
const compiled = new WeakMap<Pattern, RegExp>();

/** The pattern's regex for its interpolated source; a shared one is rewound (g and y flags keep lastIndex). */
export function patternRegex(p: Pattern, interpolated: string): RegExp {
  if (interpolated !== p.source) return compilePattern(p, interpolated);
  let re = compiled.get(p);
  if (re === undefined) compiled.set(p, (re = compilePattern(p, interpolated)));
  re.lastIndex = 0;
  return re;
}

/**
 * The message's exact bytes as they will be sent (CRLF line endings). `stepIndex` seeds a built message.
 * A raw message comes back at once, not as a promise: a load builds one at every run.
 */
export function messageBytes(source: MessageSource, scope: Scope, stepIndex = 0): Buffer | Promise<Buffer> {
  switch (source.kind) {
    case 'raw':
      return normalizeCrlf(Buffer.from(scope.text(source.text), 'utf8'));
    case 'file':
      return fileBytes(source.path);
    case 'mime':
      return mimeBytes(source.spec, scope, stepIndex);
  }
}

async function fileBytes(path: string): Promise<Buffer> {
  try {
    return normalizeCrlf(await readFile(path));
  } catch (err) {
    throw new MailprobeError(ErrorCode.CONFIG, `cannot read message file ${path}: ${(err as Error).message}`);
  }
}

/** Every string of a MIME spec interpolated, except attachment file paths (the loader resolved those). */
function interpolateSpec(value: unknown, scope: Scope, key?: string): unknown {
  if (typeof value === 'string') return key === 'file' ? value : scope.text(value);
  if (Array.isArray(value)) return value.map((item) => interpolateSpec(item, scope));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateSpec(v, scope, k)]));
  }
  return value;
}

/**
 * The MIME builder's message. The seed is the run's UUID with the step, so each run and each step gets
 * its own boundaries and Message-ID; message/partial fragments share the whole message's seed instead (the
 * spec without its fragment number), so that the steps sending fragments 1…N cut the same message.
 */
async function mimeBytes(rawSpec: Record<string, unknown>, scope: Scope, stepIndex: number): Promise<Buffer> {
  const spec = parseMessageSpec(interpolateSpec(rawSpec, scope));
  const files = new Map<string, Buffer>();
  for (const path of filesOf(spec)) {
    if (files.has(path)) continue;
    try {
      files.set(path, await readFile(path));
    } catch (err) {
      throw new MailprobeError(ErrorCode.CONFIG, `cannot read attachment ${path}: ${(err as Error).message}`);
    }
  }
  const uuid = scope.text('${uuid}');
  const seed = spec.partial ? `${uuid} partial ${JSON.stringify({ ...spec, partial: { ...spec.partial, number: 0 } })}` : `${uuid} step ${stepIndex}`;
  return buildMessage(spec, { seed, files });
}

type ProtocolStep = Exclude<Step, { kind: 'sleep' | 'roundtrip' | 'audit' }>;

/**
 * Interpolates a protocol step into its action. Auth passwords are returned for masking. Only a message read
 * from a file or built from a MIME spec comes as a promise: the other actions are made on the spot.
 */
export function toAction(step: ProtocolStep, scope: Scope, defaultIdleMs: number): StepAction | Promise<StepAction> {
  switch (step.kind) {
    case 'send':
      return step.multiline === undefined
        ? { kind: 'send', text: scope.text(step.text) }
        : { kind: 'send', text: scope.text(step.text), multiline: step.multiline };
    case 'raw':
      return { kind: 'raw', bytes: unescapeRaw(scope.text(step.text)), read: step.expect !== undefined };
    case 'read':
    case 'starttls':
    case 'close':
    case 'expect_close':
      return { kind: step.kind };
    case 'auth': {
      const action: StepAction = {
        kind: 'auth',
        mechanism: step.mechanism,
        username: scope.text(step.username),
        password: scope.text(step.password),
      };
      if (step.authzid !== undefined) action.authzid = scope.text(step.authzid);
      return action;
    }
    case 'message': {
      const bytes = messageBytes(step.source, scope, step.index);
      return bytes instanceof Promise ? bytes.then((built) => messageAction(step, built, scope)) : messageAction(step, bytes, scope);
    }
    case 'idle':
      return {
        kind: 'idle',
        until: patternRegex(step.until, scope.text(step.until.source)),
        idleTimeoutMs: step.idleTimeoutMs ?? defaultIdleMs,
      };
    case 'request': {
      const action: StepAction = {
        kind: 'request',
        method: step.method,
        path: scope.text(step.path),
        headers: step.headers.map(([name, value]) => [name, scope.text(value)]),
      };
      if (step.body !== undefined) action.body = Buffer.from(scope.text(step.body), 'utf8');
      return action;
    }
  }
}

function messageAction(step: Extract<ProtocolStep, { kind: 'message' }>, bytes: Buffer, scope: Scope): StepAction {
  const action: StepAction = { kind: 'message', bytes };
  if (step.chunking !== undefined) action.chunking = step.chunking;
  if (step.mailbox !== undefined) action.mailbox = scope.text(step.mailbox);
  if (step.flags !== undefined) action.flags = step.flags.map((f) => scope.text(f));
  return action;
}

/** Values an action sends that must be masked wherever they appear: passwords, credential headers. */
export function actionSecrets(action: StepAction): string[] {
  if (action.kind === 'auth') return [action.password];
  return action.kind === 'request' ? credentialValues(action.headers) : [];
}

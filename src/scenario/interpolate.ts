/**
 * `${name}` placeholders in scenario strings: listing them (the loader checks each names something that
 * will exist) and replacing them (the runner, once captures exist). Syntax: `${name}`, `${a.b}`,
 * `${env.NAME}`, `${name:-default}` (default used when the value is unset or empty, as in sh). A `$` not
 * followed by `{` is literal; braces do not nest. Imports util/errors only.
 */
import { ErrorCode, MailprobeError } from '../util/errors.js';

export interface KeptMessage {
  bytes: Buffer;
  messageId?: string;
}
export type VarValue = string | KeptMessage;
/** Name as written: "user", "sent.messageId", "env.HOME", "uuid". */
export type Resolver = (name: string) => VarValue | undefined;

/** Always available: one UUID per scenario run, run-wide counter, virtual user, iteration, ISO time. */
export const BUILTIN_VARIABLES: readonly string[] = ['uuid', 'seq', 'vu', 'iteration', 'now'];

const SEGMENT = '[A-Za-z_][A-Za-z0-9_]*';
const NAME = new RegExp(`^${SEGMENT}(?:\\.${SEGMENT})*$`);
const SIMPLE_NAME = new RegExp(`^${SEGMENT}$`);
const DEFAULT_SEPARATOR = ':-';

/** A malformed placeholder; `offset` is where in the template it starts. */
export class TemplateError extends MailprobeError {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(ErrorCode.SCENARIO, message);
    this.name = 'TemplateError';
    this.offset = offset;
  }
}

export interface Placeholder {
  name: string;
  fallback?: string;
  /** Offset of the `$` in the template. */
  offset: number;
}

/** A name a user may define (vars key, `capture:` name, `as:` name): no dots. */
export function isVariableName(name: string): boolean {
  return SIMPLE_NAME.test(name);
}

/** Every placeholder in order. Throws TemplateError for `${` without `}`, an empty or invalid name, or a
 *  `${` inside a placeholder. */
export function placeholders(template: string): Placeholder[] {
  const found: Placeholder[] = [];
  let from = 0;
  for (;;) {
    const offset = template.indexOf('${', from);
    if (offset < 0) return found;
    const close = template.indexOf('}', offset + 2);
    if (close < 0) throw new TemplateError(`unterminated \${ (no closing })`, offset);
    const body = template.slice(offset + 2, close);
    if (body.includes('${')) throw new TemplateError('`${` inside a placeholder: placeholders do not nest', offset);
    const separator = body.indexOf(DEFAULT_SEPARATOR);
    const name = separator < 0 ? body : body.slice(0, separator);
    if (!NAME.test(name)) throw new TemplateError(`invalid variable name in \${${body}}`, offset);
    found.push(separator < 0 ? { name, offset } : { name, fallback: body.slice(separator + 2), offset });
    from = close + 1;
  }
}

/** "${sent}" (the whole string is one placeholder, no default) → "sent"; else undefined. */
export function exactReference(template: string): string | undefined {
  if (!template.startsWith('${') || !template.endsWith('}')) return undefined;
  try {
    const [only, ...rest] = placeholders(template);
    const whole = only && rest.length === 0 && only.fallback === undefined && template.length === only.name.length + 3;
    return whole ? only.name : undefined;
  } catch {
    return undefined;
  }
}

/** Replaces every placeholder; a KeptMessage becomes its bytes as latin1 (one char per byte). Throws
 *  MailprobeError(CONFIG) for an unknown variable without default, TemplateError for bad syntax. */
export function interpolate(template: string, resolve: Resolver): string {
  const found = placeholders(template);
  if (found.length === 0) return template;
  let out = '';
  let from = 0;
  for (const { name, fallback, offset } of found) {
    out += template.slice(from, offset);
    const value = resolve(name);
    const text = value === undefined ? undefined : typeof value === 'string' ? value : value.bytes.toString('latin1');
    if (fallback !== undefined && (text === undefined || text === '')) out += fallback;
    else if (text === undefined) throw new MailprobeError(ErrorCode.CONFIG, `unknown variable \${${name}}`);
    else out += text;
    from = template.indexOf('}', offset) + 1;
  }
  return out + template.slice(from);
}

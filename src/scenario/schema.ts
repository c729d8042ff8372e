/**
 * Checks a YAML tree against schema/scenario.schema.json with ajv and turns ajv's errors into issues at
 * the offending node, in plain sentences naming the key ("unknown key `expct` (did you mean `expect`?)").
 * Imports ajv, node:fs, and scenario/{yaml-tree,issues,step-table,types}.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { toPlain, nodeAt, entry, type YNode } from './yaml-tree.js';
import { didYouMean, type LoadIssue } from './issues.js';
import { ACTION_KEYS, EXPECTATION_KEYS, STEP_KEYS, isActionKey } from './step-table.js';

/** The schema file ships beside src/ and dist/ (both two levels below the package root). */
const SCHEMA_URL = new URL('../../schema/scenario.schema.json', import.meta.url);

export type SchemaKind = 'scenario' | 'suite' | 'targets';
const SCHEMA_REFS: Record<SchemaKind, string> = {
  scenario: 'scenario',
  suite: 'scenario#/definitions/suite',
  targets: 'scenario#/definitions/targets',
};

let validators: Record<SchemaKind, ValidateFunction> | undefined;

function validator(kind: SchemaKind): ValidateFunction {
  if (!validators) {
    const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true });
    ajv.addSchema(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object, 'scenario');
    const get = (ref: string): ValidateFunction => {
      const fn = ajv.getSchema(ref);
      if (!fn) throw new Error(`schema ${ref} missing`);
      return fn;
    };
    validators = { scenario: get(SCHEMA_REFS.scenario), suite: get(SCHEMA_REFS.suite), targets: get(SCHEMA_REFS.targets) };
  }
  return validators[kind];
}

export function validateAgainstSchema(kind: SchemaKind, root: YNode): LoadIssue[] {
  const validate = validator(kind);
  if (validate(toPlain(root))) return [];
  return (validate.errors ?? []).flatMap((error) => {
    const issue = describe(error, root, kind);
    return issue ? [issue] : [];
  });
}

function pathOf(error: ErrorObject): string[] {
  if (!error.instancePath) return [];
  return error.instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** "`expect`", "`tags[1]`", or the file's kind at the root. */
function label(path: readonly string[], kind: SchemaKind): string {
  let index = '';
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i]!;
    if (/^\d+$/.test(segment)) {
      index = `[${segment}]${index}`;
      continue;
    }
    return segment === 'steps' && index ? `step ${Number(index.slice(1, -1)) + 1}` : `\`${segment}${index}\``;
  }
  return kind === 'scenario' ? 'a scenario file' : kind === 'suite' ? 'suite.yaml' : 'targets.yaml';
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  null: 'empty',
};

function typeOf(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value} ${String(value)}`;
}

function orList(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function describe(error: ErrorObject, root: YNode, kind: SchemaKind): LoadIssue | undefined {
  // propertyNames reports once for the name and once for its inner pattern; keep the first.
  if (error.propertyName !== undefined) return undefined;
  const path = pathOf(error);
  const node = nodeAt(root, path);
  const at = (message: string): LoadIssue => ({ span: node.span, message });
  const what = label(path, kind);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return unknownKey(String(params['additionalProperty']), node, path, error);
    case 'propertyNames': {
      const name = String(params['propertyName']);
      const keyNode = node.kind === 'map' ? entry(node, name)?.key : undefined;
      return {
        span: keyNode?.span ?? node.span,
        message: `\`${name}\` is not a valid name: use letters, digits and _ (not starting with a digit)`,
      };
    }
    case 'required':
      return at(`${what} needs \`${String(params['missingProperty'])}\``);
    case 'type': {
      const types = ([] as string[]).concat(params['type'] as string | string[]);
      return at(`${what} must be ${orList(types.map((t) => TYPE_WORDS[t] ?? t))}, not ${typeOf(error.data)}`);
    }
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map(String);
      if (allowed.length === 1) return at(`${what} must be ${allowed[0]!}`);
      return at(`${what} must be one of ${allowed.join(', ')}${didYouMean(String(error.data), allowed)}`);
    }
    case 'minItems':
      return at(`${what} must not be empty`);
    case 'minLength':
      return at(`${what} must not be empty`);
    default:
      return at(`${what} ${error.message ?? 'is not valid'}`);
  }
}

/** Fields that belong on the step, not inside its action's mapping. */
const STEP_LEVEL_HINTS: Record<string, string> = {
  message: 'as chunking mailbox flags',
  idle: 'session expect',
  auth: 'session expect',
};

function unknownKey(key: string, mapNode: YNode, path: readonly string[], error: ErrorObject): LoadIssue {
  const keyNode = mapNode.kind === 'map' ? entry(mapNode, key)?.key : undefined;
  const span = keyNode?.span ?? mapNode.span;
  const parentSchema = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
  const allowed = Object.keys(parentSchema?.properties ?? {});
  const isStep = path.length === 2 && path[0] === 'steps';
  if (isStep && mapNode.kind === 'map' && !hasActionOrExpectation(mapNode)) {
    return {
      span,
      message:
        `unknown step kind \`${key}\`${didYouMean(key, STEP_KEYS)}: ` +
        `a step needs one of ${ACTION_KEYS.join(', ')} (or \`expect\` alone to read a reply)`,
    };
  }
  const parent = path[path.length - 1];
  if (parent && STEP_LEVEL_HINTS[parent]?.split(' ').includes(key)) {
    return { span, message: `\`${key}\` belongs on the step, beside \`${parent}:\`, not inside it` };
  }
  return { span, message: `unknown key \`${key}\`${didYouMean(key, allowed)}` };
}

function hasActionOrExpectation(step: YNode): boolean {
  if (step.kind !== 'map') return false;
  return step.entries.some(
    ({ key }) => isActionKey(key.text) || (EXPECTATION_KEYS as readonly string[]).includes(key.text),
  );
}

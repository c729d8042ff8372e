import t from 'tap';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { validateAgainstSchema } from '../../src/scenario/schema.js';
import { parseYaml } from '../../src/scenario/yaml-tree.js';

const schemaText = readFileSync(new URL('../../schema/scenario.schema.json', import.meta.url), 'utf8');
const schema = JSON.parse(schemaText) as Record<string, unknown>;

t.test('the schema is draft-07 and compiles in strict mode', async (t) => {
  t.equal(schema['$schema'], 'http://json-schema.org/draft-07/schema#');
  const ajv = new Ajv({ strict: true, allowUnionTypes: true });
  t.doesNotThrow(() => ajv.compile(schema));
});

t.test('every property has a description (editors show them)', async (t) => {
  const missing: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    const properties = obj['properties'];
    if (properties && typeof properties === 'object') {
      for (const [key, value] of Object.entries(properties)) {
        if (typeof (value as Record<string, unknown>)['description'] !== 'string') missing.push(`${path}.${key}`);
      }
    }
    for (const [key, value] of Object.entries(obj)) walk(value, `${path}.${key}`);
  };
  walk(schema, '$');
  t.same(missing, []);
});

const messages = (yaml: string, kind: 'scenario' | 'suite' | 'targets' = 'scenario') =>
  validateAgainstSchema(kind, parseYaml(yaml, 'f.yaml').root!).map((i) => `${i.span.line}:${i.span.column} ${i.message}`);

t.test('ajv errors become plain sentences at the node', async (t) => {
  t.same(messages('name: x\nprotocl: smtp\nsteps: [{expect: 220}]\n'), ['2:1 unknown key `protocl` (did you mean `protocol`?)']);
  t.same(messages('name: x\nsteps: []\n'), ['2:8 `steps` must not be empty']);
  t.same(messages('name: x\nsteps:\n  - send: [a]\n'), ['3:11 `send` must be a string or a number, not a list']);
  t.same(messages('name: x\nsteps:\n  - auth: { mechanism: PLAIN, user: a, password: b }\n'), [
    '3:11 `auth` needs `username`',
    '3:31 unknown key `user` (did you mean `username`?)',
  ]);
  t.same(messages('name: x\nsteps:\n  - message: { raw: x }\n    mailbx: INBOX\n'), [
    '4:5 unknown key `mailbx` (did you mean `mailbox`?)',
  ]);
  t.same(messages('name: x\nsteps: [{roundtrip: {sent: a, received: b, mode: exakt}}]\n'), [
    '2:50 `mode` must be one of exact, structural (did you mean `exact`?)',
  ]);
  t.same(messages('name: x\nsteps: [5]\n'), ['2:9 step 1 must be a mapping (key: value), not number 5']);
  t.same(messages('name: x\nsessions: { "a b": { protocol: smtp } }\nsteps: [{expect: 220}]\n'), [
    '2:13 `a b` is not a valid name: use letters, digits and _ (not starting with a digit)',
  ]);
  t.same(messages('[1]\n'), ['1:1 a scenario file must be a mapping (key: value), not a list']);
});

t.test('suite.yaml and targets.yaml have their own shapes', async (t) => {
  t.same(messages('vars: { a: b }\ntags: [x]\ntimeout: 2s\ntargets: { smtp: "smtp://h" }\n', 'suite'), []);
  t.same(messages('protocol: smtp\n', 'suite'), ['1:1 unknown key `protocol`']);
  t.same(messages('smtp: [x]\n', 'targets'), ['1:7 `smtp` must be a string, not a list']);
});

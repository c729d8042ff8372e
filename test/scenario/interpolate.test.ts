import t from 'tap';
import fc from 'fast-check';
import {
  BUILTIN_VARIABLES,
  TemplateError,
  exactReference,
  interpolate,
  isVariableName,
  placeholders,
  type VarValue,
} from '../../src/scenario/interpolate.js';
import { ErrorCode, MailprobeError } from '../../src/util/errors.js';

const values: Record<string, VarValue> = {
  user: 'alice',
  'env.HOME': '/home/alice',
  'env.EMPTY': '',
  sent: { bytes: Buffer.from([0x48, 0x69, 0xe9, 0x0d, 0x0a]), messageId: '<m1@x>' },
};
const resolve = (name: string): VarValue | undefined => values[name];

t.test('placeholders lists names, defaults and offsets', async (t) => {
  t.same(placeholders('MAIL FROM:<${user}> ${env.X:-d e f} ${a.b}'), [
    { name: 'user', offset: 11 },
    { name: 'env.X', fallback: 'd e f', offset: 20 },
    { name: 'a.b', offset: 36 },
  ]);
  t.same(placeholders('no placeholders, $ alone, $x, $(y), ${'.slice(0, -2)), []);
  t.same(placeholders('${x:-}'), [{ name: 'x', fallback: '', offset: 0 }], 'an empty default is a default');
});

t.test('placeholders rejects broken syntax with the offset of the `$`', async (t) => {
  const cases: Array<[string, number, RegExp]> = [
    ['a ${user', 2, /unterminated/],
    ['${}', 0, /invalid variable name/],
    ['x ${a b}', 2, /invalid variable name/],
    ['${1abc}', 0, /invalid variable name/],
    ['${a${b}}', 0, /do not nest/],
    ['${env.X:-${y}}', 0, /do not nest/],
  ];
  for (const [template, offset, message] of cases) {
    try {
      placeholders(template);
      t.fail(`no error for ${template}`);
    } catch (err) {
      t.type(err, TemplateError, template);
      t.equal((err as TemplateError).offset, offset, template);
      t.match((err as TemplateError).message, message, template);
      t.equal((err as TemplateError).code, ErrorCode.SCENARIO);
    }
  }
});

t.test('interpolate replaces variables, env and defaults', async (t) => {
  t.equal(interpolate('MAIL FROM:<${user}>', resolve), 'MAIL FROM:<alice>');
  t.equal(interpolate('${env.HOME}/x', resolve), '/home/alice/x');
  t.equal(interpolate('${env.UNSET:-fallback}', resolve), 'fallback');
  t.equal(interpolate('${env.EMPTY:-fallback}', resolve), 'fallback', 'empty counts as unset, as in sh');
  t.equal(interpolate('${user:-other}', resolve), 'alice', 'a set value wins over the default');
  t.equal(interpolate('cost $5, ${user}$', resolve), 'cost $5, alice$', '`$` not followed by `{` is literal');
  t.equal(interpolate('{${user}}', resolve), '{alice}');
  t.equal(interpolate('no vars', () => undefined), 'no vars');
});

t.test('interpolate does not rescan substituted text', async (t) => {
  t.equal(interpolate('${a}', (n) => (n === 'a' ? '${b}' : 'B')), '${b}');
});

t.test('a kept message becomes its bytes as latin1', async (t) => {
  const text = interpolate('${sent}', resolve);
  t.same(Buffer.from(text, 'latin1'), (values.sent as { bytes: Buffer }).bytes);
});

t.test('an unknown variable without default is a CONFIG error', async (t) => {
  t.throws(() => interpolate('x ${nope} y', resolve), new MailprobeError(ErrorCode.CONFIG, 'unknown variable ${nope}'));
  try {
    interpolate('${nope}', resolve);
  } catch (err) {
    t.equal((err as MailprobeError).code, ErrorCode.CONFIG);
  }
});

t.test('exactReference', async (t) => {
  t.equal(exactReference('${sent}'), 'sent');
  t.equal(exactReference('${sent.messageId}'), 'sent.messageId');
  t.equal(exactReference(' ${sent}'), undefined);
  t.equal(exactReference('${a}${b}'), undefined);
  t.equal(exactReference('${a:-x}'), undefined);
  t.equal(exactReference('${a'), undefined);
  t.equal(exactReference('sent'), undefined);
});

t.test('isVariableName and builtins', async (t) => {
  t.ok(isVariableName('user_1'));
  t.notOk(isVariableName('a.b'));
  t.notOk(isVariableName('1a'));
  t.same([...BUILTIN_VARIABLES].sort(), ['iteration', 'now', 'seq', 'uuid', 'vu']);
});

t.test('text without `${` is returned unchanged', async () => {
  fc.assert(
    fc.property(fc.string().filter((s) => !s.includes('${')), (s) => interpolate(s, () => undefined) === s),
  );
});

t.test('placeholder offsets point at each `${`', async () => {
  const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/);
  const literal = fc.string().map((s) => s.replace(/[$}]/g, ''));
  fc.assert(
    fc.property(fc.array(fc.tuple(literal, name)), literal, (parts, tail) => {
      const template = parts.map(([lit, n]) => `${lit}\${${n}}`).join('') + tail;
      const found = placeholders(template);
      return (
        found.length === parts.length &&
        found.every((p, i) => p.name === parts[i]![1] && template.startsWith(`\${${p.name}}`, p.offset))
      );
    }),
  );
});

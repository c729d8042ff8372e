import t from 'tap';
import { child, nodeAt, parseYaml, spanWithin, toPlain, type YMap, type YScalar } from '../../src/scenario/yaml-tree.js';

const at = (node: { span: { line: number; column: number } } | undefined): string =>
  node ? `${node.span.line}:${node.span.column}` : 'missing';

t.test('every node knows its 1-based line and column', async (t) => {
  const source = [
    '# comment',
    'name: x',
    'steps:',
    '  - expect: 220',
    '  - { send: "EHLO a", expect: [250, \'2xx\'] }',
    '  - raw: |',
    '      line',
    '',
  ].join('\n');
  const { root, issues } = parseYaml(source, 'f.yaml');
  t.same(issues, []);
  const map = root as YMap;
  t.equal(at(map), '2:1', 'a block mapping starts at its first key');
  t.equal(at(child(map, 'name')), '2:7');
  t.equal(at(nodeAt(map, ['steps'])), '4:3', 'a block sequence starts at its first dash');
  t.equal(at(nodeAt(map, ['steps', '0', 'expect'])), '4:13');
  t.equal(at(nodeAt(map, ['steps', '1'])), '5:5', 'a flow mapping starts at its brace');
  t.equal(at(nodeAt(map, ['steps', '1', 'send'])), '5:13', 'a quoted scalar starts at its quote');
  t.equal(at(nodeAt(map, ['steps', '1', 'expect', '1'])), '5:37');
  t.equal(at(nodeAt(map, ['steps', '2', 'raw'])), '7:7', 'a block scalar starts at its content');
  t.equal(at(map.entries[1]!.key), '3:1', 'keys have positions too');
  t.equal(nodeAt(map, ['steps', '9', 'x']).kind, 'seq', 'a missing path gives the deepest node found');
});

t.test('scalars resolve with the YAML 1.2 core schema and keep their text', async (t) => {
  const { root } = parseYaml('a: 250\nb: "250"\nc: 0123\nd: true\ne: yes\nf: ~\ng:\nh: !!str 12\ni: 1.5\n', 'f.yaml');
  const plain = toPlain(root!);
  t.same(plain, { a: 250, b: '250', c: 123, d: true, e: 'yes', f: null, g: null, h: '12', i: 1.5 });
  t.equal((child(root as YMap, 'c') as YScalar).text, '0123');
});

t.test('positions inside a scalar when it is verbatim in the source', async (t) => {
  const { root } = parseYaml('plain: a ${x}\nquoted: "a ${x}"\nescaped: "\\t${x}"\n', 'f.yaml');
  const map = root as YMap;
  const span = (key: string, offset: number) => {
    const s = spanWithin(child(map, key) as YScalar, offset);
    return `${s.line}:${s.column}`;
  };
  t.equal(span('plain', 2), '1:10');
  t.equal(span('quoted', 2), '2:12');
  t.equal(span('escaped', 1), '3:10', 'escaped text falls back to the scalar position');
});

t.test('aliases share the anchored node', async (t) => {
  const { root, issues } = parseYaml('a: &x { k: v }\nb: *x\n', 'f.yaml');
  t.same(issues, []);
  t.same(toPlain(root!), { a: { k: 'v' }, b: { k: 'v' } });
});

t.test('problems become issues at their position', async (t) => {
  const issue = (source: string) => parseYaml(source, 'f.yaml').issues.map((i) => `${i.span.line}:${i.span.column} ${i.message}`);
  t.same(issue('a: 1\nb: 2\na: 3\n'), ['3:1 duplicate key `a` (first at line 1)']);
  t.same(issue('a: !!int x\n'), ['1:10 `x` is not a valid !!int value']);
  t.same(issue('a: !custom x\n'), ['1:12 unsupported YAML tag !custom']);
  t.same(issue('? [a]\n: 1\n'), ['1:3 mapping keys must be plain strings']);
  t.same(issue('a: 1\n---\nb: 2\n'), ['3:1 a scenario file holds one YAML document; remove the extra `---` document']);
  t.same(issue('a: *nope\n'), ['1:4 unknown YAML alias *nope']);
  const [syntax] = issue('a: [1, 2\n');
  t.match(syntax, /^2:1 YAML syntax error: /);
});

t.test('an empty file has no root and no issue', async (t) => {
  t.same(parseYaml('', 'f.yaml'), { issues: [] });
  t.same(parseYaml('# only a comment\n', 'f.yaml'), { issues: [] });
});

import t from 'tap';
import { patternRegex } from '../../src/runner/steps.js';
import { parsePattern } from '../../src/scenario/pattern.js';

const span = { file: 'x.yaml', line: 1, column: 1 };

t.test('a pattern without placeholders is compiled once and rewound for every use', async (t) => {
  const p = parsePattern('/25\\d/g', span);
  const first = patternRegex(p, p.source);
  t.equal(first.test('250 ok'), true);
  const again = patternRegex(p, p.source);
  t.equal(again, first, 'the same RegExp');
  t.equal(again.test('250 ok'), true, 'lastIndex rewound: a g regex matches the same text again');
});

t.test('an interpolated source gets a regex of its own', async (t) => {
  const p = parsePattern('/SEARCH ${uid}/', span);
  const a = patternRegex(p, 'SEARCH 1');
  const b = patternRegex(p, 'SEARCH 2');
  t.not(a, b);
  t.equal(b.test('* SEARCH 2'), true);
  t.equal(b.test('* SEARCH 1'), false);
});

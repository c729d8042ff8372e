import t from 'tap';
import { closest, didYouMean, editDistance, formatIssue } from '../../src/scenario/issues.js';

t.test('editDistance counts a transposition as one edit', async (t) => {
  t.equal(editDistance('send', 'send'), 0);
  t.equal(editDistance('sned', 'send'), 1);
  t.equal(editDistance('expct', 'expect'), 1);
  t.equal(editDistance('', 'abc'), 3);
  t.equal(editDistance('kitten', 'sitting'), 3);
});

t.test('closest suggests likely typos only', async (t) => {
  const keys = ['send', 'raw', 'expect', 'expect_close', 'match', 'not_match'];
  t.equal(closest('sned', keys), 'send');
  t.equal(closest('Expect', keys), 'expect', 'case is ignored');
  t.equal(closest('notmatch', keys), 'not_match');
  t.equal(closest('zzzzzz', keys), undefined);
  t.equal(closest('user', ['username', 'password']), 'username', 'a truncated word');
  t.equal(closest('sent', ['seq', 'uuid']), undefined, 'two edits are too many for a short word');
});

t.test('didYouMean and formatIssue', async (t) => {
  t.equal(didYouMean('protocl', ['protocol', 'target']), ' (did you mean `protocol`?)');
  t.equal(didYouMean('qqq', ['protocol']), '');
  t.equal(formatIssue({ span: { file: 'a/b.yaml', line: 4, column: 9 }, message: 'oops' }), 'a/b.yaml:4:9: oops');
});

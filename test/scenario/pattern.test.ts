import t from 'tap';
import { compilePattern, parsePattern } from '../../src/scenario/pattern.js';

const span = { file: 'x.yaml', line: 3, column: 7 };

t.test('parsePattern reads /source/flags', async (t) => {
  t.same(parsePattern('/STARTTLS/', span), { source: 'STARTTLS', flags: '', span });
  t.same(parsePattern('/auth (\\w+)/im', span), { source: 'auth (\\w+)', flags: 'im', span });
  t.same(parsePattern('/a/b/i', span), { source: 'a/b', flags: 'i', span }, 'the last slash ends the source');
  t.same(parsePattern('//', span), { source: '', flags: '', span });
});

t.test('any other string is a source without flags', async (t) => {
  t.same(parsePattern('STARTTLS', span), { source: 'STARTTLS', flags: '', span });
  t.same(parsePattern('/usr/bin 2', span), { source: '/usr/bin 2', flags: '', span });
  t.same(parsePattern('/', span), { source: '/', flags: '', span });
});

t.test('compilePattern', async (t) => {
  t.ok(compilePattern(parsePattern('/starttls/i', span)).test('250-STARTTLS'));
  t.notOk(compilePattern(parsePattern('/starttls/', span)).test('250-STARTTLS'));
  t.ok(compilePattern(parsePattern('/SIZE ${n}/', span), 'SIZE 10').test('250 SIZE 10'), 'uses the interpolated source');
  t.throws(() => compilePattern(parsePattern('/a(/', span)), SyntaxError);
  t.throws(() => compilePattern(parsePattern('/a/q', span)), SyntaxError, 'unknown flags are an error, not a bare pattern');
});

import t from 'tap';
import { parseDuration, formatDuration } from '../../src/util/duration.js';

t.test('parseDuration', async (t) => {
  t.equal(parseDuration('250ms'), 250);
  t.equal(parseDuration('10s'), 10_000);
  t.equal(parseDuration('1.5s'), 1500);
  t.equal(parseDuration('2m'), 120_000);
  t.equal(parseDuration('300'), 300);
  t.equal(parseDuration(42), 42);
  t.equal(parseDuration('10 sec'), undefined);
  t.equal(parseDuration('-1s'), undefined);
  t.equal(parseDuration(''), undefined);
});

t.test('formatDuration', async (t) => {
  t.equal(formatDuration(250), '250ms');
  t.equal(formatDuration(1500), '1.5s');
  t.equal(formatDuration(90_000), '1.5m');
});

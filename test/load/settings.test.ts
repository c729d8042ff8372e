import t from 'tap';
import { DEFAULT_CONNECTIONS, DEFAULT_DURATION_MS, parseRate, parseShard, resolveSettings, shareOf } from '../../src/load/settings.js';

t.test('defaults: closed loop, 10 connections, 10 s', async (t) => {
  const s = resolveSettings({});
  t.equal(s.mode, 'closed');
  t.equal(s.connections, DEFAULT_CONNECTIONS);
  t.equal(s.durationMs, DEFAULT_DURATION_MS);
  t.equal(s.iterations, undefined);
  t.equal(s.rampUpMs, 0);
  t.equal(s.warmupMs, 0);
});

t.test('iterations alone set no duration; --rate makes an open loop', async (t) => {
  t.equal(resolveSettings({ iterations: 5 }).durationMs, undefined);
  const open = resolveSettings({ rate: '6000/m', maxInFlight: 7, duration: '2s' });
  t.equal(open.mode, 'open');
  t.equal(open.rate, 100);
  t.equal(open.maxInFlight, 7);
  t.equal(open.durationMs, 2000);
});

t.test('the command line wins over a load: block; thresholds from both apply', async (t) => {
  const s = resolveSettings({ connections: 4, thresholds: ['rate>1/s'] }, { connections: 9, warmup: '1s', thresholds: ['p99<1s'] });
  t.equal(s.connections, 4);
  t.equal(s.warmupMs, 1000);
  t.same(s.thresholds, ['p99<1s', 'rate>1/s']);
});

t.test('bad values are refused with the option named', async (t) => {
  t.throws(() => resolveSettings({ connections: 0 }), { code: 'MP_ERR_CONFIG', message: /--connections must be a whole number ≥ 1/ });
  t.throws(() => resolveSettings({ connections: 2.5 }), { message: /--connections/ });
  t.throws(() => resolveSettings({ duration: 'soon' }), { message: /--duration: "soon" is not a duration/ });
  t.throws(() => resolveSettings({ duration: '0s' }), { message: /--duration/ });
  t.throws(() => parseRate('fast'), { message: /--rate: "fast" is not a rate/ });
  t.throws(() => parseRate('0/s'), { message: /--rate/ });
  t.equal(parseRate('250/s'), 250);
  t.equal(parseRate(12), 12);
});

t.test('--shard i/n', async (t) => {
  t.same(parseShard('2/4'), { index: 2, count: 4 });
  for (const bad of ['0/2', '3/2', '1/0', 'a/b', '1']) t.throws(() => parseShard(bad), { message: /--shard/ }, bad);
});

t.test('shards split users, iterations, rate and cap so that together they are the whole run', async (t) => {
  const base = resolveSettings({ connections: 10, iterations: 23, maxInFlight: 9 });
  const shares = [1, 2, 3].map((index) => shareOf({ ...base, shard: { index, count: 3 } }));
  t.same(shares.flatMap((s) => s.virtualUsers).sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i + 1), 'each virtual user in exactly one shard');
  t.same(shares[0]!.virtualUsers, [1, 4, 7, 10], 'round-robin, so every shard spans the ramp-up');
  t.equal(shares.reduce((n, s) => n + s.iterations!, 0), 23);
  t.same(shares.map((s) => s.iterations), [8, 8, 7]);
  t.same(shares.map((s) => s.maxInFlight), [3, 3, 3]);
  const open = shareOf({ ...resolveSettings({ rate: '90/s' }), shard: { index: 2, count: 3 } });
  t.equal(open.rate, 30);
  t.same(shareOf(base).virtualUsers.length, 10, 'unsharded: every user');
});

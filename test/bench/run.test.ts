import t from 'tap';
import { measureAll } from '../../src/bench/measure.js';
import { loadPeers, type LibQp } from '../../src/bench/peers.js';
import { runBench, type BenchOptions } from '../../src/bench/run.js';
import { formatBenchTable } from '../../src/bench/table.js';
import { qpDecode, qpEncode } from '../../src/mime/index.js';

const quick: BenchOptions = { sizes: [1024], only: ['qp-encode-text'], timeMs: 1, minSamples: 3, maxSamples: 3, clock: 'wall' };

t.test('measureAll: one median per function, at least minSamples samples each', async (t) => {
  const measurements = measureAll([() => Buffer.alloc(10), () => Buffer.alloc(1000)], { timeMs: 1, minSamples: 4, maxSamples: 6, clock: 'cpu' });
  t.equal(measurements.length, 2);
  for (const m of measurements) {
    t.ok(m.samples >= 4 && m.samples <= 6, `samples ${m.samples}`);
    t.ok(m.medianNs >= 0 && Number.isFinite(m.medianNs));
    t.ok(m.batch >= 1);
  }
});

t.test('runBench without peers times ours alone, with no ratio', async (t) => {
  const report = runBench({}, quick);
  t.equal(report.version, 1);
  t.same(report.peers, []);
  t.equal(report.results.length, 1);
  const [result] = report.results;
  t.equal(result!.id, 'qp-encode-text');
  t.equal(result!.size, 1024);
  t.same(result!.implementations.map((i) => [i.name, i.status, i.ratio]), [['mailprobe', 'ok', undefined]]);
  t.ok(result!.implementations[0]!.mbPerSecond! > 0);
});

t.test('a peer is checked before it is timed: wrong output and exceptions are reported, not timed', async (t) => {
  const honest: LibQp = { encode: (d) => qpEncode(d, { mode: 'binary' }).toString('latin1'), decode: (s) => qpDecode(s), wrap: (s) => s };
  const wrong: LibQp = { ...honest, encode: () => 'nonsense=' };
  const throwing: LibQp = {
    ...honest,
    encode: () => {
      throw new Error('boom');
    },
  };
  const ok = runBench({ libqp: honest }, quick).results[0]!.implementations.find((i) => i.name === 'libqp')!;
  t.equal(ok.status, 'ok');
  t.ok(ok.ratio! > 0, 'ratio of ours to it');
  const bad = runBench({ libqp: wrong }, quick).results[0]!.implementations.find((i) => i.name === 'libqp')!;
  t.equal(bad.status, 'incorrect');
  t.match(bad.problem, /differ/);
  t.equal(bad.mbPerSecond, undefined);
  const error = runBench({ libqp: throwing }, quick).results[0]!.implementations.find((i) => i.name === 'libqp')!;
  t.equal(error.status, 'error');
  t.equal(error.problem, 'boom');
  const table = formatBenchTable(runBench({ libqp: wrong }, quick));
  t.match(table, /quoted-printable encode, mostly-ASCII text/);
  t.match(table, /1 KiB .* WRONG/);
  t.match(table, /not timed — libqp at 1 KiB: decoded/);
});

t.test('every benchmark checks out for our implementation and Node at a small size', async (t) => {
  const report = runBench({}, { ...quick, only: [] });
  t.ok(report.results.length >= 8, `${report.results.length} benchmarks`);
  for (const result of report.results) {
    for (const impl of result.implementations) t.equal(impl.status, 'ok', `${result.id} ${impl.name}: ${impl.problem ?? ''}`);
  }
  const table = formatBenchTable(report);
  t.match(table, /base64 encode, 76-column lines \+ CRLF/);
  t.match(table, /node\+JS wrap/);
  t.match(table, /\d\.\d\d×/, 'ratios against Node');
});

t.test('loadPeers finds the installed devDependencies and every one passes its checks', async (t) => {
  const peers = await loadPeers(process.cwd());
  t.equal(typeof peers.libqp?.encode, 'function');
  t.equal(typeof peers.libbase64?.wrap, 'function');
  t.equal(typeof peers.libmime?.decodeWords, 'function');
  t.equal(typeof peers['quoted-printable']?.encode, 'function');
  t.equal(typeof peers['js-base64']?.fromUint8Array, 'function');
  const report = runBench(peers, { ...quick, only: [] });
  t.same(report.skippedPeers, []);
  const failing = report.results.flatMap((r) => r.implementations.filter((i) => i.status !== 'ok').map((i) => `${r.id} ${i.name}: ${i.problem}`));
  t.same(failing, []);
});

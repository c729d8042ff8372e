import t from 'tap';
import { measureAll } from '../../src/bench/measure.js';
import { loadPeers, type LibQp, type Peers } from '../../src/bench/peers.js';
import { runBench as runBenchAs, type BenchOptions } from '../../src/bench/run.js';
import { formatBenchTable } from '../../src/bench/table.js';
import { qpDecode, qpEncode } from '../../src/mime/index.js';

const quick: BenchOptions = { sizes: [1024], only: ['qp-encode-text'], timeMs: 1, minSamples: 3, maxSamples: 3, clock: 'wall' };
const runBench = (peers: Peers, options: BenchOptions) => runBenchAs(peers, options, { name: 'mailprobe', version: '0.0.0-test' });

t.test('measureAll: one median per function, at least minSamples samples each', async (t) => {
  const measurements = measureAll([() => Buffer.alloc(10), () => Buffer.alloc(1000)], { timeMs: 1, minSamples: 4, maxSamples: 6, clock: 'cpu' });
  t.equal(measurements.length, 2);
  for (const m of measurements) {
    t.ok(m.samplesNs.length >= 4 && m.samplesNs.length <= 6, `samples ${m.samplesNs.length}`);
    t.ok(m.samplesNs.every((ns) => ns >= 0 && Number.isFinite(ns)));
    t.ok(m.medianNs >= 0 && Number.isFinite(m.medianNs));
    t.ok(m.batch >= 1);
  }
});

t.test('runBench without peers times ours alone: no ratio, the goal against libqp not measured', async (t) => {
  const report = runBench({}, quick);
  t.equal(report.version, 1);
  t.same(report.tool, { name: 'mailprobe', version: '0.0.0-test' });
  const section = report.encodingCore;
  t.same(section.peers, []);
  t.same(section.skippedPeers, ['libbase64', 'libqp', 'libmime', 'quoted-printable', 'js-base64']);
  t.equal(section.machine.node, process.version);
  t.equal(section.machine.loadAverage.start.length, 3);
  t.ok(section.machine.cpuCount >= 1);
  t.equal(section.cases.length, 1);
  const [result] = section.cases;
  t.equal(result!.operation, 'qp-encode-text');
  t.equal(result!.size, 1024);
  t.same(result!.implementations.map((i) => [i.name, i.status]), [['mailprobe', 'ok']]);
  const ours = result!.implementations[0]!;
  t.ok(ours.mbPerSecond! > 0);
  t.same(ours.ratios, {});
  t.equal(ours.samplesNs!.length, 3);
  t.same(result!.goals, [{ description: 'quoted-printable encode of mostly-ASCII text ≥ 10× libqp', implementation: 'mailprobe', against: 'libqp', minRatio: 10, met: null }]);
});

t.test('goals: met when our ratio reaches the minimum, missed below it', async (t) => {
  const honest: LibQp = { encode: (d) => qpEncode(d, { mode: 'binary' }).toString('latin1'), decode: (s) => qpDecode(s), wrap: (s) => s };
  const section = runBench({ libqp: honest }, quick).encodingCore;
  const [goal] = section.cases[0]!.goals;
  const ours = section.cases[0]!.implementations.find((i) => i.ours)!;
  t.equal(goal!.ratio, ours.ratios!.libqp, 'the ratio is ours / libqp');
  t.equal(goal!.met, goal!.ratio! >= 10);
  t.match(formatBenchTable(runBench({ libqp: honest }, quick)), /goals \(issue 5, stated at 1 MiB\)\n  quoted-printable encode of mostly-ASCII text ≥ 10× libqp: 1 KiB \d+\.\d\d× (met|MISSED)/);
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
  const [okCase] = runBench({ libqp: honest }, quick).encodingCore.cases;
  t.equal(okCase!.implementations.find((i) => i.name === 'libqp')!.status, 'ok');
  t.ok(okCase!.implementations.find((i) => i.ours)!.ratios!.libqp! > 0, 'ratio of ours to it');
  const [badCase] = runBench({ libqp: wrong }, quick).encodingCore.cases;
  t.same(badCase!.implementations.find((i) => i.ours)!.ratios, {}, 'no ratio to an untimed peer');
  t.equal(badCase!.goals[0]!.met, null);
  const bad = badCase!.implementations.find((i) => i.name === 'libqp')!;
  t.equal(bad.status, 'incorrect');
  t.match(bad.problem, /differ/);
  t.equal(bad.mbPerSecond, undefined);
  const error = runBench({ libqp: throwing }, quick).encodingCore.cases[0]!.implementations.find((i) => i.name === 'libqp')!;
  t.equal(error.status, 'error');
  t.equal(error.problem, 'boom');
  const table = formatBenchTable(runBench({ libqp: wrong }, quick));
  t.match(table, /quoted-printable encode, mostly-ASCII text/);
  t.match(table, /1 KiB .* WRONG/);
  t.match(table, /not timed — libqp at 1 KiB: decoded/);
});

t.test('every benchmark checks out for our implementation and Node at a small size', async (t) => {
  const report = runBench({}, { ...quick, only: [] });
  const { cases } = report.encodingCore;
  t.ok(cases.length >= 8, `${cases.length} benchmarks`);
  for (const result of cases) {
    for (const impl of result.implementations) t.equal(impl.status, 'ok', `${result.operation} ${impl.name}: ${impl.problem ?? ''}`);
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
  t.same(report.encodingCore.skippedPeers, []);
  const failing = report.encodingCore.cases.flatMap((r) => r.implementations.filter((i) => i.status !== 'ok').map((i) => `${r.operation} ${i.name}: ${i.problem}`));
  t.same(failing, []);
  const unmeasured = report.encodingCore.cases.flatMap((c) => c.goals.filter((g) => g.met === null).map((g) => g.description));
  t.same(unmeasured, [], 'with every peer installed, every goal is measured');
});

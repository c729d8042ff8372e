/**
 * The bench's HTML report ("encoding core" section): well-formed, machine facts and load, goals met or
 * missed, MB/s per operation, size and implementation with our ratio, untimed implementations named.
 */
import t from 'tap';
import { renderBenchHtml } from '../../../src/report/html/bench.js';
import { matchGolden } from '../fixtures/golden.js';
import { sampleBench } from './fixtures.js';
import { byId, findAll, parsePage, textOf } from './page-parse.js';

t.test('golden', async (t) => {
  await matchGolden(t, 'bench.html', renderBenchHtml(sampleBench));
});

t.test('the encoding core section: machine, goals, figures', async (t) => {
  const section = byId(parsePage(t, renderBenchHtml(sampleBench)), 'encoding-core');
  const text = textOf(section);
  t.match(text, 'Node v20.20.0 (V8 11.3.244.8-node.33) on linux/x64, Example CPU × 2, 8.0 GiB memory; cpu time; load average 3.50 2.25 1.50 at the start, 4.00 3.00 2.00 at the end.');
  t.match(text, 'Peers: libbase64; not installed, skipped: js-base64.');
  const [goals, figures] = findAll(section, (n) => n.name === 'table');
  t.same(findAll(goals!, (n) => n.name === 'tr').slice(1).map(textOf), [
    'wrapped base64 encode ≥ 0.5× native unwrapped 64 KiB 0.5× 0.40× missed',
    'wrapped base64 encode ≥ 0.5× native unwrapped 1 MiB 0.5× 0.60× met',
  ]);
  t.same(findAll(figures!, (n) => n.name === 'tr').map(textOf), [
    'size mailprobe node (unwrapped) libbase64',
    '64 KiB 800 MB/s 2000 MB/s ours 0.40× WRONG',
    '1 MiB 900 MB/s 1500 MB/s ours 0.60× 100 MB/s ours 9.00×',
  ]);
  t.match(text, 'not timed — libbase64 at 64 KiB: output differs at byte 76');
  const bars = findAll(figures!, (n) => n.attributes['class']?.startsWith('speed') === true).map((n) => n.attributes['style']);
  t.same(bars, ['width:40%', 'width:100%', 'width:60%', 'width:100%', 'width:7%'], 'bars scaled to the fastest of each size');
});

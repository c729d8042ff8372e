import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLoadBlocks } from '../../src/load/load-block.js';
import { resolveSettings } from '../../src/load/settings.js';
import { loadScenarios } from '../../src/scenario/load.js';
import { FIXTURES } from './helpers.js';

async function blocksOf(...files: string[]): ReturnType<typeof readLoadBlocks> {
  const loaded = await loadScenarios(files, { cwd: FIXTURES, env: {} });
  t.same(loaded.issues, [], 'the scenario loader accepts the load: block');
  return readLoadBlocks(loaded.scenarios, FIXTURES);
}

t.test('a load: block gives the settings the command line leaves out', async (t) => {
  const { settings, issues } = await blocksOf('with-load-block.yaml');
  t.same(issues, []);
  t.same(settings, { connections: 3, iterations: 12, rampUp: '100ms', thresholds: ['errors<1%', 'step:EHLO p99<5s'] });
  const resolved = resolveSettings({ connections: 5 }, settings);
  t.equal(resolved.connections, 5, 'the command line wins');
  t.equal(resolved.iterations, 12);
  t.equal(resolved.rampUpMs, 100);
  t.equal(resolved.durationMs, undefined, 'iterations from the block: no default duration');
});

t.test('scenarios without a block add nothing', async (t) => {
  const { settings, issues } = await blocksOf('deliver.yaml');
  t.same(settings, {});
  t.same(issues, []);
});

t.test('every problem in a block is reported at file:line:column', async (t) => {
  const { issues } = await blocksOf('bad-load-block.yaml');
  t.same(
    issues.map((i) => `${i.span.line}:${i.span.column} ${i.message}`),
    [
      '4:3 unknown load setting `conections` (did you mean `connections`?)',
      '5:13 load.duration must be a duration (30s, 500ms, 2m)',
      expectedThresholdIssue(),
    ],
  );
});

function expectedThresholdIssue(): string {
  return '6:16 threshold "p99 < fast": expected [step:NAME |scenario:NAME |connect |tls |delivery ]METRIC OP VALUE, e.g. "p99<250ms", "step:DATA p95<100ms", "delivery p99<2s", "errors<0.1%", "rate>500/s"';
}

t.test('two files that disagree on a setting are refused; their thresholds add up', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-load-block-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const scenario = (name: string, block: string): string => `name: ${name}\nprotocol: smtp\nload:\n${block}\nsteps:\n  - expect: 220\n`;
  writeFileSync(join(dir, 'a.yaml'), scenario('a', '  connections: 2\n  thresholds: ["p99<1s"]'));
  writeFileSync(join(dir, 'b.yaml'), scenario('b', '  connections: 3\n  thresholds: ["rate>1/s"]'));
  const loaded = await loadScenarios([dir], { cwd: dir, env: {} });
  const { settings, issues } = await readLoadBlocks(loaded.scenarios, dir);
  t.equal(issues.length, 1);
  t.match(issues[0]!.message, /load\.connections is 3 here but 2 in a\.yaml:4:16/);
  t.same(settings.thresholds, ['p99<1s', 'rate>1/s']);
});

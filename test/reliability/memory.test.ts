/**
 * Memory stays bounded while the runner meets the faults that send the most: a 1 MiB line, binary
 * garbage, a multi-line reply that never ends, a literal that never completes, one byte per 100 ms.
 * In-process (the runner API, no CLI), so that one process's RSS can be watched across repeated runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { driverFor } from '../../src/protocols/registry.js';
import { runScenarios } from '../../src/runner/run.js';
import { FAULTS, startSandbox, type FaultName, type Sandbox } from '../../src/sandbox/index.js';
import { loadScenarios } from '../../src/scenario/load.js';
import { writeScenario, type MatrixProtocol } from './scenarios.js';

const HEAVY: readonly FaultName[] = ['huge-line', 'garbage', 'pop3-endless-reply', 'imap-short-literal', 'slow-bytes'];
const RUNS = 3;
/** Generous: several MiB of faulty bytes pass through every run; a leak of them would add up far past it. */
const RSS_GROWTH_BOUND = 96 * 1024 * 1024;

t.test('RSS stays bounded over repeated runs against the heaviest faults', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-memory-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sandboxes: Sandbox[] = [];
  t.teardown(() => Promise.all(sandboxes.map((sandbox) => sandbox.close())));
  const named: Record<string, string> = {};
  for (const fault of HEAVY) {
    const sandbox = await startSandbox({ fault });
    sandboxes.push(sandbox);
    for (const protocol of FAULTS[fault].protocols as readonly MatrixProtocol[]) {
      const target = `${fault}-${protocol}`;
      writeScenario(dir, { name: target, protocol, target, starttls: false, user: 'alice' });
      named[target] = sandbox.targets[protocol];
    }
  }
  const loaded = await loadScenarios([dir], { cwd: dir, env: {} });
  t.same(loaded.issues, []);
  const runOnce = async (): Promise<number> => {
    const result = await runScenarios(loaded.scenarios, {
      concurrency: 64,
      repeat: 1,
      bail: false,
      targets: { named, tls: { insecure: true } },
      signal: new AbortController().signal,
      env: {},
      driverFor,
      version: 'test',
    });
    return result.summary.errors;
  };
  t.equal(await runOnce(), loaded.scenarios.length, 'warm-up run: every scenario errs');
  const baseline = process.memoryUsage().rss;
  for (let run = 0; run < RUNS; run++) t.equal(await runOnce(), loaded.scenarios.length);
  const growth = process.memoryUsage().rss - baseline;
  t.ok(growth < RSS_GROWTH_BOUND, `RSS grew ${Math.round(growth / 1024 / 1024)} MiB over ${RUNS} runs (bound ${RSS_GROWTH_BOUND / 1024 / 1024} MiB)`);
});

/**
 * Shared pieces of the load tests: loading fixture scenarios, a sandbox target context, and runLoad with
 * the settings under test.
 */
import { fileURLToPath } from 'node:url';
import { loadScenarios } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/types.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { driverFor } from '../../src/protocols/registry.js';
import { runLoad, type LoadEvents } from '../../src/load/engine.js';
import { resolveSettings, type LoadSettingsInput } from '../../src/load/settings.js';
import type { LoadResult } from '../../src/load/types.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export async function fixture(...names: string[]): Promise<Scenario[]> {
  const loaded = await loadScenarios(names.map((n) => `${FIXTURES}${n}`), { env: {} });
  if (loaded.issues.length > 0) throw new Error(JSON.stringify(loaded.issues));
  return loaded.scenarios;
}

export function loadAgainst(sandbox: Sandbox, scenarios: Scenario[], input: LoadSettingsInput, events?: LoadEvents, signal?: AbortSignal): Promise<LoadResult> {
  return runLoad(scenarios, {
    settings: resolveSettings(input),
    targets: { named: { ...sandbox.targets }, tls: { ca: sandbox.ca } },
    signal: signal ?? new AbortController().signal,
    env: {},
    driverFor,
    version: 'test',
    ...(events ? { events } : {}),
  });
}

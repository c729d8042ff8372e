/**
 * The `load:` block of a scenario file: the same settings as `mailprobe load`'s options, kept with the
 * scenario. The scenario loader accepts the block (schema) but does not type it, so it is read here from
 * the file, with every problem at file:line:column:
 *
 *   load:
 *     connections: 20        # or rate: 500/s (open loop) with max_in_flight: 200
 *     duration: 30s          # or iterations: 10000
 *     ramp_up: 5s
 *     warmup: 2s
 *     thresholds: ["p99<250ms", "step:DATA p95<100ms", "errors<0.1%"]
 *
 * Several scenarios with blocks must agree on each setting; their thresholds add up.
 * Imports node:fs/promises, node:path and scenario/ modules.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Scenario } from '../scenario/types.js';
import { child, parseYaml, type YNode, type YScalar } from '../scenario/yaml-tree.js';
import { didYouMean, type LoadIssue } from '../scenario/issues.js';
import { parseDuration } from '../util/duration.js';
import type { LoadSettingsInput } from './settings.js';
import { parseThreshold } from './thresholds.js';

type ValueKind = 'count' | 'duration' | 'rate';
const KEYS: Record<string, { setting: Exclude<keyof LoadSettingsInput, 'thresholds' | 'shard'>; kind: ValueKind }> = {
  connections: { setting: 'connections', kind: 'count' },
  rate: { setting: 'rate', kind: 'rate' },
  max_in_flight: { setting: 'maxInFlight', kind: 'count' },
  duration: { setting: 'duration', kind: 'duration' },
  iterations: { setting: 'iterations', kind: 'count' },
  ramp_up: { setting: 'rampUp', kind: 'duration' },
  warmup: { setting: 'warmup', kind: 'duration' },
};
const THRESHOLDS = 'thresholds';
const RATE = /^\s*\d+(?:\.\d+)?\s*(?:\/\s*[sm])?\s*$/;

export interface LoadBlocks {
  settings: LoadSettingsInput;
  issues: LoadIssue[];
}

function checkValue(node: YScalar, kind: ValueKind): string | number | undefined {
  const { value, text } = node;
  if (kind === 'count') return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : undefined;
  if (kind === 'duration') return parseDuration(typeof value === 'number' ? value : text) === undefined ? undefined : (value as string | number);
  return RATE.test(text) && Number.parseFloat(text) > 0 ? text : undefined;
}

const EXPECTED: Record<ValueKind, string> = {
  count: 'a whole number ≥ 1',
  duration: 'a duration (30s, 500ms, 2m)',
  rate: 'a rate (500/s, 100, 6000/m)',
};

/** Reads one file's block into `into`, reporting conflicts with what earlier files said. */
function readBlock(block: YNode, into: LoadSettingsInput, seenAt: Map<string, string>, issues: LoadIssue[]): void {
  if (block.kind !== 'map') {
    issues.push({ span: block.span, message: '`load` must be a map of settings (connections, duration, thresholds …)' });
    return;
  }
  for (const { key, value } of block.entries) {
    if (key.text === THRESHOLDS) {
      const items = value.kind === 'seq' ? value.items : [value];
      for (const item of items) {
        if (item.kind !== 'scalar') {
          issues.push({ span: item.span, message: 'a threshold is a string such as "p99<250ms"' });
          continue;
        }
        try {
          parseThreshold(item.text);
          (into.thresholds = [...(into.thresholds ?? [])]).push(item.text);
        } catch (err) {
          issues.push({ span: item.span, message: (err as Error).message.replace('--threshold ', 'threshold ') });
        }
      }
      continue;
    }
    const known = KEYS[key.text];
    if (!known) {
      issues.push({ span: key.span, message: `unknown load setting \`${key.text}\`${didYouMean(key.text, [...Object.keys(KEYS), THRESHOLDS])}` });
      continue;
    }
    const checked = value.kind === 'scalar' ? checkValue(value, known.kind) : undefined;
    if (checked === undefined) {
      issues.push({ span: value.span, message: `load.${key.text} must be ${EXPECTED[known.kind]}` });
      continue;
    }
    const earlier = into[known.setting];
    const where = `${value.span.file}:${value.span.line}:${value.span.column}`;
    if (earlier !== undefined && String(earlier) !== String(checked)) {
      issues.push({ span: value.span, message: `load.${key.text} is ${String(checked)} here but ${String(earlier)} in ${seenAt.get(known.setting)}` });
      continue;
    }
    seenAt.set(known.setting, where);
    (into as Record<string, string | number>)[known.setting] = checked;
  }
}

/** The merged `load:` blocks of the scenarios' files (each file read once). */
export async function readLoadBlocks(scenarios: readonly Scenario[], cwd: string): Promise<LoadBlocks> {
  const settings: LoadSettingsInput = {};
  const issues: LoadIssue[] = [];
  const seenAt = new Map<string, string>();
  for (const file of new Set(scenarios.map((s) => s.file))) {
    const source = await readFile(resolve(cwd, file), 'utf8');
    const { root } = parseYaml(source, file);
    const block = root?.kind === 'map' ? child(root, 'load') : undefined;
    if (block) readBlock(block, settings, seenAt, issues);
  }
  return { settings, issues };
}

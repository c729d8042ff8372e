/**
 * The JSON reporter: the RunResult as is, with a stable key order (each object's fields in the order its
 * type declares them, any field the type does not know after them, sorted), 2-space indent and a trailing
 * newline. docs/json-report.md documents every field and the version policy.
 * Imports only results/types and scenario/types.
 */
import type {
  Failure,
  ReplySummary,
  RunResult,
  RunSummary,
  ScenarioResult,
  StepResult,
  TranscriptEntry,
} from '../results/types.js';
import type { SourceSpan } from '../scenario/types.js';

/** Compiles only when `K` lists every key of `T`: a field added to the result types must be placed here. */
type EveryKeyOf<T, K extends readonly (keyof T)[]> = [Exclude<keyof T, K[number]>] extends [never]
  ? unknown
  : { missingKeys: Exclude<keyof T, K[number]> };

function keyOrder<T>() {
  return <const K extends readonly (keyof T)[]>(keys: K & EveryKeyOf<T, K>): readonly (keyof T)[] => keys;
}

const RUN_KEYS = keyOrder<RunResult>()(['version', 'tool', 'startedAt', 'durationMs', 'interrupted', 'summary', 'scenarios']);
const TOOL_KEYS = keyOrder<RunResult['tool']>()(['name', 'version']);
const SUMMARY_KEYS = keyOrder<RunSummary>()(['total', 'passed', 'failed', 'errors', 'skipped', 'interrupted']);
const SCENARIO_KEYS = keyOrder<ScenarioResult>()([
  'name',
  'repetition',
  'file',
  'span',
  'tags',
  'protocol',
  'targets',
  'outcome',
  'startedAt',
  'durationMs',
  'steps',
  'failure',
  'transcript',
  'transcriptTruncated',
]);
const STEP_KEYS = keyOrder<StepResult>()([
  'index',
  'label',
  'kind',
  'session',
  'span',
  'outcome',
  'startMs',
  'durationMs',
  'reply',
  'failure',
  'attempts',
  'reason',
]);
const FAILURE_KEYS = keyOrder<Failure>()(['kind', 'code', 'message', 'expected', 'actual', 'span', 'step']);
const REPLY_KEYS = keyOrder<ReplySummary>()(['status', 'text']);
const TRANSCRIPT_KEYS = keyOrder<TranscriptEntry>()(['session', 'dir', 'atMs', 'text']);
const SPAN_KEYS = keyOrder<SourceSpan>()(['file', 'line', 'column']);

type JsonObject = Record<string, unknown>;

/** A copy of `value` with `keys` first, in that order, then any other keys sorted. */
function ordered<T extends object>(value: T, keys: readonly (keyof T)[]): JsonObject {
  const source = value as JsonObject;
  const out: JsonObject = {};
  for (const key of keys as readonly string[]) if (key in source) out[key] = source[key];
  for (const key of Object.keys(source).sort()) if (!(key in out)) out[key] = source[key];
  return out;
}

/** A map (session → URL): sorted, since its order carries no meaning. */
function sortedMap(map: Record<string, string>): JsonObject {
  return ordered(map, []);
}

function failureJson(f: Failure): JsonObject {
  return ordered({ ...f, span: f.span && ordered(f.span, SPAN_KEYS) }, FAILURE_KEYS);
}

function stepJson(step: StepResult): JsonObject {
  return ordered(
    {
      ...step,
      span: ordered(step.span, SPAN_KEYS),
      reply: step.reply && ordered(step.reply, REPLY_KEYS),
      failure: step.failure && failureJson(step.failure),
    },
    STEP_KEYS,
  );
}

function scenarioJson(s: ScenarioResult): JsonObject {
  return ordered(
    {
      ...s,
      span: ordered(s.span, SPAN_KEYS),
      targets: sortedMap(s.targets),
      steps: s.steps.map(stepJson),
      failure: s.failure && failureJson(s.failure),
      transcript: s.transcript.map((entry) => ordered(entry, TRANSCRIPT_KEYS)),
    },
    SCENARIO_KEYS,
  );
}

export function renderJson(run: RunResult): string {
  const doc = ordered(
    {
      ...run,
      tool: ordered(run.tool, TOOL_KEYS),
      summary: ordered(run.summary, SUMMARY_KEYS),
      scenarios: run.scenarios.map(scenarioJson),
    },
    RUN_KEYS,
  );
  return `${JSON.stringify(doc, null, 2)}\n`;
}

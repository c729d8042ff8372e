/**
 * Runs one scenario once: opens sessions lazily, performs each step through its protocol engine, checks
 * expectations, keeps captures, enforces the scenario deadline, and returns a plain ScenarioResult with a
 * redacted transcript. Never throws: every problem becomes a failure in the result. Never prints.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Scenario, Step, Pattern, Expectation } from '../scenario/types.js';
import type { ActionKind, ProtocolDriver, ProtocolSession } from '../protocols/types.js';
import type { TranscriptSink } from '../wire/types.js';
import type { Failure, Outcome, ScenarioResult, StepResult } from '../results/types.js';
import { AssertCode } from '../results/types.js';
import { Transcript } from '../wire/transcript.js';
import { ErrorCode, MailprobeError, toMailprobeError } from '../util/errors.js';
import { formatDuration } from '../util/duration.js';
import { Limits } from '../util/limits.js';
import { messageIdOf } from '../mime/message.js';
import { checkReply } from './expect.js';
import { Scope, type Builtins } from './scope.js';
import { actionSecrets, patternRegex, stepLabel, toAction } from './steps.js';
import { MissingTargetError, resolveSessionTarget, type Target, type TargetContext } from './targets.js';
import { compareMessages } from './roundtrip.js';
import { DeliveryClock } from './delivery-clock.js';
import { runAuditStep } from './audit-step.js';
import { retrying, unmetCondition, type StepOutcome } from './step-modifiers.js';

export interface ScenarioRunOptions {
  repetition: number;
  builtins: Builtins;
  targets: TargetContext;
  /** Overrides the scenario's reply timeout (--timeout). */
  timeoutMs?: number;
  /** Aborted on SIGINT. */
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  driverFor: (protocol: Scenario['protocol']) => ProtocolDriver;
  /**
   * Load runs: where a session's wire events go instead of the kept transcript (which then stays empty,
   * sparing the rendering of every byte). Called as the session starts connecting, so the sink can time it.
   */
  transcriptSink?: (session: string) => TranscriptSink;
  /** Each delivery (submit→visible) latency an IDLE with `during:` measured, in ms. */
  onDelivery?: (latencyMs: number) => void;
}

/** Steps that use a session's connection. */
type ProtocolStep = Exclude<Step, { kind: 'sleep' | 'roundtrip' | 'audit' }>;

interface OpenSession {
  driver: ProtocolDriver;
  session: ProtocolSession;
}

const elapsedMs = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e6;

/** A reply as results keep it: matched whole, stored cut at the limit with secrets masked (the part kept only). */
function clipReply(text: string, transcript: Transcript): string {
  const max = Limits.resultReplyChars;
  return text.length <= max ? transcript.mask(text) : `${transcript.maskHead(text, max)}… (${text.length - max} more characters)`;
}

function errorFailure(err: unknown): Failure {
  const e = toMailprobeError(err);
  return { kind: 'error', code: e.code, message: e.message };
}

/**
 * Settles as `work` does, or rejects with the run's abort reason as soon as it aborts, whatever the engine
 * does. `aborted` is the run's one abort promise: nothing is added to the signal per step.
 */
function abortable<T>(work: Promise<T>, aborted: Promise<never>): Promise<T> {
  return Promise.race([work, aborted]);
}

export async function runScenario(scenario: Scenario, options: ScenarioRunOptions): Promise<ScenarioResult> {
  const startNs = process.hrtime.bigint();
  const startedAt = new Date().toISOString();
  const transcript = new Transcript({ startNs });
  const scope = new Scope(scenario.vars, options.builtins, options.env);
  const timeoutMs = options.timeoutMs ?? scenario.timeoutMs;
  // One controller per run, aborted at the deadline or by the caller's signal (one listener on it per run).
  const run = new AbortController();
  const signal = run.signal;
  const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
  aborted.catch(() => undefined);
  const deadlineTimer = setTimeout(
    () => run.abort(new MailprobeError(ErrorCode.DEADLINE, `scenario deadline of ${formatDuration(scenario.deadlineMs)} exceeded`)),
    scenario.deadlineMs,
  );
  const forwardInterrupt = (): void => run.abort(options.signal.reason);
  if (options.signal.aborted) forwardInterrupt();
  else options.signal.addEventListener('abort', forwardInterrupt, { once: true });
  const sessions = new Map<string, OpenSession>();
  const targets: Record<string, Target> = {};
  const steps: StepResult[] = [];
  let failure: Failure | undefined;
  let skipped = false;

  const compile = (p: Pattern): RegExp => patternRegex(p, scope.text(p.source));

  async function openSession(name: string, stepTimeoutMs: number): Promise<OpenSession> {
    const spec = scenario.sessions[name]!;
    const driver = options.driverFor(spec.protocol);
    const session = await driver.open({
      endpoint: targets[name]!.endpoint,
      transcript: options.transcriptSink?.(name) ?? transcript.sink(name),
      connectTimeoutMs: stepTimeoutMs,
      signal,
    });
    const entry = { driver, session };
    sessions.set(name, entry);
    return entry;
  }

  /** Runs one step (or skips it, when its `when:` does not hold); returns its failure, if any. */
  function perform(step: Step, stepTimeoutMs: number): Promise<StepOutcome> {
    if (step.when) {
      const unmet = unmetCondition(step.when, scope.text(step.when.value), compile);
      if (unmet !== undefined) return Promise.resolve({ skipped: unmet });
    }
    if (step.kind === 'sleep' || step.kind === 'roundtrip' || step.kind === 'audit') return performOffSession(step, stepTimeoutMs);
    // A session already open is used at once, without a promise for it: a load runs millions of steps.
    const open = sessions.get(step.session);
    if (open) return exchangeOn(step, open, stepTimeoutMs);
    return abortable(openSession(step.session, stepTimeoutMs), aborted).then((opened) => exchangeOn(step, opened, stepTimeoutMs));
  }

  /** A protocol step on its open session, sent again while its `retry:` says so. */
  function exchangeOn(step: ProtocolStep, open: OpenSession, stepTimeoutMs: number): Promise<StepOutcome> {
    const exchange = (): Promise<StepOutcome> => sendAndCheck(step, open, stepTimeoutMs);
    return step.kind === 'send' && step.retry ? retrying(step.retry, exchange, signal) : exchange();
  }

  /** The steps that use no session's connection: sleep, roundtrip, audit. */
  async function performOffSession(step: Extract<Step, { kind: 'sleep' | 'roundtrip' | 'audit' }>, stepTimeoutMs: number): Promise<StepOutcome> {
    if (step.kind === 'sleep') {
      await delay(step.ms, undefined, { signal });
      return {};
    }
    if (step.kind === 'roundtrip') {
      const diff = compareMessages(scope, step);
      return diff ? { failure: diff } : {};
    }
    // An audit: its own probe connections to the session's target; the session's connection is left alone.
    const { checks, levels, match } = step;
    const audit = { checks, levels, ...(match ? { match: compile(match) } : {}) };
    const sink = transcript.sink(`${step.session}:audit`);
    const { protocol } = scenario.sessions[step.session]!;
    return abortable(runAuditStep({ ...audit, protocol, endpoint: targets[step.session]!.endpoint, timeoutMs: stepTimeoutMs, signal, startNs, sink }), aborted);
  }

  /** Performs a protocol step's action once on its session and checks the reply. */
  async function sendAndCheck(step: ProtocolStep, { driver, session }: OpenSession, stepTimeoutMs: number): Promise<StepOutcome> {
    const made = toAction(step, scope, stepTimeoutMs);
    const action = made instanceof Promise ? await made : made;
    for (const secret of actionSecrets(action)) transcript.addSecret(secret);
    const clock = action.kind === 'idle' && step.kind === 'idle' && step.during ? duringOf(step, step.during) : undefined;
    if (clock && action.kind === 'idle') action.during = clock;
    const sentAt = process.hrtime.bigint();
    let reply;
    try {
      reply = await abortable(session.perform(action, { timeoutMs: stepTimeoutMs, signal }), aborted);
    } catch (err) {
      if (step.kind === 'expect_close' && toMailprobeError(err).code === ErrorCode.TIMEOUT) {
        return { failure: { kind: 'assertion', code: AssertCode.CLOSE, message: `server did not close the connection within ${formatDuration(stepTimeoutMs)}`, expected: 'connection closed by server', actual: 'connection still open' } };
      }
      throw err;
    }
    const delivery = clock?.latencyMs();
    if (delivery !== undefined) options.onDelivery?.(delivery);
    // `within:` of an IDLE with `during:` bounds the delivery latency, not the whole wait.
    const latencyMs = delivery ?? elapsedMs(sentAt);
    if (step.kind === 'close' || step.kind === 'expect_close') {
      sessions.delete(step.session);
      await session.close();
    }
    if (step.kind === 'message' && step.as && action.kind === 'message') {
      const messageId = messageIdOf(action.bytes);
      scope.keep(step.as, messageId === undefined ? { bytes: action.bytes } : { bytes: action.bytes, messageId });
    }
    const expectation: Expectation | undefined = step.expect ?? defaultExpectation(driver, action.kind);
    if (!reply) {
      if (expectation) throw new MailprobeError(ErrorCode.PROTOCOL, `${stepLabel(step)} read no reply to check`);
      return {};
    }
    const summary = { status: reply.status, text: clipReply(reply.text, transcript) };
    if (!expectation) return { reply: summary };
    const outcome = checkReply({ expectation, reply, driver, latencyMs, compile });
    if (!outcome.ok) {
      const f = outcome.failure;
      if (f.actual !== undefined) f.actual = clipReply(f.actual, transcript);
      return { failure: f, reply: summary };
    }
    for (const name in outcome.captures) scope.set(name, outcome.captures[name]!);
    return { reply: summary };
  }

  try {
    for (const [name, spec] of Object.entries(scenario.sessions)) {
      targets[name] = resolveSessionTarget(spec.target === undefined ? spec : { ...spec, target: scope.text(spec.target) }, options.targets);
    }
    for (const secret of scope.secretValues()) transcript.addSecret(secret);
  } catch (err) {
    failure = errorFailure(err);
    skipped = err instanceof MissingTargetError;
  }

  /** An IDLE's `during:` steps: the `count` steps after it, each run (and its result kept) in its place. */
  function duringOf(idle: Step, count: number): DeliveryClock {
    const first = scenario.steps.indexOf(idle) + 1;
    return new DeliveryClock(count, async (k) => {
      await runStep(first + k);
      return steps[first + k]!;
    });
  }

  /** Runs the step at `position` of the scenario's steps and keeps its result at the same position. */
  async function runStep(position: number): Promise<void> {
    const step = scenario.steps[position]!;
    if (failure || signal.aborted) {
      steps[position] = resultOf(step, options.signal.aborted ? 'interrupted' : 'skipped', elapsedMs(startNs), 0);
      return;
    }
    const stepStart = process.hrtime.bigint();
    const stepTimeoutMs = step.timeoutMs ?? timeoutMs;
    let result: StepOutcome;
    try {
      result = await perform(step, stepTimeoutMs);
    } catch (err) {
      const reason = signal.aborted ? signal.reason : err;
      // Only a step inside an IDLE's `during:` fails while another runs: its failure is the run's.
      result = failure ? { skipped: 'a step inside its `during:` did not pass' } : { failure: errorFailure(reason) };
    }
    const outcome = result.failure ? outcomeOf(result.failure, options.signal) : result.skipped === undefined ? 'passed' : 'skipped';
    const stepResult = resultOf(step, outcome, Number(stepStart - startNs) / 1e6, elapsedMs(stepStart));
    if (result.reply) stepResult.reply = result.reply;
    if (result.attempts !== undefined) stepResult.attempts = result.attempts;
    if (result.skipped !== undefined) stepResult.reason = transcript.mask(result.skipped);
    if (result.failure) {
      result.failure.message = transcript.mask(result.failure.message);
      failure = { ...result.failure, span: step.span, step: step.index };
      stepResult.failure = failure;
    }
    steps[position] = stepResult;
  }

  /** A step's result, its fields always in one order (one object shape for every step of every run). */
  function resultOf(step: Step, outcome: Outcome, startMs: number, durationMs: number): StepResult {
    const label = transcript.mask(stepLabel(step));
    return { index: step.index, label, kind: step.kind, session: step.session, span: step.span, outcome, startMs, durationMs };
  }

  // An IDLE runs its `during:` steps itself; the loop finds their places filled.
  for (let position = 0; position < scenario.steps.length; position++) {
    if (steps[position] === undefined) await runStep(position);
  }

  clearTimeout(deadlineTimer);
  options.signal.removeEventListener('abort', forwardInterrupt);
  await Promise.all([...sessions.values()].map(({ session }) => session.close()));
  const outcome: Outcome = skipped
    ? 'skipped'
    : failure
      ? outcomeOf(failure, options.signal)
      : 'passed';
  const result: ScenarioResult = {
    name: scenario.name,
    repetition: options.repetition,
    file: scenario.file,
    span: scenario.span,
    tags: scenario.tags,
    protocol: scenario.protocol,
    targets: Object.fromEntries(Object.entries(targets).map(([name, t]) => [name, t.endpoint.url])),
    outcome,
    startedAt,
    durationMs: elapsedMs(startNs),
    steps,
    transcript: transcript.entries(),
    transcriptTruncated: transcript.truncated,
  };
  if (failure) result.failure = failure;
  return result;
}

function outcomeOf(failure: Failure, interrupt: AbortSignal): Outcome {
  if (interrupt.aborted) return 'interrupted';
  return failure.kind === 'assertion' ? 'failed' : 'error';
}

/** Each driver's default expectations by action kind, made once: a load asks at every message step. */
const defaultExpectations = new WeakMap<ProtocolDriver, Map<ActionKind, Expectation | undefined>>();

function defaultExpectation(driver: ProtocolDriver, kind: ActionKind): Expectation | undefined {
  let byKind = defaultExpectations.get(driver);
  if (!byKind) defaultExpectations.set(driver, (byKind = new Map()));
  if (!byKind.has(kind)) {
    const status = driver.defaultStatus(kind);
    byKind.set(kind, status ? { status, match: [], notMatch: [], untagged: [], capture: {} } : undefined);
  }
  return byKind.get(kind);
}

/**
 * One HTTP scenario as an autocannon request sequence, and its runs as the load model counts them. Each
 * connection is a virtual user; one pass through the scenario's requests is a run, with its own variables
 * (`${vu}`, `${iteration}`, `${seq}`, captures) and the same checks as `mailprobe run` (runner/expect.ts):
 * a step that fails ends its run, which is then handed over as a plain ScenarioResult, so that the load's
 * metrics, thresholds and reports stay those of the mail protocols. Never prints; no timers.
 * Imports runner/{expect,scope,steps}, protocols/http, scenario/ and results/ types, load/http-autocannon.
 */
import type { Expectation, Pattern, RequestStep, Scenario } from '../scenario/types.js';
import { AssertCode, type Failure, type ScenarioResult, type StepResult } from '../results/types.js';
import type { Reply } from '../protocols/types.js';
import { compilePattern } from '../scenario/pattern.js';
import { checkReply } from '../runner/expect.js';
import { Scope } from '../runner/scope.js';
import { stepLabel } from '../runner/steps.js';
import { httpDriver } from '../protocols/http/driver.js';
import { headerMap } from '../protocols/http/headers.js';
import { socketError } from '../wire/socket-errors.js';
import { ErrorCode, MailprobeError, toMailprobeError } from '../util/errors.js';
import { formatDuration } from '../util/duration.js';
import type { AutocannonClient, AutocannonRequest, SequenceContext } from './http-autocannon.js';

/** A finished run, as the HTTP load hands it to the metrics. */
export interface HttpRun {
  result: ScenarioResult;
  /** The requests' latencies added up (autocannon times each from its write to the response's last byte). */
  latencyMs: number;
  bytesSent: number;
  bytesReceived: number;
  startNs: bigint;
  endNs: bigint;
}

export interface HttpRunsOptions {
  env: NodeJS.ProcessEnv;
  /** Each request's timeout (autocannon's), for messages. */
  timeoutMs: number;
  /** The global numbers of the virtual users this scenario gets, one per connection. */
  virtualUsers: readonly number[];
  /** The next run-wide sequence number (unique across scenarios and shards). */
  nextSeq: () => number;
  /** Called as each run ends, passed or not; runs cut short by the end of the load are never reported. */
  onRun: (run: HttpRun) => void;
}

/** errno values of a connection that never came up (the rest are a dropped connection). */
const CONNECT_ERRNO = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT']);

interface ActiveRun {
  iteration: number;
  scope: Scope;
  startNs: bigint;
  steps: StepResult[];
  latencyMs: number;
  bytesSent: number;
  bytesReceived: number;
  /** The outcome of the step whose response autocannon is about to report. */
  checked?: { reply: Reply; failure?: Failure };
}

class VirtualUser {
  iteration = 0;
  run: ActiveRun | undefined;
  /** A run autocannon abandoned by starting the sequence over; the event saying why follows at once. */
  cutShort: ActiveRun | undefined;
  constructor(readonly vu: number) {}
}

export class HttpRuns {
  private readonly steps: RequestStep[];
  private readonly users = new Map<number, VirtualUser>();
  /** Each step's expectation without `within`: the budget is checked on the response event, which has the time. */
  private readonly expectations: Expectation[];
  /** Patterns without placeholders (nor g, y flags), compiled once for the whole load. */
  private readonly patterns = new Map<Pattern, RegExp>();
  private nextUser = 0;

  constructor(
    private readonly scenario: Scenario,
    private readonly options: HttpRunsOptions,
  ) {
    this.steps = scenario.steps.filter((step): step is RequestStep => step.kind === 'request');
    if (this.steps.length !== scenario.steps.length) {
      throw new MailprobeError(ErrorCode.CONFIG, `${scenario.file}: an HTTP load runs request steps only (autocannon cannot sleep between requests)`);
    }
    this.expectations = this.steps.map((step) => ({ ...step.expect!, withinMs: undefined }));
    for (const e of this.expectations) {
      const all = [...e.match, ...e.notMatch, ...Object.values(e.capture), ...Object.values(e.captureHeaders ?? {}).flatMap((h) => h.pattern ?? [])];
      // A global or sticky regex keeps state between uses: compiled afresh each time.
      for (const p of all) if (p !== 'body' && !p.source.includes('${') && !/[gy]/.test(p.flags)) this.patterns.set(p, compilePattern(p, p.source));
    }
  }

  /** The sequence for autocannon; each request is built at its turn from the virtual user's variables. */
  requests(): AutocannonRequest[] {
    // The first request uses no capture: built once here so that a broken template stops the load before it starts.
    const first = build(this.steps[0]!, new Scope(this.scenario.vars, { seq: 0, vu: 0, iteration: 0 }, this.options.env));
    return this.steps.map((_step, index) => ({
      ...first,
      setupRequest: (_request, context) => this.setup(index, context, first),
      onResponse: (status, body, context, headers) => this.check(index, status, body, context, headers),
    }));
  }

  /** Gives each new connection the next virtual user, and listens to what autocannon reports of it. */
  readonly setupClient = (client: AutocannonClient): void => {
    const vu = this.options.virtualUsers[this.nextUser++ % this.options.virtualUsers.length]!;
    const user = new VirtualUser(vu);
    this.users.set(vu, user);
    const iterator = client.requestIterator;
    iterator.initialContext = { vu };
    iterator.resetContext();
    iterator.rebuildRequest(); // the first request was built before the client knew its user
    client.on('response', (_status: number, bytes: number, durationMs: number) => {
      this.responded(user, iterator.currentRequestIndex, iterator.currentRequest.requestBuffer?.length ?? 0, bytes, durationMs);
    });
    const timeout = new MailprobeError(ErrorCode.TIMEOUT, `no response within ${formatDuration(this.options.timeoutMs)}`);
    client.on('timeout', () => this.broken(user, timeout));
    client.on('connError', (err: NodeJS.ErrnoException) => {
      this.broken(user, socketError(err, CONNECT_ERRNO.has(err.code ?? '') ? 'connect' : 'session', 'the target', 'waiting for a response'));
    });
  };

  /** Builds request `index` for the context's user; null ends the pass (autocannon starts over at 0). */
  private setup(index: number, context: SequenceContext, first: AutocannonRequest): AutocannonRequest | null {
    const user = context.vu === undefined ? undefined : this.users.get(context.vu);
    if (!user) return first; // built while the client is being made: rebuilt once it has a user
    if (index === 0) {
      // On a timeout autocannon reconnects and starts the next request before it emits `timeout`.
      if (user.run) this.cutShort(user, user.run);
      user.iteration++;
      const builtins = { seq: this.options.nextSeq(), vu: user.vu, iteration: user.iteration };
      user.run = { iteration: user.iteration, scope: new Scope(this.scenario.vars, builtins, this.options.env), startNs: process.hrtime.bigint(), steps: [], latencyMs: 0, bytesSent: 0, bytesReceived: 0 };
    }
    const run = user.run;
    if (!run || run.steps.length !== index) return index === 0 ? first : null;
    try {
      return build(this.steps[index]!, run.scope);
    } catch (err) {
      this.finish(user, run, { ...errorFailure(err), step: index });
      return index === 0 ? first : null;
    }
  }

  private check(index: number, status: number, body: string, context: SequenceContext, headers: Record<string, string | string[]>): void {
    const run = context.vu === undefined ? undefined : this.users.get(context.vu)?.run;
    if (!run || run.steps.length !== index) return;
    const pairs = Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v]));
    const expectation = this.expectations[index]!;
    const reply: Reply = { status: String(status), text: body, headers: headerMap(pairs) };
    if (Object.values(expectation.capture).includes('body')) reply.body = Buffer.from(body, 'utf8');
    const compile = (p: Pattern): RegExp => this.patterns.get(p) ?? compilePattern(p, run.scope.text(p.source));
    try {
      const outcome = checkReply({ expectation, reply, driver: httpDriver, latencyMs: 0, compile });
      if (outcome.ok) for (const [name, value] of Object.entries(outcome.captures)) run.scope.set(name, value);
      run.checked = outcome.ok ? { reply } : { reply, failure: outcome.failure };
    } catch (err) {
      run.checked = { reply, failure: errorFailure(err) };
    }
  }

  private responded(user: VirtualUser, index: number, sent: number, received: number, durationMs: number): void {
    const run = user.run;
    if (!run?.checked || run.steps.length !== index) return;
    const step = this.steps[index]!;
    const { reply } = run.checked;
    let failure = run.checked.failure;
    const within = step.expect?.withinMs;
    if (!failure && within !== undefined && durationMs > within) {
      failure = { kind: 'assertion', code: AssertCode.WITHIN, message: `reply took ${Math.round(durationMs)}ms, over the ${within}ms budget` };
    }
    run.checked = undefined;
    run.bytesSent += sent;
    run.bytesReceived += received;
    run.steps.push({
      ...this.stepBase(index, run),
      outcome: failure ? (failure.kind === 'assertion' ? 'failed' : 'error') : 'passed',
      durationMs,
      reply: { status: reply.status, text: '' },
    });
    run.latencyMs += durationMs;
    if (failure) this.finish(user, run, { ...failure, step: index });
    else if (index === this.steps.length - 1) this.finish(user, run);
  }

  private cutShort(user: VirtualUser, run: ActiveRun): void {
    user.cutShort = run;
    queueMicrotask(() => {
      if (user.cutShort !== run) return;
      user.cutShort = undefined;
      this.broken(user, new MailprobeError(ErrorCode.CLOSED, 'the connection was reset before the run ended'), run);
    });
  }

  /** A timeout or a dropped connection: the run ends with that error on the step that waited. */
  private broken(user: VirtualUser, err: MailprobeError, run = user.cutShort ?? user.run): void {
    if (!run) return;
    if (run === user.cutShort) user.cutShort = undefined;
    const index = run.steps.length;
    const failure: Failure = { kind: 'error', code: err.code, message: err.message, step: index };
    run.steps.push({ ...this.stepBase(index, run), outcome: 'error', durationMs: 0, failure });
    this.finish(user, run, failure);
  }

  private stepBase(index: number, run: ActiveRun): Omit<StepResult, 'outcome' | 'durationMs'> {
    const step = this.steps[index]!;
    return { index, label: stepLabel(step), kind: step.kind, session: step.session, span: step.span, startMs: run.latencyMs };
  }

  private finish(user: VirtualUser, run: ActiveRun, failure?: Failure): void {
    if (user.run === run) user.run = undefined;
    const { scenario } = this;
    const result: ScenarioResult = {
      name: scenario.name,
      repetition: run.iteration,
      file: scenario.file,
      span: scenario.span,
      tags: scenario.tags,
      protocol: scenario.protocol,
      targets: {},
      outcome: failure ? (failure.kind === 'assertion' ? 'failed' : 'error') : 'passed',
      startedAt: '',
      durationMs: run.latencyMs,
      steps: run.steps,
      transcript: [],
      transcriptTruncated: false,
      ...(failure ? { failure } : {}),
    };
    const { latencyMs, bytesSent, bytesReceived, startNs } = run;
    this.options.onRun({ result, latencyMs, bytesSent, bytesReceived, startNs, endNs: process.hrtime.bigint() });
  }
}

/** The step's request with this run's variables (repeated header names: the last one wins). */
function build(step: RequestStep, scope: Scope): AutocannonRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of step.headers) headers[name] = scope.text(value);
  return {
    method: step.method,
    path: scope.text(step.path),
    headers,
    ...(step.body === undefined ? {} : { body: Buffer.from(scope.text(step.body), 'utf8') }),
  };
}

function errorFailure(err: unknown): Failure {
  const e = toMailprobeError(err, ErrorCode.CONFIG);
  return { kind: 'error', code: e.code, message: e.message };
}

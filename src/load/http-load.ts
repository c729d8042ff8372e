/**
 * `mailprobe load` for `protocol: http` scenarios (web mail, JMAP): the requests go out through autocannon,
 * one instance per scenario, its connections being the virtual users; the runs feed the same LoadMetrics as
 * the mail engine, so latency histograms, errors by cause and by status code, the per-second series,
 * thresholds and reports are the same (and shards merge exactly). What autocannon decides differs:
 * - all connections open at once (no ramp-up);
 * - `--rate` becomes autocannon's `overallRate` (requests per second, a whole number per connection): a
 *   cap on each connection, not an open loop, so arrivals are never dropped and a slow server lowers the rate;
 * - request timeouts are whole seconds, at least 1 s;
 * - autocannon never verifies certificates, so a verifying target is checked with one TLS handshake first.
 * Emits a progress tick each second; never prints. Imports load/ modules, runner/targets, wire/connect.
 */
import { DEFAULT_SESSION, type Scenario } from '../scenario/types.js';
import { resolveSessionTarget, type Target } from '../runner/targets.js';
import { Scope } from '../runner/scope.js';
import { connect } from '../wire/connect.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';
import { finishLoad, type LoadOptions } from './engine.js';
import { autocannon, type AutocannonInstance } from './http-autocannon.js';
import { HttpRuns, type HttpRun } from './http-runs.js';
import { LoadMetrics } from './metrics.js';
import { shareOf } from './settings.js';
import { planSteps } from './step-names.js';
import { parseThresholds } from './thresholds.js';
import type { LoadResult } from './types.js';
import { RunWire } from './wire-timing.js';

const TICK_MS = 1000;
/** A load bounded by iterations only still needs an autocannon duration: a day, stopped long before. */
const UNBOUNDED_S = 24 * 60 * 60;

/** Whether these scenarios load through autocannon; a mix with mail scenarios is refused. */
export function isHttpLoad(scenarios: readonly Scenario[]): boolean {
  const http = scenarios.filter((s) => s.protocol === 'http');
  if (http.length > 0 && http.length < scenarios.length) {
    throw new MailprobeError(ErrorCode.CONFIG, 'HTTP scenarios load through autocannon: run them in a load of their own, apart from SMTP, POP3 and IMAP scenarios');
  }
  return http.length > 0;
}

/** The i-th of n near-equal parts of `items` (the remainder to the first parts). */
function slice<T>(items: readonly T[], i: number, n: number): T[] {
  const size = Math.floor(items.length / n);
  const extra = items.length % n;
  const start = i * size + Math.min(i, extra);
  return items.slice(start, start + size + (i < extra ? 1 : 0));
}

function targetOf(scenario: Scenario, options: LoadOptions): Target {
  const sessions = Object.keys(scenario.sessions);
  if (sessions.length !== 1 || sessions[0] !== DEFAULT_SESSION) {
    throw new MailprobeError(ErrorCode.CONFIG, `${scenario.file}: an HTTP load takes scenarios with one session (\`protocol: http\`), not named sessions`);
  }
  const spec = scenario.sessions[DEFAULT_SESSION]!;
  const scope = new Scope(scenario.vars, { seq: 0, vu: 0, iteration: 0 }, options.env);
  return resolveSessionTarget(spec.target === undefined ? spec : { ...spec, target: scope.text(spec.target) }, options.targets);
}

/** autocannon does not verify certificates: one verified handshake before any request carries a credential. */
async function verifyTls(target: Target, timeoutMs: number): Promise<void> {
  if (target.endpoint.tls !== 'implicit' || !target.endpoint.verify) return;
  const connection = await connect(target.endpoint, { connectTimeoutMs: timeoutMs, transcript: { record: () => undefined } });
  await connection.close();
}

export async function runHttpLoad(scenarios: readonly Scenario[], options: LoadOptions): Promise<LoadResult> {
  const { settings } = options;
  const thresholds = parseThresholds(settings.thresholds);
  if (settings.rampUpMs > 0) throw new MailprobeError(ErrorCode.CONFIG, 'an HTTP load has no ramp-up: autocannon opens every connection at once');
  const share = shareOf(settings);
  const targets = scenarios.map((scenario) => targetOf(scenario, options));
  for (const [i, target] of targets.entries()) await verifyTls(target, options.timeoutMs ?? scenarios[i]!.timeoutMs);

  const startedAt = new Date().toISOString();
  const startNs = process.hrtime.bigint();
  const measureStartNs = startNs + BigInt(settings.warmupMs) * 1_000_000n;
  const metrics = new LoadMetrics(scenarios, scenarios.map(planSteps), measureStartNs);
  const wire = new RunWire();
  const instances: AutocannonInstance[] = [];
  const stopAll = (): void => instances.forEach((instance) => instance.stop());
  let measuredStarted = 0;
  let seq = 0;

  const record = (scenarioIndex: number, run: HttpRun): void => {
    if (run.startNs < measureStartNs) return metrics.recordWarmup();
    if (share.iterations !== undefined && measuredStarted >= share.iterations) return;
    measuredStarted++;
    wire.reset();
    wire.bytesSent = run.bytesSent;
    wire.bytesReceived = run.bytesReceived;
    metrics.record({ scenarioIndex, result: run.result, wire, latencyMs: run.latencyMs, endNs: run.endNs });
    if (measuredStarted === share.iterations) stopAll();
  };

  const connectionsTotal = settings.mode === 'open' ? Math.min(settings.connections, share.maxInFlight) : share.virtualUsers.length;
  const durationS = settings.durationMs === undefined ? UNBOUNDED_S : (settings.warmupMs + settings.durationMs) / 1000;
  for (const [i, scenario] of scenarios.entries()) {
    const virtualUsers = settings.mode === 'open' ? Array.from({ length: connectionsTotal }, (_, k) => k * share.shard.count + share.shard.index) : share.virtualUsers;
    const mine = slice(virtualUsers, i, scenarios.length);
    if (mine.length === 0) throw new MailprobeError(ErrorCode.CONFIG, `${scenarios.length} HTTP scenarios need at least as many connections`);
    // autocannon counts request timeouts in whole seconds, at least one.
    const timeoutS = Math.max(1, Math.ceil((options.timeoutMs ?? scenario.timeoutMs) / 1000));
    const runs = new HttpRuns(scenario, {
      env: options.env,
      timeoutMs: timeoutS * 1000,
      virtualUsers: mine,
      nextSeq: () => seq++ * share.shard.count + share.shard.index,
      onRun: (run) => record(i, run),
    });
    const requests = runs.requests();
    const { endpoint } = targets[i]!;
    const rate = share.rate === undefined ? undefined : Math.max(1, Math.round((share.rate * requests.length) / scenarios.length));
    instances.push(
      autocannon({
        url: endpoint.url.replace(/\?.*/, ''),
        connections: mine.length,
        duration: durationS,
        timeout: timeoutS,
        requests,
        setupClient: runs.setupClient,
        ...(rate === undefined ? {} : { overallRate: rate }),
        ...(endpoint.servername === undefined ? {} : { servername: endpoint.servername }),
        ...(endpoint.ca === undefined ? {} : { tlsOptions: { ca: endpoint.ca } }),
      }),
    );
  }

  const onAbort = (): void => stopAll();
  options.signal.addEventListener('abort', onAbort, { once: true });
  if (options.signal.aborted) stopAll();
  const ticker = setInterval(() => {
    const now = process.hrtime.bigint();
    options.events?.tick?.({ ...metrics.progress(now), inFlight: connectionsTotal, warmingUp: now < measureStartNs });
  }, TICK_MS);
  try {
    await Promise.all(instances);
  } finally {
    clearInterval(ticker);
    options.signal.removeEventListener('abort', onAbort);
  }
  return finishLoad(metrics, options, startedAt, thresholds);
}

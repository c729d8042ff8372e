/**
 * Thresholds for CI gating: `p99<250ms`, `step:DATA p95<100ms`, `scenario:NAME p50<=20ms`, `connect p99<5ms`,
 * `tls p99<20ms`, `delivery p99<2s` (submit→visible), `errors<0.1%`, `errors<=3` (a count), `rate>500/s` (scenario runs), `messages>500/s`.
 * Parsed before anything is sent; evaluated against a finished LoadResult (merged or not), step percentiles
 * from the step's histograms merged over every scenario that has a step of that name.
 * Imports util/ and load/ modules.
 */
import { ErrorCode, MailprobeError } from '../util/errors.js';
import { latencyStats, mergeEncoded } from './histogram.js';
import type { LatencyStats, LoadResult, ThresholdResult } from './types.js';

type Subject = { kind: 'all' } | { kind: 'connect' } | { kind: 'tls' } | { kind: 'delivery' } | { kind: 'step'; name: string } | { kind: 'scenario'; name: string };
type Statistic = { kind: 'percentile'; percentile: number } | { kind: 'max' | 'min' | 'mean' };
type Metric = { kind: 'latency'; statistic: Statistic } | { kind: 'errorRate' } | { kind: 'errorCount' } | { kind: 'runRate' } | { kind: 'messageRate' };
type Operator = '<' | '<=' | '>' | '>=';

export interface Threshold {
  expression: string;
  subject: Subject;
  metric: Metric;
  operator: Operator;
  limit: number;
}

const EXPRESSION =
  /^\s*(?:(step|scenario):(.+?)\s+|(connect|tls|delivery)\s+)?(p\d+(?:\.\d+)?|max|min|mean|avg|errors|rate|messages)\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)?)\s*(ms|s|%|\/s)?\s*$/;

function invalid(expression: string, why: string): MailprobeError {
  return new MailprobeError(ErrorCode.CONFIG, `--threshold "${expression}": ${why}`);
}

function statisticOf(word: string, expression: string): Statistic {
  if (word === 'max' || word === 'min' || word === 'mean') return { kind: word };
  if (word === 'avg') return { kind: 'mean' };
  const percentile = Number(word.slice(1));
  if (!(percentile > 0 && percentile <= 100)) throw invalid(expression, `${word} is not a percentile between p0 and p100`);
  return { kind: 'percentile', percentile };
}

export function parseThreshold(expression: string): Threshold {
  const m = EXPRESSION.exec(expression);
  if (!m) {
    throw invalid(expression, 'expected [step:NAME |scenario:NAME |connect |tls |delivery ]METRIC OP VALUE, e.g. "p99<250ms", "step:DATA p95<100ms", "delivery p99<2s", "errors<0.1%", "rate>500/s"');
  }
  const [, selector, name, wireSubject, word, op, number, unit] = m;
  const subject: Subject = selector ? { kind: selector as 'step' | 'scenario', name: name! } : wireSubject ? { kind: wireSubject as 'connect' | 'tls' | 'delivery' } : { kind: 'all' };
  const operator = op as Operator;
  let limit = Number(number);
  let metric: Metric;
  if (word === 'errors') {
    if (unit !== undefined && unit !== '%') throw invalid(expression, 'errors take a percentage (0.1%) or a count (5)');
    if (subject.kind === 'connect' || subject.kind === 'tls' || subject.kind === 'delivery' || subject.kind === 'step') throw invalid(expression, 'errors are counted per run: use them alone or with scenario:NAME');
    metric = unit === '%' ? { kind: 'errorRate' } : { kind: 'errorCount' };
  } else if (word === 'rate' || word === 'messages') {
    if (unit !== undefined && unit !== '/s') throw invalid(expression, `${word} is per second (e.g. ${word}>500/s)`);
    if (subject.kind !== 'all' && !(subject.kind === 'scenario' && word === 'rate')) throw invalid(expression, `${word} applies to the whole run${word === 'rate' ? ' or to scenario:NAME' : ''}`);
    metric = word === 'rate' ? { kind: 'runRate' } : { kind: 'messageRate' };
  } else {
    if (unit === '%' || unit === '/s') throw invalid(expression, 'a latency takes ms or s');
    // Fractions of a millisecond matter here (p50<0.5ms), so no rounding through parseDuration.
    if (unit === 's') limit *= 1000;
    metric = { kind: 'latency', statistic: statisticOf(word!, expression) };
  }
  return { expression: expression.trim(), subject, metric, operator, limit };
}

/** Parses every threshold, so that a typo stops the run before it starts. */
export function parseThresholds(expressions: readonly string[]): Threshold[] {
  return expressions.map(parseThreshold);
}

function compare(actual: number, operator: Operator, limit: number): boolean {
  switch (operator) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
  }
}

function statisticValue(stats: LatencyStats, statistic: Statistic): { value: number; label: string } {
  if (statistic.kind !== 'percentile') {
    const value = statistic.kind === 'max' ? stats.maxMs : statistic.kind === 'min' ? stats.minMs : stats.meanMs;
    return { value, label: statistic.kind };
  }
  const histogram = mergeEncoded([stats.histogram]);
  const value = histogram.totalCount === 0 ? 0 : histogram.getValueAtPercentile(statistic.percentile) / 1000;
  histogram.destroy();
  return { value, label: `p${statistic.percentile}` };
}

function subjectLabel(subject: Subject): string {
  switch (subject.kind) {
    case 'all':
      return 'scenario runs';
    case 'connect':
      return 'connect';
    case 'tls':
      return 'TLS handshake';
    case 'delivery':
      return 'delivery (submit→visible)';
    case 'step':
      return `step ${subject.name}`;
    case 'scenario':
      return `scenario "${subject.name}"`;
  }
}

/** The latency stats a subject names, or why there are none. */
function latencyOf(subject: Subject, result: LoadResult): LatencyStats | string {
  switch (subject.kind) {
    case 'all':
      return result.latency;
    case 'connect':
      return result.connect;
    case 'tls':
      return result.tls;
    case 'delivery':
      return result.delivery ?? 'no delivery latency in this result (written before it existed)';
    case 'scenario': {
      const scenario = result.scenarios.find((s) => s.name === subject.name);
      return scenario ? scenario.latency : `no scenario named "${subject.name}" in this run`;
    }
    case 'step': {
      const steps = result.scenarios.flatMap((s) => s.steps.filter((step) => step.name === subject.name));
      if (steps.length === 0) {
        const known = [...new Set(result.scenarios.flatMap((s) => s.steps.map((step) => step.name)))].join(', ');
        return `no step named "${subject.name}" (steps: ${known})`;
      }
      return latencyStats(mergeEncoded(steps.map((s) => s.latency.histogram)));
    }
  }
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

function measure(threshold: Threshold, result: LoadResult): { actual: number; text: string } | string {
  const { subject, metric } = threshold;
  const seconds = result.elapsedMs / 1000;
  const scenario = subject.kind === 'scenario' ? result.scenarios.find((s) => s.name === subject.name) : undefined;
  if (subject.kind === 'scenario' && !scenario) return `no scenario named "${subject.name}" in this run`;
  const counts = scenario ?? result.totals;
  switch (metric.kind) {
    case 'latency': {
      const stats = latencyOf(subject, result);
      if (typeof stats === 'string') return stats;
      if (stats.count === 0) return `no ${subjectLabel(subject)} were measured`;
      const { value, label } = statisticValue(stats, metric.statistic);
      return { actual: round(value), text: `${label} of ${subjectLabel(subject)} was ${round(value)}ms` };
    }
    case 'errorRate':
    case 'errorCount': {
      const bad = counts.failed + counts.errors;
      if (metric.kind === 'errorCount') return { actual: bad, text: `${bad} of ${counts.runs} ${subjectLabel(subject)} failed` };
      if (counts.runs === 0) return `no ${subjectLabel(subject)} completed`;
      const percent = round((bad / counts.runs) * 100);
      return { actual: percent, text: `${percent}% of ${counts.runs} ${subjectLabel(subject)} failed` };
    }
    case 'runRate':
    case 'messageRate': {
      if (seconds <= 0) return 'nothing was measured';
      const amount = metric.kind === 'runRate' ? counts.runs : result.totals.messages;
      const rate = round(amount / seconds);
      return { actual: rate, text: `${metric.kind === 'runRate' ? 'rate' : 'messages'} was ${rate}/s` };
    }
  }
}

function limitText(threshold: Threshold): string {
  const unit = threshold.metric.kind === 'latency' ? 'ms' : threshold.metric.kind === 'errorRate' ? '%' : threshold.metric.kind === 'errorCount' ? '' : '/s';
  return `${threshold.operator} ${threshold.limit}${unit}`;
}

/** Every threshold against a finished result: broken ones (and those that measured nothing) are not ok. */
export function evaluateThresholds(thresholds: readonly Threshold[], result: LoadResult): ThresholdResult[] {
  return thresholds.map((threshold) => {
    const measured = measure(threshold, result);
    if (typeof measured === 'string') {
      return { expression: threshold.expression, ok: false, message: `${threshold.expression}: ${measured}` };
    }
    const ok = compare(measured.actual, threshold.operator, threshold.limit);
    return {
      expression: threshold.expression,
      ok,
      actual: measured.actual,
      message: `${threshold.expression}: ${measured.text} (limit ${limitText(threshold)})${ok ? '' : ' — broken'}`,
    };
  });
}

/**
 * Checks one reply against a step's expectation and extracts captures. Protocol-neutral: what a status
 * means is asked of the protocol driver. Returns failures as data (assertions are not exceptions).
 */
import type { Expectation, Pattern } from '../scenario/types.js';
import type { ProtocolDriver, Reply } from '../protocols/types.js';
import { AssertCode, type Failure } from '../results/types.js';
import type { VarValue } from '../scenario/interpolate.js';

export interface CheckInput {
  expectation: Expectation;
  reply: Reply;
  driver: ProtocolDriver;
  /** Milliseconds from sending the command to the complete reply. */
  latencyMs: number;
  /** Compiles a pattern after interpolating its source. */
  compile: (pattern: Pattern) => RegExp;
}

export type CheckOutcome = { ok: true; captures: Record<string, VarValue> } | { ok: false; failure: Failure };

function fail(code: string, message: string, expected: string, actual: string): CheckOutcome {
  return { ok: false, failure: { kind: 'assertion', code, message, expected, actual } };
}

function describePattern(p: Pattern): string {
  return `/${p.source}/${p.flags}`;
}

/** Captures: named groups when the regex has any, else the first group, else the whole match. */
function captureFrom(match: RegExpExecArray, name: string): Record<string, string> {
  if (match.groups && Object.keys(match.groups).length > 0) {
    const out: Record<string, string> = {};
    for (const [group, value] of Object.entries(match.groups)) if (value !== undefined) out[group] = value;
    return out;
  }
  return { [name]: match[1] ?? match[0] };
}

/** The outcome of every check without captures: one shared object, never changed. */
const PASSED: CheckOutcome = { ok: true, captures: {} };

function statusMatches(driver: ProtocolDriver, actual: string, expected: string[]): boolean {
  for (const s of expected) if (driver.statusMatches(actual, s)) return true;
  return false;
}

export function checkReply(input: CheckInput): CheckOutcome {
  const { expectation: e, reply, driver } = input;
  if (e.status && !statusMatches(driver, reply.status, e.status)) {
    const want = e.status.join(' or ');
    return fail(AssertCode.STATUS, `expected ${want}, got ${reply.status}`, want, reply.text);
  }
  for (const p of e.match) {
    if (!input.compile(p).test(reply.text)) {
      return fail(AssertCode.MATCH, `reply does not match ${describePattern(p)}`, describePattern(p), reply.text);
    }
  }
  for (const p of e.notMatch) {
    if (input.compile(p).test(reply.text)) {
      return fail(AssertCode.NOT_MATCH, `reply matches ${describePattern(p)}, which it must not`, `not ${describePattern(p)}`, reply.text);
    }
  }
  for (const p of e.untagged) {
    const re = input.compile(p);
    if (!(reply.untagged ?? []).some((line) => re.test(line))) {
      return fail(AssertCode.UNTAGGED, `no untagged line matches ${describePattern(p)}`, describePattern(p), reply.text);
    }
  }
  if (e.withinMs !== undefined && input.latencyMs > e.withinMs) {
    return fail(
      AssertCode.WITHIN,
      `reply took ${Math.round(input.latencyMs)}ms, over the ${e.withinMs}ms budget`,
      `within ${e.withinMs}ms`,
      `${Math.round(input.latencyMs)}ms`,
    );
  }
  // Loops over keys rather than Object.entries: a load checks every reply of every run.
  let captures: Record<string, VarValue> | undefined;
  for (const name in e.capture) {
    const how = e.capture[name]!;
    if (how === 'body') {
      if (!reply.body) return fail(AssertCode.CAPTURE, `capture ${name}: the reply has no body`, 'a body', reply.text);
      (captures ??= {})[name] = { bytes: reply.body };
      continue;
    }
    const match = input.compile(how).exec(reply.text);
    if (!match) {
      return fail(AssertCode.CAPTURE, `capture ${name}: reply does not match ${describePattern(how)}`, describePattern(how), reply.text);
    }
    Object.assign((captures ??= {}), captureFrom(match, name));
  }
  for (const name in e.captureHeaders) {
    const { header, pattern } = e.captureHeaders[name]!;
    const value = reply.headers?.[header.toLowerCase()];
    if (value === undefined) return fail(AssertCode.CAPTURE, `capture ${name}: the reply has no ${header} header`, `a ${header} header`, reply.text);
    const match = pattern ? input.compile(pattern).exec(value) : undefined;
    if (pattern && !match) {
      return fail(AssertCode.CAPTURE, `capture ${name}: header ${header} does not match ${describePattern(pattern)}`, describePattern(pattern), value);
    }
    (captures ??= {})[name] = match ? (match[1] ?? match[0]) : value;
  }
  return captures ? { ok: true, captures } : PASSED;
}

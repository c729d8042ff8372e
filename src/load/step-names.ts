/**
 * Metric names for a scenario's steps, worked out once before the load starts (never on the hot path):
 * the command verb of a `send:` ("EHLO", "MAIL FROM", "RCPT TO"), DATA / BDAT / APPEND for a message,
 * "greeting" for the first read of a session, and so on. A name used twice in one scenario gets "#2", "#3"
 * so that each step has its own histogram; thresholds address them as `step:NAME`.
 * Imports scenario/types only.
 */
import { DEFAULT_SESSION, type Scenario, type Step } from '../scenario/types.js';

/** Leading verb of a command line, with FROM / TO for MAIL and RCPT (RFC 5321 §4.1.1.2, §4.1.1.3). */
const COMMAND_VERB = /^\s*([A-Za-z0-9-]+)(?:\s+(FROM|TO)(?=\s*:))?/i;

function verbOf(text: string, fallback: string): string {
  const m = COMMAND_VERB.exec(text);
  if (!m) return fallback;
  return (m[2] ? `${m[1]} ${m[2]}` : m[1]!).toUpperCase();
}

function baseName(step: Step, protocol: string, firstOnSession: boolean): string {
  switch (step.kind) {
    case 'send':
      return verbOf(step.text, 'send');
    case 'raw':
      return 'raw';
    case 'read':
      return firstOnSession ? 'greeting' : 'read';
    case 'starttls':
      return 'STARTTLS';
    case 'auth':
      return `AUTH ${step.mechanism.toUpperCase()}`;
    case 'message':
      if (protocol === 'imap') return 'APPEND';
      return step.chunking ? 'BDAT' : 'DATA';
    case 'idle':
      return 'IDLE';
    case 'sleep':
      return 'sleep';
    case 'close':
      return 'close';
    case 'expect_close':
      return 'expect_close';
    case 'roundtrip':
      return 'roundtrip';
    case 'request':
      return `${step.method} ${step.path.replace(/\?.*/, '')}`;
    case 'audit':
      return 'audit';
  }
}

export interface StepPlan {
  /** Metric name per step index. */
  names: string[];
  /** Per step index: the session it opens (its first step on that session), else undefined. */
  opensSession: (string | undefined)[];
}

export function planSteps(scenario: Scenario): StepPlan {
  const seenSessions = new Set<string>();
  const used = new Map<string, number>();
  const names: string[] = [];
  const opensSession: (string | undefined)[] = [];
  for (const step of scenario.steps) {
    const wire = step.kind !== 'sleep' && step.kind !== 'roundtrip' && step.kind !== 'audit';
    const first = wire && !seenSessions.has(step.session);
    if (wire) seenSessions.add(step.session);
    opensSession.push(first ? step.session : undefined);
    const protocol = scenario.sessions[step.session]?.protocol ?? scenario.protocol;
    const prefix = step.session === DEFAULT_SESSION ? '' : `${step.session}:`;
    const base = prefix + baseName(step, protocol, first);
    const count = (used.get(base) ?? 0) + 1;
    used.set(base, count);
    names.push(count === 1 ? base : `${base}#${count}`);
  }
  return { names, opensSession };
}

/**
 * The encoding core's performance goals (issue 5, "Performance goals"), as ratios of our throughput to a
 * reference measured in the same run, and their evaluation on one case. The issue states them at 1 MiB;
 * they are evaluated at every size, so that a report shows where they hold. Imports only the report types.
 */
import type { GoalResult, ImplementationResult } from './report-types.js';

export interface Goal {
  /** Benchmark (operation) id the goal applies to. */
  operation: string;
  description: string;
  implementation: string;
  against: string;
  minRatio: number;
}

export const GOALS: readonly Goal[] = [
  { operation: 'base64-encode', description: "wrapped base64 encode ≥ 0.5× Node's native unwrapped encode", implementation: 'mailprobe', against: 'node', minRatio: 0.5 },
  { operation: 'base64-encode', description: 'wrapped base64 encode ≥ 8× libbase64', implementation: 'mailprobe', against: 'libbase64', minRatio: 8 },
  { operation: 'base64-decode', description: "base64 decode of wrapped text (from a Buffer) ≥ 1.0× Buffer.from(text, 'base64')", implementation: 'mailprobe', against: 'node', minRatio: 1 },
  { operation: 'base64-decode', description: "base64 decode of wrapped text (from a string) ≥ 1.0× Buffer.from(text, 'base64')", implementation: 'mailprobe(str)', against: 'node', minRatio: 1 },
  { operation: 'qp-encode-text', description: 'quoted-printable encode of mostly-ASCII text ≥ 10× libqp', implementation: 'mailprobe', against: 'libqp', minRatio: 10 },
  { operation: 'qp-decode-text', description: 'quoted-printable decode of mostly-ASCII text ≥ 10× libqp', implementation: 'mailprobe', against: 'libqp', minRatio: 10 },
  { operation: 'qp-encode-random', description: 'quoted-printable encode of random bytes ≥ 3× libqp', implementation: 'mailprobe', against: 'libqp', minRatio: 3 },
  { operation: 'qp-decode-random', description: 'quoted-printable decode of random bytes ≥ 3× libqp', implementation: 'mailprobe', against: 'libqp', minRatio: 3 },
];

/** Every goal of `operation`, judged on one case's timed implementations. */
export function evaluateGoals(operation: string, implementations: readonly ImplementationResult[]): GoalResult[] {
  return GOALS.filter((goal) => goal.operation === operation).map((goal) => {
    const ratio = implementations.find((i) => i.name === goal.implementation)?.ratios?.[goal.against];
    const { description, implementation, against, minRatio } = goal;
    return ratio === undefined ? { description, implementation, against, minRatio, met: null } : { description, implementation, against, minRatio, ratio, met: ratio >= minRatio };
  });
}

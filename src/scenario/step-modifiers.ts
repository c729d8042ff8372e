/**
 * Step fields that change when and how often a step runs rather than what it does: `when:` (run the step
 * only if a value matches) and `retry:` (send a command again until its expectation holds). Both are
 * checked here at load time, so that a bad regex or a step that cannot be retried is reported at
 * file:line:column before anything is sent. Imports scenario/{types,yaml-tree,build-context}.
 */
import type { Condition, Expectation, Retry, StepKind } from './types.js';
import { child, entry, type YMap } from './yaml-tree.js';
import type { BuildContext } from './build-context.js';

/** `retry: { every }` when not given: often enough to notice a delivery quickly, rare enough to stay cheap. */
export const DEFAULT_RETRY_EVERY_MS = 200;

/** Why a step of this kind cannot be sent again, for each kind that is not `send`. */
const NOT_RETRIABLE: Partial<Record<StepKind, string>> = {
  read: 'an `expect` alone reads a reply without sending anything, so there is nothing to send again',
  raw: 'raw bytes may hold several commands or half of one, so sending them again is not safe',
  message: 'sending a message again would deliver it twice',
  auth: 'a failed login changes the session (servers delay, count or drop it)',
  starttls: 'a failed STARTTLS leaves the session in a state the next attempt cannot start from',
  idle: 'IDLE already waits for what it expects (`idle: { timeout }`)',
  close: 'closing reads no reply',
  expect_close: 'the connection is gone after it',
  sleep: 'sleeping checks nothing',
  roundtrip: 'the messages it compares do not change on their own; retry the step that fetches them',
};

/** `when: { value, match, not_match }`, or undefined when absent or broken (reported). */
export function buildCondition(step: YMap, ctx: BuildContext): Condition | undefined {
  const node = child(step, 'when');
  if (node?.kind !== 'map') return undefined; // absent, or a wrong type the schema reported
  const value = ctx.template(child(node, 'value'), true);
  const patterns = (key: string) => ctx.strings(child(node, key)).map(({ text, node: item }) => ctx.pattern(item, text).pattern);
  const match = patterns('match');
  const notMatch = patterns('not_match');
  if (!child(node, 'match') && !child(node, 'not_match')) {
    ctx.issue(node.span, '`when` needs `match` or `not_match`: the regexes `value` is tested against');
    return undefined;
  }
  return value === undefined ? undefined : { value, match, notMatch };
}

/** `retry: { for, every }` on a `send` step with an expectation; any other step with `retry` is reported. */
export function buildRetry(step: YMap, kind: StepKind, expectation: Expectation | undefined, ctx: BuildContext): Retry | undefined {
  const field = entry(step, 'retry');
  if (!field) return undefined;
  if (kind !== 'send') {
    ctx.issue(field.key.span, `\`retry\` applies only to \`send\` steps: ${NOT_RETRIABLE[kind] ?? 'only a command line is safe to send again'}`);
    return undefined;
  }
  if (!expectation) {
    ctx.issue(field.key.span, '`retry` sends the command again until its expectation holds: give `expect`, `match`, `not_match`, `untagged` or `capture`');
  }
  const node = field.value;
  if (node.kind !== 'map') return undefined; // the schema reported it
  const forMs = ctx.duration(child(node, 'for'), 'for', true);
  const everyNode = child(node, 'every');
  const everyMs = everyNode ? ctx.duration(everyNode, 'every', true) : DEFAULT_RETRY_EVERY_MS;
  if (forMs === undefined || everyMs === undefined || !expectation) return undefined;
  if (everyMs > forMs) {
    ctx.issue((everyNode ?? node).span, `\`every\` (${everyMs}ms) is longer than \`for\` (${forMs}ms): the command would be sent only once`);
    return undefined;
  }
  return { forMs, everyMs };
}

/**
 * Hostile results for the HTML report tests: a transcript, a reply and a name that try to close the
 * page's elements and run script (an audited server controls all of them).
 */
import { AssertCode, type ScenarioResult } from '../../../src/results/types.js';
import { passed } from '../fixtures/results.js';

/** Closes every element a report might put server text into, then tries markup and script. */
export const INJECTION = `</pre></style></script></article>--><![CDATA[ ]]><script>window.injected=1</script><img src=x onerror="window.injected=2"><style>body{display:none}</style>`;

const failure = {
  kind: 'assertion' as const,
  code: AssertCode.MATCH,
  message: `reply does not match /ok/: ${INJECTION}`,
  expected: '/ok/',
  actual: `250 ${INJECTION}\r\n`,
  span: { file: 'scenarios/hostile.yaml', line: 9, column: 5 },
  step: 0,
};

export const injectionScenario: ScenarioResult = {
  ...passed,
  name: `injection ${INJECTION}`,
  file: 'scenarios/hostile.yaml',
  tags: ['hostile', INJECTION],
  outcome: 'failed',
  steps: [{ index: 0, label: `send: NOOP ${INJECTION}`, kind: 'send', session: 'default', span: failure.span, outcome: 'failed', startMs: 0, durationMs: 3, failure }],
  failure,
  transcript: [
    { session: 'default', dir: 'c', atMs: 1, text: 'NOOP\r\n' },
    { session: 'default', dir: 's', atMs: 3, text: failure.actual },
  ],
};

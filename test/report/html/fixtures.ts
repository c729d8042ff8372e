/**
 * Fixed results for the HTML report tests: a scenario, an audit and a bench report whose server text
 * (transcript, reply, name, evidence) tries to close the page's elements and run script — an audited
 * server controls all of it.
 */
import { AUDIT_RESULT_VERSION, LEVELS, type AuditResult, type Finding, type LevelCounts } from '../../../src/audit/types.js';
import { BENCH_REPORT_VERSION, type BenchReport } from '../../../src/bench/report-types.js';
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

function finding(id: string, level: Finding['level'], summary: string, extra: Partial<Finding> = {}): Finding {
  return { id, area: id.split('.')[0] as Finding['area'], title: `title of ${id}`, rule: 'RFC 5321 §3.6.2', level, summary, evidence: [], durationMs: 12, ...extra };
}

const domainFindings = [finding('dns.mx', 'pass', '1 MX: mx.example.test'), finding('dns.dmarc', 'warn', 'no DMARC record')];
const mxFindings = [
  finding('net.connect', 'pass', 'answers'),
  finding('smtp.banner', 'warn', `greeting discloses the software: ${INJECTION}`, { evidence: [{ session: 'smtp', dir: 's', atMs: 1, text: `220 ${INJECTION}\r\n` }] }),
  finding('smtp.software', 'info', 'Postfix'),
  finding('relay.external', 'fail', 'relay recipient accepted at RCPT (250): open relay', {
    details: ['probe 1: <relay-test@x.invalid> → 250'],
    evidence: [
      { session: 'relay', dir: 'c', atMs: 1, text: 'RCPT TO:<relay-test@x.invalid>\r\n' },
      { session: 'relay', dir: 's', atMs: 2, text: `250 2.1.5 ${INJECTION}\r\n` },
    ],
  }),
  finding('smuggling.lf-dot-lf', 'skipped', 'delivers mail: runs only with --intrusive --rcpt ADDRESS'),
];
const levels = [...domainFindings, ...mxFindings].map((f) => f.level);

/** A domain and its MX: a warning on the domain, a failure and a warning on the MX (evidence from the server: hostile). */
export const sampleAudit: AuditResult = {
  version: AUDIT_RESULT_VERSION,
  tool: { name: 'mailprobe', version: '0.1.0' },
  startedAt: '2026-01-02T03:04:05.000Z',
  durationMs: 1234,
  targets: ['example.test'],
  deadlineReached: false,
  summary: Object.fromEntries(LEVELS.map((level) => [level, levels.filter((l) => l === level).length])) as LevelCounts,
  subjects: [
    { kind: 'domain', name: 'example.test', findings: domainFindings, services: [], grades: { dns: 'B' } },
    {
      kind: 'host',
      name: 'mx.example.test',
      via: 'example.test',
      findings: [],
      services: [{ name: 'smtp', url: 'smtp://127.0.0.1:25', findings: mxFindings }],
      grades: { net: 'A', smtp: 'B', relay: 'F', smuggling: '-' },
    },
  ],
};

/** Two sizes of one operation: ours, Node's native and a peer that failed its check; one goal met, one missed. */
export const sampleBench: BenchReport = {
  version: BENCH_REPORT_VERSION,
  tool: { name: 'mailprobe', version: '0.1.0' },
  startedAt: '2026-01-02T03:04:05.000Z',
  durationMs: 65_000,
  encodingCore: {
    machine: {
      node: 'v20.20.0',
      v8: '11.3.244.8-node.33',
      platform: 'linux',
      arch: 'x64',
      cpuModel: 'Example CPU',
      cpuCount: 2,
      totalMemoryBytes: 8 * 1024 ** 3,
      loadAverage: { start: [3.5, 2.25, 1.5], end: [4, 3, 2] },
    },
    clock: 'cpu',
    peers: ['libbase64'],
    skippedPeers: ['js-base64'],
    cases: [64 * 1024, 1024 * 1024].map((size, i) => ({
      operation: 'base64-encode',
      title: 'base64 encode, 76-column lines + CRLF',
      input: 'random' as const,
      size,
      implementations: [
        { name: 'mailprobe', ours: true, status: 'ok' as const, mbPerSecond: 800 + i * 100, medianNs: 80_000, ratios: { node: 0.4 + i * 0.2, libbase64: 9 } },
        { name: 'node', ours: false, note: 'unwrapped', status: 'ok' as const, mbPerSecond: 2000 - i * 500, medianNs: 30_000 },
        { name: 'libbase64', ours: false, status: i === 0 ? ('incorrect' as const) : ('ok' as const), ...(i === 0 ? { problem: 'output differs at byte 76' } : { mbPerSecond: 100, medianNs: 900_000 }) },
      ],
      goals: [{ description: 'wrapped base64 encode ≥ 0.5× native unwrapped', implementation: 'mailprobe', against: 'node', minRatio: 0.5, ratio: 0.4 + i * 0.2, met: i === 1 }],
    })),
  },
};

// Judges mailprobe JSON reports against a list of expected failures (see real-expected-failures.txt).
// Usage: node scripts/real-verdict.mjs EXPECTED_FILE LABEL=REPORT.json ...
// Exits 1 on a failure not listed, on a listed failure that passed, or on a listed scenario that did not
// run; prints one line per finding.
import { readListFile, verdictArgs } from './verdict-input.mjs';

const { listFile: expectedFile, reports } = verdictArgs('real-verdict.mjs EXPECTED_FILE LABEL=REPORT.json ...');
/** "label file" → reason, from lines "<label> <file> <reason…>". */
const expected = new Map(readListFile(expectedFile).map(([label, file, ...reason]) => [`${label} ${file}`, reason.join(' ')]));
const findings = [];
const seen = new Set();
let passed = 0;
let expectedFailures = 0;

for (const [label, report] of reports) {
  for (const scenario of report.scenarios) {
    const key = `${label} ${scenario.file}`;
    seen.add(key);
    const listed = expected.has(key);
    if (scenario.outcome === 'passed') {
      passed++;
      if (listed) findings.push(`UNEXPECTED PASS  ${key}: remove it from ${expectedFile}`);
    } else if (scenario.outcome === 'skipped') {
      continue;
    } else if (listed) {
      expectedFailures++;
    } else {
      const why = scenario.failure ? `${scenario.failure.code}: ${scenario.failure.message}` : scenario.outcome;
      findings.push(`UNEXPECTED ${scenario.outcome.toUpperCase()}  ${key}: ${why}`);
    }
  }
}
for (const key of expected.keys()) {
  if (!seen.has(key)) findings.push(`NOT RUN  ${key} is listed as an expected failure but did not run`);
}

for (const finding of findings) console.log(finding);
console.log(`real servers: ${passed} passed, ${expectedFailures} expected failures, ${findings.length} unexpected`);
process.exit(findings.length === 0 ? 0 : 1);

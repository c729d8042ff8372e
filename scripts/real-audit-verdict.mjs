// Judges `mailprobe audit` JSON reports against real-audit-expected.txt: for each label, the findings that
// are neither pass nor info must be exactly the listed id=level pairs. Prints each difference; exits 1 on any.
// Usage: node scripts/real-audit-verdict.mjs EXPECTED_FILE LABEL=REPORT.json ...
import { readFileSync } from 'node:fs';

const [expectedFile, ...reportArgs] = process.argv.slice(2);
if (!expectedFile || reportArgs.length === 0) {
  console.error('usage: real-audit-verdict.mjs EXPECTED_FILE LABEL=REPORT.json ...');
  process.exit(2);
}

/** label → the expected "id=level" set, from lines "<label> <id=level …>"; # starts a comment. */
function readExpected(path) {
  const expected = new Map();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const [label, ...pairs] = trimmed.split(/\s+/);
    expected.set(label, new Set(pairs));
  }
  return expected;
}

/** Every finding of the report that is neither pass nor info, as "id=level". */
function notableFindings(report) {
  const found = new Set();
  for (const subject of report.subjects) {
    const groups = [subject.findings ?? [], ...(subject.services ?? []).map((service) => service.findings)];
    for (const finding of groups.flat()) {
      if (finding.level !== 'pass' && finding.level !== 'info') found.add(`${finding.id}=${finding.level}`);
    }
  }
  return found;
}

const expected = readExpected(expectedFile);
let differences = 0;
for (const arg of reportArgs) {
  const separator = arg.indexOf('=');
  const label = arg.slice(0, separator);
  const want = expected.get(label);
  if (!want) {
    console.log(`NOT LISTED  ${label}: add a line for it to ${expectedFile}`);
    differences++;
    continue;
  }
  const got = notableFindings(JSON.parse(readFileSync(arg.slice(separator + 1), 'utf8')));
  const unexpected = [...got].filter((pair) => !want.has(pair));
  const missing = [...want].filter((pair) => !got.has(pair));
  for (const pair of unexpected) console.log(`UNEXPECTED  ${label}: ${pair}`);
  for (const pair of missing) console.log(`MISSING     ${label}: ${pair}`);
  differences += unexpected.length + missing.length;
  console.log(`${label}: ${got.size} findings neither pass nor info`);
}
console.log(differences === 0 ? 'audit: as expected' : `audit: ${differences} difference(s)`);
process.exit(differences === 0 ? 0 : 1);

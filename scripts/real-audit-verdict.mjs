// Judges `mailprobe audit` JSON reports against real-audit-expected.txt: for each label, the findings that
// are neither pass nor info must be exactly the listed id=level pairs. Prints each difference; exits 1 on any.
// Usage: node scripts/real-audit-verdict.mjs EXPECTED_FILE LABEL=REPORT.json ...
import { readListFile, verdictArgs } from './verdict-input.mjs';

const { listFile: expectedFile, reports } = verdictArgs('real-audit-verdict.mjs EXPECTED_FILE LABEL=REPORT.json ...');
/** label → the expected "id=level" set, from lines "<label> <id=level …>". */
const expected = new Map(readListFile(expectedFile).map(([label, ...pairs]) => [label, new Set(pairs)]));

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

let differences = 0;
for (const [label, report] of reports) {
  const want = expected.get(label);
  if (!want) {
    console.log(`NOT LISTED  ${label}: add a line for it to ${expectedFile}`);
    differences++;
    continue;
  }
  const got = notableFindings(report);
  const unexpected = [...got].filter((pair) => !want.has(pair));
  const missing = [...want].filter((pair) => !got.has(pair));
  for (const pair of unexpected) console.log(`UNEXPECTED  ${label}: ${pair}`);
  for (const pair of missing) console.log(`MISSING     ${label}: ${pair}`);
  differences += unexpected.length + missing.length;
  console.log(`${label}: ${got.size} findings neither pass nor info`);
}
console.log(differences === 0 ? 'audit: as expected' : `audit: ${differences} difference(s)`);
process.exit(differences === 0 ? 0 : 1);

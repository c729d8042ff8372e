/**
 * The check catalogue: ids are unique, well-formed and each has an implementation; globs select as
 * documented; a typo selects nothing and is reported.
 */
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { CHECKS, checkById, selectChecks, unmatchedGlobs } from '../../src/audit/catalogue.js';
import { CHECK_IMPLEMENTATIONS } from '../../src/audit/run.js';
import { AREAS } from '../../src/audit/types.js';

t.test('ids are unique, dotted lower-case, in their area, with a rule and a description', async (t) => {
  const ids = CHECKS.map((check) => check.id);
  t.equal(new Set(ids).size, ids.length, 'no duplicate id');
  for (const check of CHECKS) {
    t.match(check.id, /^[a-z]+\.[a-z0-9-]+$/, `${check.id} is area.name`);
    t.equal(check.id.split('.')[0], check.area, `${check.id} starts with its area`);
    t.ok(AREAS.includes(check.area), `${check.id} has a known area`);
    t.match(check.rule, /RFC|CVE|BCP|M3AAWG|NIST|SEC Consult/, `${check.id} cites a rule`);
    t.ok(check.description.length > 10, `${check.id} says what its levels mean`);
  }
});

t.test('every catalogue id has exactly one implementation', async (t) => {
  t.same(Object.keys(CHECK_IMPLEMENTATIONS).sort(), CHECKS.map((check) => check.id).sort());
});

t.test('the issue\'s areas are all covered', async (t) => {
  for (const id of ['dns.mx', 'dns.spf', 'dns.dmarc', 'dns.mta-sts', 'dns.tls-rpt', 'dns.fcrdns', 'tls.versions', 'tls.starttls-injection', 'relay.source-route', 'relay.null-sender', 'enumeration.vrfy', 'auth.before-tls', 'smuggling.lf-dot-lf', 'smuggling.crlf-dot-cr']) {
    t.equal(checkById(id).id, id);
  }
  t.throws(() => checkById('tls.nope'), /no check with id/);
});

t.test('selection: all by default, globs, bare areas, and --skip', async (t) => {
  t.equal(selectChecks([], []).size, CHECKS.length);
  const tls = [...selectChecks(['tls.*'], [])];
  t.ok(tls.length >= 8 && tls.every((id) => id.startsWith('tls.')), 'tls.* selects the TLS checks only');
  t.same([...selectChecks(['relay'], [])].sort(), CHECKS.filter((c) => c.area === 'relay').map((c) => c.id).sort(), 'a bare area means area.*');
  t.same([...selectChecks(['tls.certificate-?ame'], [])], ['tls.certificate-name'], '? is one character');
  const skipped = selectChecks([], ['smuggling', 'dns.*']);
  t.notOk([...skipped].some((id) => id.startsWith('smuggling.') || id.startsWith('dns.')));
  t.ok(skipped.has('net.connect'));
  t.same(unmatchedGlobs(['tls.*', 'tsl.*', 'relay.externall']), ['tsl.*', 'relay.externall']);
});

t.test('docs/audit.md documents every check id', async (t) => {
  const docs = await readFile(new URL('../../docs/audit.md', import.meta.url), 'utf8');
  for (const check of CHECKS) t.ok(docs.includes(`\`${check.id}\``), check.id);
});

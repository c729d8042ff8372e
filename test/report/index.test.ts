import t from 'tap';
import { RUN_REPORTERS } from '../../src/report/index.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderTap } from '../../src/report/tap.js';
import { renderRunHtml } from '../../src/report/html/run.js';
import { sampleRun } from './fixtures/results.js';

t.test('the run reporters: each renders with its reporter, into its documented default file', async (t) => {
  const run = sampleRun();
  t.same(Object.keys(RUN_REPORTERS), ['json', 'junit', 'tap', 'html']);
  t.equal(RUN_REPORTERS.json!.render(run), renderJson(run));
  t.equal(RUN_REPORTERS.junit!.render(run), renderJunit(run));
  t.equal(RUN_REPORTERS.tap!.render(run), renderTap(run));
  t.equal(RUN_REPORTERS.html!.render(run), renderRunHtml(run));
  t.same(Object.values(RUN_REPORTERS).map((reporter) => reporter.defaultPath), ['reports/results.json', 'reports/junit.xml', 'reports/results.tap', 'reports/results.html']);
});

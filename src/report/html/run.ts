/**
 * The `mailprobe run` result as one self-contained HTML page: the summary (counts, duration, targets), a
 * tag filter, the scenarios that did not pass in full (failures first), the skipped ones with their reason,
 * then every scenario grouped by suite directory and file. Readable without script; the script only
 * filters by tag. Pure; imports results/types, report/text and the html modules.
 */
import type { RunResult, ScenarioResult } from '../../results/types.js';
import { formatDuration } from '../../util/duration.js';
import { oneLine } from '../text.js';
import { html, renderPage, type Html } from './page.js';
import { SCENARIO_STYLE, failureArticle, outcomeBadge, scenarioDetails, withoutCredentials } from './scenario.js';

const STYLE = `${SCENARIO_STYLE}
.summary .counts{font-size:15px}.counts>span{margin-right:1rem}#tag-filter{margin:.5rem 0}#tag-filter label{margin-right:.75rem;white-space:nowrap}
.suite h3{font-family:ui-monospace,monospace}.file{margin:.25rem 0 .75rem}.file h4{margin:.5rem 0 .25rem;font:600 13px ui-monospace,monospace}`;

/**
 * Shows only the scenarios carrying any checked tag (as --tag does); none checked shows all. Free of "<"
 * and "&" (see renderPage).
 */
const TAG_FILTER_SCRIPT = `const form = document.getElementById('tag-filter');
form.hidden = false;
form.addEventListener('change', () => {
  const chosen = Array.from(form.querySelectorAll('input:checked'), (input) => input.value);
  for (const element of document.querySelectorAll('[data-tags]')) {
    const tags = element.dataset.tags.split(' ');
    element.hidden = chosen.length > 0 ? !tags.some((tag) => chosen.includes(tag)) : false;
  }
});`;

const NOT_PASSED = new Set(['failed', 'error', 'interrupted']);

/** Target URLs as the run used them, without any user:password@ a URL might carry. */
function targetsOf(run: RunResult): string[] {
  const urls = new Set<string>();
  for (const s of run.scenarios) {
    for (const url of Object.values(s.targets)) urls.add(withoutCredentials(url));
  }
  return [...urls].sort();
}

function summary(run: RunResult, tags: readonly string[]): Html {
  const sum = run.summary;
  const counts: [number, string, string][] = [
    [sum.passed, 'passed', 'pass'],
    [sum.failed, 'failed', 'fail'],
    [sum.errors, sum.errors === 1 ? 'error' : 'errors', 'fail'],
    [sum.skipped, 'skipped', 'skip'],
    [sum.interrupted, 'interrupted', 'warn'],
  ];
  const targets = targetsOf(run);
  return html`<section class="summary" id="summary">
<p class="counts"><span><strong>${sum.total}</strong> scenario${sum.total === 1 ? '' : 's'}</span>${counts.map(
    ([n, word, cls]) => html`<span><span class="badge ${n > 0 ? cls : 'skip'}">${n}</span> ${word}</span>`,
  )}</p>
<p>Started ${run.startedAt}, took ${formatDuration(run.durationMs)}; ${run.tool.name} ${run.tool.version}.${run.interrupted ? html` <strong>Interrupted (SIGINT): unfinished scenarios are marked interrupted.</strong>` : ''}</p>
${targets.length > 0 ? html`<p>Targets: ${targets.map((url, i) => html`${i > 0 ? ', ' : ''}<code>${url}</code>`)}</p>` : ''}
${tags.length > 0 ? html`<form id="tag-filter" hidden="hidden"><strong>Tags</strong> (any of): ${tags.map((tag, i) => html`<label><input type="checkbox" value="${i}"/> ${tag}</label>`)}</form>` : ''}
</section>`;
}

/** "scenarios/smtp/" for "scenarios/smtp/relay.yaml"; "" for a file in the current directory. */
function directoryOf(file: string): string {
  return file.slice(0, file.lastIndexOf('/') + 1);
}

/** The directory every file is in ("/work/suites/" for absolute paths), shown once instead of on every heading. */
function commonDirectory(files: readonly string[]): string {
  let common = directoryOf(files[0] ?? '');
  for (const file of files) {
    while (!file.startsWith(common)) common = directoryOf(common.slice(0, -1));
  }
  return common;
}

function countLine(results: readonly ScenarioResult[]): string {
  const failing = results.filter((s) => NOT_PASSED.has(s.outcome)).length;
  const passed = results.filter((s) => s.outcome === 'passed').length;
  return `${passed} of ${results.length} passed${failing > 0 ? `, ${failing} not` : ''}`;
}

export function renderRunHtml(run: RunResult): string {
  const tags = [...new Set(run.scenarios.flatMap((s) => s.tags))].sort();
  const tagIds = (s: ScenarioResult): string => s.tags.map((tag) => tags.indexOf(tag)).join(' ');
  const positions = new Map(run.scenarios.map((s, i) => [s, i]));
  const notPassed = run.scenarios.filter((s) => NOT_PASSED.has(s.outcome));
  const skipped = run.scenarios.filter((s) => s.outcome === 'skipped');

  const root = commonDirectory(run.scenarios.map((s) => s.file));
  const bySuite = new Map<string, Map<string, ScenarioResult[]>>();
  for (const s of [...run.scenarios].sort((a, b) => a.file.localeCompare(b.file) || a.span.line - b.span.line || a.repetition - b.repetition)) {
    const suite = directoryOf(s.file).slice(root.length) || './';
    const files = bySuite.get(suite) ?? new Map<string, ScenarioResult[]>();
    bySuite.set(suite, files.set(s.file, [...(files.get(s.file) ?? []), s]));
  }

  const body = html`<h1>mailprobe run report</h1>
${summary(run, tags)}
<section id="not-passed"><h2>Not passed (${notPassed.length})</h2>${
    notPassed.length === 0 ? html`<p>Every scenario that ran passed.</p>` : notPassed.map((s) => failureArticle(s, positions.get(s)!, tagIds(s)))
  }</section>
${skipped.length === 0 ? '' : html`<section id="skipped"><h2>Skipped (${skipped.length})</h2><ul>${skipped.map(
    (s) => html`<li data-tags="${tagIds(s)}">${outcomeBadge('skipped')} ${oneLine(s.name)} <span class="muted">${s.file}:${s.span.line}</span>: ${s.failure?.message ?? 'no reason given'}</li>`,
  )}</ul></section>`}
<section id="scenarios"><h2>Scenarios by suite and file</h2>${root === '' ? '' : html`<p class="muted">Files under <code>${root}</code></p>`}${[...bySuite].map(
    ([suite, files]) => html`<div class="suite"><h3>${suite}</h3>${[...files].map(
      ([file, results]) => html`<div class="file"><h4>${file.slice(root.length)} <span class="muted">${countLine(results)}</span></h4>${results.map((s) => scenarioDetails(s, positions.get(s)!, tagIds(s)))}</div>`,
    )}</div>`,
  )}</section>`;
  return renderPage({ title: 'mailprobe run report', style: STYLE, body, ...(tags.length > 0 ? { script: TAG_FILTER_SCRIPT } : {}) });
}

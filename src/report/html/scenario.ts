/**
 * One scenario result as HTML: its outcome badge, the failure (failing step and where it is in the file,
 * cause, expected vs got, a round trip's differences as lists), the transcript excerpt and the step table.
 * Everything from a result is escaped by `html`. Pure; imports results/types, report/text, util/duration.
 */
import { AssertCode, type Failure, type Outcome, type ScenarioResult, type TranscriptEntry } from '../../results/types.js';
import { formatDuration } from '../../util/duration.js';
import { FILE_REPORT_TRANSCRIPT_TAIL, failingStep, formatFileLine, formatSpan, printableLines, scenarioTitle } from '../text.js';
import { html, htmlTable, type Html } from './page.js';

const WORD: Record<Outcome, string> = { passed: 'PASS', failed: 'FAIL', error: 'ERROR', skipped: 'SKIP', interrupted: 'INTR' };
const BADGE_CLASS: Record<Outcome, string> = { passed: 'pass', failed: 'fail', error: 'fail', skipped: 'skip', interrupted: 'warn' };
const DIRECTION: Record<TranscriptEntry['dir'], string> = { c: 'C:', s: 'S:', i: '*' };

export const SCENARIO_STYLE = `.scenario{margin:.2rem 0}.scenario>summary{cursor:pointer}.scenario .body{margin:.25rem 0 .75rem 1.5rem}
article.failure{border-left:4px solid #b91c1c;padding:.1rem 0 .5rem .75rem;margin:1rem 0}article.failure.interrupted{border-color:#b45309}
.cause{font-weight:600}.diff{display:grid;grid-template-columns:1fr 1fr;gap:.75rem}.diff h4,.transcript-heading{margin:.5rem 0 0;font-size:12px;color:#374151}
.transcript .c{color:#1d4ed8}.transcript .s{color:#111827}.transcript .i{color:#6b7280;font-style:italic}
.tags code{background:#eef2ff;border-radius:3px;padding:0 .3em;margin-right:.25em}`;

export function outcomeBadge(outcome: Outcome): Html {
  return html`<span class="badge ${BADGE_CLASS[outcome]}">${WORD[outcome]}</span>`;
}

/** The anchor of a scenario result's failure article. */
export function failureId(position: number): string {
  return `failure-${position + 1}`;
}

function tagList(tags: readonly string[]): Html {
  return html`<span class="tags">${tags.map((tag) => html`<code>${tag}</code>`)}</span>`;
}

/** "FAIL Relay is refused (repetition 2) 130ms · file:line" as one line; "line N" under the file's own heading. */
function titleLine(s: ScenarioResult, where: 'file' | 'line'): Html {
  const at = where === 'file' ? formatFileLine(s.span) : `line ${s.span.line}`;
  return html`${outcomeBadge(s.outcome)} <strong>${scenarioTitle(s)}</strong> <span class="muted">${formatDuration(s.durationMs)} · ${at}</span> ${tagList(s.tags)}`;
}

/**
 * A message's first line as the cause; its further lines (a structural round trip lists one difference a
 * line, "- …", under headings such as "also (allowed in structural mode):") as lists under their headings.
 */
function messageBlock(failure: Failure): Html {
  const [first = '', ...rest] = printableLines(failure.message);
  const groups: { heading?: string; items: string[] }[] = [];
  for (const line of rest) {
    if (line.startsWith('- ')) {
      if (groups.length === 0) groups.push({ items: [] });
      groups.at(-1)!.items.push(line.slice(2));
    } else {
      groups.push({ heading: line, items: [] });
    }
  }
  return html`<p class="cause">${failure.kind === 'error' ? 'error ' : ''}${failure.code}: ${first}</p>${groups.map(
    (g) => html`${g.heading === undefined ? '' : html`<p>${g.heading}</p>`}${g.items.length > 0 ? html`<ul>${g.items.map((item) => html`<li>${item}</li>`)}</ul>` : ''}`,
  )}`;
}

/** Expected vs got side by side; a round trip compares the sent message with the received one. */
function expectedVsGot(failure: Failure): Html | '' {
  if (failure.expected === undefined && failure.actual === undefined) return '';
  const roundtrip = failure.code === AssertCode.ROUNDTRIP;
  const column = (heading: string, text: string | undefined): Html =>
    html`<div><h4>${heading}</h4>${text === undefined ? html`<p class="muted">—</p>` : html`<pre>${printableLines(text).join('\n')}</pre>`}</div>`;
  return html`<div class="diff">${column(roundtrip ? 'sent' : 'expected', failure.expected)}${column(roundtrip ? 'received' : 'got', failure.actual)}</div>`;
}

/** The last `count` transcript entries (all when undefined), one line per text line, coloured by direction. */
export function transcriptBlock(s: ScenarioResult, count?: number): Html | '' {
  if (s.transcript.length === 0) return '';
  const entries = count === undefined ? s.transcript : s.transcript.slice(-count);
  const sessions = new Set(s.transcript.map((e) => e.session));
  const lines = entries.flatMap((entry) => {
    const prefix = `${sessions.size > 1 ? `${entry.session} ` : ''}${DIRECTION[entry.dir]}`;
    return printableLines(entry.text).map((line) => html`<span class="${entry.dir}">${line === '' ? prefix : `${prefix} ${line}`}</span>\n`);
  });
  const extent = entries.length < s.transcript.length ? `last ${entries.length} of ${s.transcript.length} entries` : `${s.transcript.length} entries`;
  return html`<p class="transcript-heading">transcript (${extent}${s.transcriptTruncated ? ', cut at the transcript limit' : ''})</p><pre class="transcript">${lines}</pre>`;
}

function stepTable(s: ScenarioResult): Html | '' {
  if (s.steps.length === 0) return '';
  const sessions = new Set(s.steps.map((st) => st.session)).size > 1;
  const header = ['#', 'step', ...(sessions ? ['session'] : []), 'outcome', 'reply', 'time', 'at'];
  const rows = s.steps.map((st) => [
    String(st.index + 1),
    html`<code>${st.label}</code>`,
    ...(sessions ? [st.session] : []),
    outcomeBadge(st.outcome),
    st.reply?.status ?? '',
    formatDuration(st.durationMs),
    `${st.span.line}:${st.span.column}`,
  ]);
  return htmlTable(header, rows, 'steps');
}

/** A target URL without any user:password@ it might carry (results hold none, but a report never risks it). */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

function targetLine(s: ScenarioResult): Html {
  const entries = Object.entries(s.targets);
  return html`<p class="muted">${entries.length === 0 ? 'no target' : entries.map(([session, url], i) => html`${i > 0 ? ', ' : ''}${session}: <code>${withoutCredentials(url)}</code>`)}</p>`;
}

/** A scenario that did not pass, in full: where and why it failed, and the end of its transcript. */
export function failureArticle(s: ScenarioResult, position: number, tagIds: string): Html {
  const failure = s.failure;
  const step = failingStep(s);
  const span = failure?.span ?? step?.span;
  const where = step
    ? html`<p>step ${step.index + 1} <code>${step.label}</code> at <code>${span ? formatSpan(span) : ''}</code></p>`
    : span
      ? html`<p>at <code>${formatSpan(span)}</code></p>`
      : '';
  return html`<article class="failure ${s.outcome}" id="${failureId(position)}" data-tags="${tagIds}">
<h3>${titleLine(s, 'file')}</h3>${where}${failure ? html`${messageBlock(failure)}${expectedVsGot(failure)}` : ''}${transcriptBlock(s, FILE_REPORT_TRANSCRIPT_TAIL)}
</article>`;
}

/**
 * A scenario as a collapsed line under its file's heading, opening on its targets and steps (and linking to
 * its failure, if any).
 */
export function scenarioDetails(s: ScenarioResult, position: number, tagIds: string): Html {
  const link = s.outcome === 'failed' || s.outcome === 'error' || s.outcome === 'interrupted' ? html` <a href="#${failureId(position)}">failure</a>` : '';
  const reason = s.outcome === 'skipped' && s.failure ? html`<p>skipped: ${s.failure.message}</p>` : '';
  return html`<details class="scenario" data-tags="${tagIds}"><summary>${titleLine(s, 'line')}${link}</summary><div class="body">${targetLine(s)}${reason}${stepTable(s)}</div></details>`;
}

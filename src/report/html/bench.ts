/**
 * The "encoding core" section of the HTML reports (`mailprobe bench`): the machine and how busy it was,
 * the performance goals met or missed, then per operation a table of MB/s by size and implementation with
 * a bar scaled to the fastest and our speed relative to each. No script.
 * Pure; imports bench/report-types, bench/table (sizes), util/duration and the html shell.
 */
import type { BenchCase, BenchReport, EncodingCoreSection, GoalResult, ImplementationResult } from '../../bench/report-types.js';
import { formatSize } from '../../bench/table.js';
import { formatDuration } from '../../util/duration.js';
import { html, htmlTable, renderPage, type Html, type HtmlValue } from './page.js';

const STYLE = `.speed{display:block;height:4px;background:#93c5fd;margin-top:2px}.speed.ours{background:#2563eb}
.scroll{overflow-x:auto}.bench td:first-child{font-weight:600;white-space:nowrap}.ratio{display:block;font-size:12px}`;

function formatRate(mbPerSecond: number): string {
  return `${mbPerSecond.toFixed(mbPerSecond < 100 ? 1 : 0)} MB/s`;
}

function loadAverage(values: readonly number[]): string {
  return values.map((v) => v.toFixed(2)).join(' ');
}

function machine(section: EncodingCoreSection): Html {
  const m = section.machine;
  const peers = section.peers.length > 0 ? section.peers.join(', ') : 'none';
  return html`<p>Node ${m.node} (V8 ${m.v8}) on ${m.platform}/${m.arch}, ${m.cpuModel} × ${m.cpuCount}, ${(m.totalMemoryBytes / 1024 ** 3).toFixed(1)} GiB memory;
${section.clock} time; load average ${loadAverage(m.loadAverage.start)} at the start, ${loadAverage(m.loadAverage.end)} at the end.</p>
<p>Peers: ${peers}${section.skippedPeers.length > 0 ? html`; not installed, skipped: ${section.skippedPeers.join(', ')}` : ''}.</p>`;
}

function goalVerdict(goal: GoalResult): Html {
  if (goal.met === null) return html`<span class="badge skip">n/a</span>`;
  return goal.met ? html`<span class="badge pass">met</span>` : html`<span class="badge fail">missed</span>`;
}

function goalRows(cases: readonly BenchCase[]): HtmlValue[][] {
  return cases.flatMap((c) =>
    c.goals.map((goal) => [goal.description, formatSize(c.size), `${goal.minRatio}×`, goal.ratio === undefined ? 'not measured' : `${goal.ratio.toFixed(2)}×`, goalVerdict(goal)]),
  );
}

/** MB/s with a bar scaled to the case's fastest; "ours ×N" against ours; the problem of an untimed one. */
function speedCell(result: ImplementationResult | undefined, fastest: number, ours: ImplementationResult | undefined): Html {
  if (!result) return html``;
  if (result.status !== 'ok' || result.mbPerSecond === undefined) return html`<span class="badge fail">${result.status === 'incorrect' ? 'WRONG' : 'ERROR'}</span>`;
  const width = fastest > 0 ? Math.max(1, Math.round((result.mbPerSecond / fastest) * 100)) : 0;
  const ratio = ours?.ratios?.[result.name];
  return html`${formatRate(result.mbPerSecond)}${ratio === undefined ? '' : html` <span class="ratio muted">ours ${ratio.toFixed(2)}×</span>`}<span class="speed${result.ours ? ' ours' : ''}" style="width:${width}%"></span>`;
}

function operationTable(rows: readonly BenchCase[]): Html {
  const names = [...new Set(rows.flatMap((r) => r.implementations.map((i) => i.name)))];
  const notes = new Map(rows.flatMap((r) => r.implementations.filter((i) => i.note !== undefined).map((i) => [i.name, i.note!] as const)));
  const problems = rows.flatMap((r) => r.implementations.filter((i) => i.problem !== undefined).map((i) => `${i.name} at ${formatSize(r.size)}: ${i.problem}`));
  const body = rows.map((r) => {
    const fastest = Math.max(0, ...r.implementations.map((i) => i.mbPerSecond ?? 0));
    const ours = r.implementations.find((i) => i.ours);
    return [formatSize(r.size), ...names.map((name) => speedCell(r.implementations.find((i) => i.name === name), fastest, ours))];
  });
  const header = ['size', ...names.map((name) => html`${name}${notes.has(name) ? html` <span class="muted">(${notes.get(name)!})</span>` : ''}`)];
  return html`<h3>${rows[0]!.title} <span class="muted">${rows[0]!.operation}, ${rows[0]!.input} input</span></h3><div class="scroll">${htmlTable(header, body, 'bench')}</div>${
    problems.length > 0 ? html`<ul>${problems.map((p) => html`<li>not timed — ${p}</li>`)}</ul>` : ''
  }`;
}

/** The encoding core's figures as one section, for any report page. */
export function encodingCoreSection(section: EncodingCoreSection): Html {
  const byOperation = new Map<string, BenchCase[]>();
  for (const c of section.cases) byOperation.set(c.operation, [...(byOperation.get(c.operation) ?? []), c]);
  const goals = goalRows(section.cases);
  return html`<section id="encoding-core"><h2>Encoding core</h2>${machine(section)}
<p class="muted">MB/s of unencoded data per second, from the median call; "ours N×": mailprobe is N times as fast as that implementation.</p>
<h3>Goals</h3>${goals.length === 0 ? html`<p>No goal applies to the operations measured.</p>` : htmlTable(['goal', 'size', 'at least', 'measured', ''], goals, 'goals')}
${[...byOperation.values()].map(operationTable)}</section>`;
}

export function renderBenchHtml(report: BenchReport): string {
  const body = html`<h1>mailprobe bench report</h1>
<p>Started ${report.startedAt}, took ${formatDuration(report.durationMs)}; ${report.tool.name} ${report.tool.version}.</p>
${encodingCoreSection(report.encodingCore)}`;
  return renderPage({ title: 'mailprobe bench report', style: STYLE, body });
}

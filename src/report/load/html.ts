/**
 * The load run as one self-contained HTML page (no script, no external file: it opens offline and in a CI
 * artifact viewer): thresholds, a latency-by-percentile chart drawn from the HDR histograms, throughput and
 * p99 over time, errors, and the latency and throughput tables. Charts are inline SVG; the page shell and
 * its Content-Security-Policy (nothing fetched, no script) are the HTML reports' own (report/html/page).
 * Pure; imports load/types, load/histogram (to read the encoded histograms) and report/html/page.
 */
import { mergeEncoded } from '../../load/histogram.js';
import type { LatencyStats, LoadResult } from '../../load/types.js';
import { Html, escapeHtml, renderPage } from '../html/page.js';
import { DELIVERY_LABEL, LATENCY_COLUMNS, THROUGHPUT_COLUMNS, describeSettings, formatCount, formatMs, formatPercent, latencyCells, latencyRows, thresholdVerdict, throughputRows } from './format.js';

const WIDTH = 760;
const HEIGHT = 260;
const PAD = { left: 64, right: 32, top: 16, bottom: 40 };
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];
/** Percentiles plotted, spread by "nines" so the tail gets room: 0, 50, 90, 99, 99.9, 99.99. */
const NINES_MAX = 4;

const plotWidth = WIDTH - PAD.left - PAD.right;
const plotHeight = HEIGHT - PAD.top - PAD.bottom;

/** A "nice" upper bound for an axis. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (value <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}

function axes(yMax: number, yLabel: (v: number) => string, xTicks: { at: number; label: string }[]): string {
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const y = PAD.top + plotHeight - (plotHeight * i) / 4;
    parts.push(`<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y}" y2="${y}" class="grid"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end">${escapeHtml(yLabel((yMax * i) / 4))}</text>`);
  }
  for (const tick of xTicks) {
    const x = PAD.left + tick.at * plotWidth;
    parts.push(`<text x="${x}" y="${HEIGHT - PAD.bottom + 18}" text-anchor="middle">${escapeHtml(tick.label)}</text>`);
  }
  return parts.join('');
}

function legend(names: readonly string[]): string {
  return names.map((name, i) => `<span class="key"><i style="background:${COLORS[i % COLORS.length]}"></i>${escapeHtml(name)}</span>`).join(' ');
}

/** Latency (y) by percentile (x, in nines), one line per series. */
function percentileChart(series: readonly { name: string; stats: LatencyStats }[]): string {
  const curves = series
    .filter((s) => s.stats.count > 0)
    .map((s) => {
      const histogram = mergeEncoded([s.stats.histogram]);
      const points: { x: number; ms: number }[] = [];
      for (let i = 0; i <= 80; i++) {
        const nines = (NINES_MAX * i) / 80;
        const percentile = 100 - 100 / 10 ** nines;
        points.push({ x: nines / NINES_MAX, ms: histogram.getValueAtPercentile(percentile) / 1000 });
      }
      return { name: s.name, points };
    });
  if (curves.length === 0) return '<p>No latency was measured.</p>';
  const yMax = niceMax(Math.max(...curves.flatMap((c) => c.points.map((p) => p.ms))));
  const lines = curves.map((curve, i) => {
    const d = curve.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${(PAD.left + p.x * plotWidth).toFixed(1)},${(PAD.top + plotHeight - (p.ms / yMax) * plotHeight).toFixed(1)}`).join('');
    return `<path d="${d}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2"/>`;
  });
  const ticks = ['0%', '90%', '99%', '99.9%', '99.99%'].map((label, i) => ({ at: i / NINES_MAX, label }));
  return `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="latency by percentile" id="chart-latency">${axes(yMax, formatMs, ticks)}${lines.join('')}</svg><div class="legend">${legend(curves.map((c) => c.name))}</div>`;
}

/** Runs per second (bars), errors (red bars) and p99 (line, right scale) over the measured seconds. */
function timeChart(result: LoadResult): string {
  const series = result.series;
  if (series.length === 0) return '<p>The run was shorter than a second: no time series.</p>';
  const runsMax = niceMax(Math.max(...series.map((s) => s.runs)));
  const p99Max = niceMax(Math.max(...series.map((s) => s.p99Ms)));
  const barWidth = plotWidth / series.length;
  const y = (value: number, max: number): number => PAD.top + plotHeight - (value / max) * plotHeight;
  const bars = series.map((s, i) => {
    const x = PAD.left + i * barWidth;
    const ok = `<rect x="${x.toFixed(1)}" y="${y(s.runs, runsMax).toFixed(1)}" width="${Math.max(1, barWidth - 1).toFixed(1)}" height="${((s.runs / runsMax) * plotHeight).toFixed(1)}" fill="#93c5fd"><title>${s.second}s: ${s.runs} runs, ${s.errors} errors, p99 ${formatMs(s.p99Ms)}</title></rect>`;
    const bad = s.errors > 0 ? `<rect x="${x.toFixed(1)}" y="${y(s.errors, runsMax).toFixed(1)}" width="${Math.max(1, barWidth - 1).toFixed(1)}" height="${((s.errors / runsMax) * plotHeight).toFixed(1)}" fill="#dc2626"/>` : '';
    return ok + bad;
  });
  const line = series.map((s, i) => `${i === 0 ? 'M' : 'L'}${(PAD.left + (i + 0.5) * barWidth).toFixed(1)},${y(s.p99Ms, p99Max).toFixed(1)}`).join('');
  const step = Math.max(1, Math.ceil(series.length / 10));
  const ticks = series.filter((_, i) => i % step === 0).map((s) => ({ at: (s.second + 0.5) / series.length, label: `${s.second}s` }));
  const right = [0, 1, 2, 3, 4].map((i) => `<text x="${WIDTH - PAD.right + 2}" y="${y((p99Max * i) / 4, p99Max) + 4}" class="right">${escapeHtml(formatMs((p99Max * i) / 4))}</text>`).join('');
  return `<svg viewBox="0 0 ${WIDTH + 48} ${HEIGHT}" role="img" aria-label="throughput over time" id="chart-throughput">${axes(runsMax, (v) => `${formatCount(v)}/s`, ticks)}${bars.join('')}<path d="${line}" fill="none" stroke="#111827" stroke-width="1.5"/>${right}</svg><div class="legend"><span class="key"><i style="background:#93c5fd"></i>runs/s</span> <span class="key"><i style="background:#dc2626"></i>errors/s</span> <span class="key"><i style="background:#111827"></i>p99 (right scale)</span></div>`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = `<tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:820px;color:#111827;padding:0 1rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border-bottom:1px solid #e5e7eb;padding:.25rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}
.ok{color:#15803d}.broken{color:#b91c1c;font-weight:600}svg{width:100%;height:auto;font-size:11px;fill:#374151}
.grid{stroke:#e5e7eb}.legend{font-size:12px;margin:.25rem 0 1rem}.key i{display:inline-block;width:10px;height:10px;margin:0 4px 0 8px}
.verdict{padding:.5rem .75rem;border-radius:4px;background:#f0fdf4}.verdict.fail{background:#fef2f2}`;

export function renderLoadHtml(result: LoadResult): string {
  const t = result.totals;
  const broken = result.thresholds.some((th) => !th.ok);
  const thresholds =
    result.thresholds.length === 0
      ? ''
      : `<ul>${result.thresholds.map((th) => `<li class="${th.ok ? 'ok' : 'broken'}">${th.ok ? '✓' : '✗'} ${escapeHtml(th.message)}</li>`).join('')}</ul>`;
  const curves = result.scenarios.length > 1 ? result.scenarios.map((s) => ({ name: s.name, stats: s.latency })) : [{ name: 'scenario run', stats: result.latency }];
  const stepCurves = result.scenarios.length === 1 ? result.scenarios[0]!.steps.map((s) => ({ name: s.name, stats: s.latency })) : [];
  if (result.delivery?.count) curves.push({ name: DELIVERY_LABEL, stats: result.delivery });
  const causes = Object.entries(result.errors.byCause).sort((a, b) => b[1] - a[1]);
  const codes = Object.entries(result.errors.byReplyCode).sort((a, b) => b[1] - a[1]);
  const errors =
    causes.length === 0
      ? '<p>No errors.</p>'
      : table(['Cause', 'runs'], causes.map(([code, n]) => [code, formatCount(n)])) +
        (codes.length > 0 ? table(['Reply code', 'runs'], codes.map(([code, n]) => [code, formatCount(n)])) : '') +
        table(['Example', 'scenario', 'step', 'count'], result.errors.samples.map((s) => [`${s.code}: ${s.message}`, s.scenario, s.step ?? '', formatCount(s.count)]));
  const body = `<h1>mailprobe load report</h1>
<p>${escapeHtml(describeSettings(result))}. Started ${escapeHtml(result.startedAt)}; ${formatCount(t.runs)} runs in ${(result.elapsedMs / 1000).toFixed(1)}s${result.interrupted ? ' (interrupted)' : ''}.</p>
<p class="verdict${broken ? ' fail' : ''}" id="verdict">${escapeHtml(thresholdVerdict(result))}</p>${thresholds}
<h2>Latency by percentile</h2>${percentileChart(curves)}${stepCurves.length > 0 ? `<h2>Steps by percentile</h2>${percentileChart(stepCurves)}` : ''}
<h2>Throughput over time</h2>${timeChart(result)}
<h2>Latency</h2>${table(['', ...LATENCY_COLUMNS], latencyRows(result).map((r) => [r.label.trim(), ...latencyCells(r.stats)]))}
<h2>Throughput</h2>${table(['', ...THROUGHPUT_COLUMNS], throughputRows(result))}
<p>Passed ${formatCount(t.passed)}, failed ${formatCount(t.failed)}, errors ${formatCount(t.errors)} (${formatPercent(t.failed + t.errors, t.runs)})${t.dropped > 0 ? `, dropped arrivals ${formatCount(t.dropped)}` : ''}.</p>
<h2>Errors</h2>${errors}`;
  return renderPage({ title: 'mailprobe load report', style: STYLE, body: new Html(body) });
}

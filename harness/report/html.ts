import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { GC_MARK_COLORS } from './colors.js';
import { escapeHtml } from './escape-html.js';
import type { OverTimeSeries, ResourceSeries, RunReportModel } from './model.js';
import { storePressureSection } from './store-pressure.js';
import { columnTitle, GC_COLUMNS_NOTE, multipleText, rangeText, type SummaryTableModel } from './summary-model.js';
import type { Verdict } from './verdict.js';

/**
 * Renders report models into one self-contained HTML file: chart.js, the page's script and its
 * styles are inlined and the data travels as JSON inside the page, so it opens offline from
 * disk and makes no network request.
 */

const assetsDir = join(packageRoot, 'harness', 'report', 'assets');

function chartJsSource(): string {
  // chart.umd.js is not an exported path: find the package's main file and take its sibling.
  const main = createRequire(import.meta.url).resolve('chart.js');
  const source = readFileSync(join(dirname(main), 'chart.umd.js'), 'utf8');
  return source.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
}

/** JSON that cannot close the <script> element it sits in. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The GC marks' colours as CSS variables, per colour scheme: the legend and the charts read them. */
function gcMarkStyle(): string {
  const vars = (c: (typeof GC_MARK_COLORS)['light' | 'dark']): string =>
    `--gc-forced: ${c.forced}; --gc-forced-band: ${c.forcedBand}; --gc-major: ${c.major}; --gc-minor: ${c.minor}; --gc-store: ${c.store};`;
  return `:root { ${vars(GC_MARK_COLORS.light)} }\n@media (prefers-color-scheme: dark) { :root { ${vars(GC_MARK_COLORS.dark)} } }`;
}

/** The page around a report's body: styles, its model as JSON, chart.js and the page's scripts, all inlined. */
export function page(title: string, lede: string, body: string, model: unknown): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${readFileSync(join(assetsDir, 'report.css'), 'utf8')}
${gcMarkStyle()}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="lede">${lede}</p>
${body}
<script id="report-data" type="application/json">${scriptJson(model)}</script>
<script>${chartJsSource()}</script>
<script>${readFileSync(join(assetsDir, 'report.js'), 'utf8')}</script>
<script>${readFileSync(join(assetsDir, 'store-latency.js'), 'utf8')}</script>
</body>
</html>
`;
}

/**
 * The summary from the table model: each figure on one line, its state in words, its multiple of
 * the best row's and its range on a smaller line below, so narrow columns do not break figures
 * apart. Columns better higher say so in their title.
 */
function summaryHtml(summary: SummaryTableModel, colorOf: ReadonlyMap<string, string>): string {
  const head = summary.columns
    .map((column) => {
      const title = escapeHtml(columnTitle(column)).replaceAll('/', '/<wbr>');
      const hint = column.better === 'higher' ? ' title="higher is better: ×1 is the best, ×0.50 half of it"' : '';
      return `<th${hint}>${title}</th>`;
    })
    .join('');
  const body = summary.rows
    .map((row) => {
      const color = colorOf.get(row.contender);
      const swatch = color === undefined ? '' : `<span class="swatch" style="background:${color}"></span>`;
      const first = `<td>${swatch}${escapeHtml(row.contender)}</td>`;
      if (row.cells.length === 0) {
        return `<tr class="failed" data-state="failed">${first}<td colspan="${summary.columns.length - 1}" class="text">${escapeHtml(row.reason ?? 'FAILED')}</td></tr>`;
      }
      const cells = row.cells.map((cell) => {
        // "no GC" stands where a figure would: aligned with the figures.
        const words = !Number.isFinite(cell.value) && cell.text !== '-' && cell.state !== 'no-gc';
        const best = cell.multiple !== undefined && Math.abs(cell.multiple - 1) < 0.005;
        const classes = [words ? 'text' : '', best ? 'best' : '', cell.state === 'ok' ? '' : `state-${cell.state}`].filter((c) => c !== '').join(' ');
        const state = cell.state === 'saturated' ? ' <span class="state">SATURATED</span>' : '';
        const multiple = cell.multiple === undefined ? '' : `<span class="multiple">${escapeHtml(multipleText(cell.multiple))}</span>`;
        const range = cell.range === undefined ? '' : `<span class="range">${escapeHtml(rangeText(cell.range, cell.text))}</span>`;
        return `<td${classes === '' ? '' : ` class="${classes}"`}><span class="figure">${escapeHtml(cell.text)}</span>${state}${multiple}${range}</td>`;
      });
      return `<tr data-state="${row.state}">${first}${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<div class="table-scroll"><table id="summary"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** The verdict in the terminal's words, first on the page: a finding per question, every warning in a box. */
function verdictHtml(verdict: Verdict, notes: readonly string[]): string {
  const findings = verdict.findings.map((line) => `<li>${escapeHtml(line)}</li>`).join('');
  const warnings = [...verdict.warnings, ...notes];
  const box =
    warnings.length === 0 ? '' : `<div class="warning" id="warnings" role="note">${warnings.map((line) => `<p>${escapeHtml(line)}</p>`).join('')}</div>`;
  return `<section class="verdict" id="verdict"><h2>Verdict</h2><ul>${findings}</ul>${box}</section>`;
}

export function table(
  header: readonly string[],
  rows: ReadonlyArray<{ cells: readonly string[]; className?: string; color?: string }>,
  id: string,
  /** Columns of words, aligned left whatever their first character ("3 minor, 23.3 ms in all"). */
  textColumns: readonly number[] = [],
): string {
  // A header may break after a slash ("scavenges/100k"), so figures set the column width.
  const head = header.map((h, i) => `<th${textColumns.includes(i) ? ' class="text"' : ''}>${escapeHtml(h).replaceAll('/', '/<wbr>')}</th>`).join('');
  const body = rows
    .map((row) => {
      const cells = row.cells
        .map((cell, i) => {
          const swatch = i === 0 && row.color !== undefined ? `<span class="swatch" style="background:${row.color}"></span>` : '';
          // Figures align right, words left; a short row's last cell spans the rest of the table.
          const span = row.cells.length < header.length && i === row.cells.length - 1 ? ` colspan="${header.length - i}"` : '';
          const kind = i > 0 && (textColumns.includes(i) || !/^[\d.,-]/.test(cell)) ? ' class="text"' : '';
          return `<td${span}${kind}>${swatch}${escapeHtml(cell)}</td>`;
        })
        .join('');
      return `<tr${row.className ? ` class="${row.className}"` : ''}>${cells}</tr>`;
    })
    .join('\n');
  return `<div class="table-scroll"><table id="${id}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

export function chart(id: string, tall = false): string {
  return `<div class="chart${tall ? ' tall' : ''}"><canvas id="${id}"></canvas></div>`;
}

/** A figure no series has a value of gets a sentence in place of a chart of nothing. */
function notMeasured(id: string, what: string): string {
  return `<div class="chart not-measured" id="${id}-none"><p>${escapeHtml(what)}: not measured</p></div>`;
}

const RESOURCE_CHARTS: ReadonlyArray<readonly [string, Exclude<keyof ResourceSeries, 'contender'>, string]> = [
  ['resource-heap', 'heapMiB', 'Heap used'],
  ['resource-rss', 'rssMiB', 'RSS'],
  ['resource-offheap', 'offHeapMiB', 'Memory outside the V8 heap'],
  ['resource-cpu', 'cpuPercent', 'CPU'],
];

function resourceCharts(resources: readonly ResourceSeries[]): string {
  return RESOURCE_CHARTS.map(([id, key, what]) => (resources.some((s) => s[key].some((v) => Number.isFinite(v))) ? chart(id) : notMeasured(id, what))).join('');
}

function outcomeCharts(model: RunReportModel): string {
  if (model.byOutcome.length === 0) {
    return '<p class="note" id="outcome-none">Not measured: these rows did not record latency by outcome (the partitioned service, HTTP loads and older results cannot tell a hit from a miss).</p>';
  }
  return `<div class="grid two"><div><h3>served from the cache (hit)</h3>${chart('outcome-hit')}</div><div><h3>waited for the store (miss)</h3>${chart('outcome-miss')}</div></div>`;
}

/** The CPU chart under a latency chart (report.js draws it), or a sentence where nothing was measured. */
function cpuUnderLatency(series: OverTimeSeries, index: number): string {
  const measured = series.cpu.gc === 'measured' || series.cpu.processPercent.some((v) => Number.isFinite(v));
  if (!measured) return notMeasured(`gc-cpu-${index}`, 'CPU');
  const source = series.cpu.gcSource === undefined ? '' : ` title="GC CPU: ${escapeHtml(series.cpu.gcSource)}"`;
  return `<div class="chart cpu"${source}><canvas id="gc-cpu-${index}"></canvas></div>`;
}

/** The legend's entry for the database's lanes, when any row read its collector. */
function storeGcLegend(model: RunReportModel): string {
  const labels = [...new Set(model.overTime.flatMap((series) => (series.storeGc ?? []).map((lane) => lane.label)))];
  if (labels.length === 0) return '';
  return `<span class="store-gc-legend"><i style="background:var(--gc-store)"></i>${escapeHtml(labels.join(', '))}: the database's own pauses (ticks) and concurrent cycles (light), in a lane of their own under the service's</span>`;
}

/** Stall-attribution rows shown before the toggle: the worst windows of the run. */
const STALLS_SHOWN = 10;

export function renderRunReport(model: RunReportModel): string {
  const colorOf = new Map(model.contenders.map((c) => [c.name, c.color]));
  const summary = summaryHtml(model.summary, colorOf);
  const overTime = model.overTime.map((series, i) => `<div class="over-time">${chart(`latency-${i}`, true)}${cpuUnderLatency(series, i)}</div>`).join('\n');
  // Each series' line, then the database's collector during that series' row, when it was read.
  const gcTable = table(
    ['contender', 'pauses', 'forced', 'total', 'longest', 'thread stalls ≥ 10 ms', 'longest stall'],
    model.gc.rows.flatMap((row) => [
      { cells: row.cells, color: colorOf.get(row.contender) },
      ...model.gc.storeRows.filter((store) => store.contender === row.contender).map((store) => ({ cells: store.cells, className: 'store-gc' })),
    ]),
    'gc-table',
  );
  const stallHeader = ['contender', 'repetition', 'window', 'slowest request', 'cause', 'thread stalled', 'GCs overlapping'];
  const stallTable = (rows: RunReportModel['stalls'], id: string): string =>
    table(
      stallHeader,
      rows.map((s) => ({ cells: s.text, color: colorOf.get(s.contender) })),
      id,
      [4, 6],
    );
  // The worst windows in view; the rest behind a toggle, so Memory and GC stay near.
  const worst = model.stalls.slice(0, STALLS_SHOWN);
  const rest = model.stalls.slice(STALLS_SHOWN);
  const stalls =
    model.stalls.length === 0
      ? '<p class="note" id="stalls-none">No window stood out: no stall to attribute.</p>'
      : `${stallTable(worst, 'stalls')}${
          rest.length === 0
            ? ''
            : `<details id="stalls-more"><summary>${rest.length} more window(s), less slow</summary>${stallTable(rest, 'stalls-rest')}</details>`
        }`;
  const settings = `<dl class="settings">${model.settings
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${k.startsWith('reproduce') ? `<code>${escapeHtml(v)}</code>` : escapeHtml(v)}</dd>`)
    .join('')}</dl>`;
  // The summary's table before the note that explains it, so that the first screen holds figures.
  const body = `
${verdictHtml(model.verdict, model.notes)}
<h2>Summary</h2>
${summary}
<p class="note">Medians over repetitions (range in brackets when there are several). ×N is the multiple of the best figure among the rows that kept the rate: ×1 is the best; in columns marked ↑ higher is better, so ×0.50 is half the best. A SATURATED row fell behind the rate: its latencies measure its backlog and it is never the yardstick. ${escapeHtml(model.latencyNote)} B/request and scavenges/100k: what the measured thread allocated on its heap per request, and its scavenges per 100,000 requests; hit p99.9 and miss p99: requests the cache answered at once, and requests that waited for the store. ${escapeHtml(GC_COLUMNS_NOTE)} "-" is a figure not measured.</p>

<h2>Latency over time</h2>
<p class="note">Slowest request (max, solid), p99 (dashed) and p50 (dotted) per 1-second window, one chart per contender on the same log axis and the same seconds, so that spikes compare by eye. GC events sit in their own strip under each chart; under that, the CPU per window of the process (solid, in its colour) and of its garbage collector (purple, filled) as shares of one core, on one scale for every contender: a concurrent collector's marking shows there, not in its pauses.</p>
<p class="legend-gc"><span><i style="background:var(--gc-forced-band); border-left: 3px solid var(--gc-forced)"></i>forced major GC: the band spans its whole cycle, its pauses solid inside</span><span><i style="background:var(--gc-major)"></i>major GC the runtime decided on (V8 or Go)</span><span><i style="background:var(--gc-minor)"></i>scavenge (tick in the GC strip)</span>${storeGcLegend(model)}</p>
<div class="grid">${overTime}</div>

<h2>Percentile spectrum</h2>
<p class="note">Latency at each percentile of all requests (repetitions merged), on HdrHistogram's axes: each step right is ten times rarer.</p>
${chart('spectrum', true)}

<h2>Latency by outcome</h2>
<p class="note">The percentile spectrum of requests the cache answered at once (hit) and of requests that waited for the store (miss), on one latency axis: the garbage collector's cost reads in the hits, the database's in the misses.</p>
${outcomeCharts(model)}

<h2>Memory and CPU over time</h2>
<div class="grid two">${resourceCharts(model.resources)}</div>
${storePressureSection(model.storePressure, model.storeLatency)}

<h2>Garbage collection</h2>
${gcTable}
${chart('gc-histogram')}

<h2>Stall attribution</h2>
<p class="note">Every spike (${escapeHtml(model.stallRule)}) with the GCs that overlapped it, slowest first. "GC in part" means a GC overlapped the window but paused for less than the spike: the rest was queueing behind earlier requests or the machine.</p>
${stalls}

<h2>Settings and environment</h2>
${settings}
`;
  const lede = `${model.summary.rows.length} contender(s). Which design keeps tail latency flat while the garbage collector works?`;
  return page(model.title, escapeHtml(lede), body, model);
}

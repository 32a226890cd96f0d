import { storeLatencyText } from '../results/compare-settings.js';
import { type MergedResults, runOfRow } from '../results/results-file.js';
import type { Scenario } from '../results/scenario-schema.js';
import type { CompletedRow, Results } from '../results/schema.js';
import { driverText, serviceDriver } from './driver-text.js';
import { renderFittedTable } from './fitted-table.js';
import { formatCount } from './format.js';
import { machineFloorText } from './machine-floor-text.js';
import { rulerFloorText } from './ruler-floor-text.js';
import {
  buildSummaryTable,
  columnTitle,
  GC_COLUMNS_NOTE,
  multipleText,
  rangeText,
  SUMMARY_TABLE_COLUMNS,
  type SummaryCell,
  type SummaryTableModel,
} from './summary-model.js';
import { verdictLines } from './verdict.js';

/** The summary's column titles, as the terminal and Markdown print them (the model's, with ↑ where higher is better). */
export const SUMMARY_COLUMNS: readonly string[] = SUMMARY_TABLE_COLUMNS.map(columnTitle);

/** A cell as plain text: the figure, its state in words, with `multiples` its multiple of the best, and its range. */
function cellText(cell: SummaryCell, multiples: boolean): string {
  const multiple = multiples && cell.multiple !== undefined ? ` ${multipleText(cell.multiple)}` : '';
  const range = cell.range === undefined ? '' : ` ${rangeText(cell.range, cell.text)}`;
  const state = cell.state === 'saturated' ? ' SATURATED' : '';
  return `${cell.text}${state}${multiple}${range}`;
}

/**
 * The summary as cells of text, one row per contender (medians over repetitions), from the one
 * table model: the terminal's without multiples (it must fit a terminal), Markdown's with them.
 */
export function summaryCells(results: Results, options: { multiples?: boolean } = {}): string[][] {
  return textRows(buildSummaryTable(results), options.multiples ?? false);
}

function textRows(table: SummaryTableModel, multiples: boolean): string[][] {
  return table.rows.map((row) => {
    if (row.cells.length === 0) return [row.contender, ...table.columns.slice(1, -1).map(() => '-'), row.reason ?? 'FAILED'];
    return [row.contender, ...row.cells.map((cell) => cellText(cell, multiples))];
  });
}

/**
 * An aligned plain-text table for the terminal: figures right-aligned, words left-aligned. With
 * `align` each column is aligned as it says; without, a column is of figures when every cell in
 * it is one.
 */
export function renderTextTable(header: readonly string[], cells: readonly string[][], align?: ReadonlyArray<'left' | 'right'>): string {
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((row) => (row[i] ?? '').length)));
  const isFigure = (cell: string): boolean => /^[-\d.,]/.test(cell);
  // A description that happens to start with a digit ("4 worker threads...") stays left-aligned
  // with the others of its column.
  const figureColumn = header.map((_, i) =>
    align !== undefined ? align[i] === 'right' : i > 0 && cells.length > 0 && cells.every((row) => isFigure(row[i] ?? '-')),
  );
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) => (figureColumn[i] === true && (align !== undefined || isFigure(cell)) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/**
 * The columns a reader needs first, in the order a narrow terminal shows them: the latencies, the
 * rate kept, the longest GC pause and the nothing-lost check. The rest follow in further blocks.
 */
export const ESSENTIAL_SUMMARY_COLUMNS: readonly string[] = ['contender', 'p50', 'p99', 'p99.9', 'max', 'rate/s', 'longest pause', 'check'];

/**
 * The summary for the terminal, aligned from the table model: every figure column to the right
 * ("no GC" and "3,100 SATURATED" with them), the contender and the check to the left. Within
 * `width` (the terminal's) the essential columns come first and the rest in blocks below, each
 * block led by the contender; when all fit (or without a width), every column on one line, in
 * the model's order.
 */
export function renderSummaryText(results: Results, options: { width?: number } = {}): string {
  const width = options.width ?? Number.POSITIVE_INFINITY;
  const titles = SUMMARY_TABLE_COLUMNS.map((column) => column.title);
  const align = titles.map((_, i): 'left' | 'right' => (i === 0 || i === titles.length - 1 ? 'left' : 'right'));
  const essential = ESSENTIAL_SUMMARY_COLUMNS.map((title) => titles.indexOf(title)).filter((i) => i > 0);
  const others = titles.map((_, i) => i).filter((i) => i > 0 && !essential.includes(i));
  return renderFittedTable(SUMMARY_COLUMNS, summaryCells(results), { width, align, groups: [essential, others] });
}

export function renderMarkdownTable(header: readonly string[], cells: readonly string[][]): string {
  const escapeCell = (cell: string): string => cell.replaceAll('|', '\\|');
  const line = (row: readonly string[]): string => `| ${row.map(escapeCell).join(' | ')} |`;
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [line(header), `|${align.join('|')}|`, ...cells.map(line)].join('\n');
}

/** Seconds as a reader writes them: 5, 0.5, 2.25. */
function seconds(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/**
 * Notes on what a run cannot say: a scenario that asks for forced GCs, measured over a span in
 * which none fell (`--duration 5` with a forced GC every 10 s of wall time), says nothing about
 * forced-GC pauses, however good its figures look. Read from the rows' recorded forced GCs and
 * the scenario each run was measured under.
 */
export function forcedGcNotes(results: MergedResults): string[] {
  const merged = results.merged;
  const groups: Array<{ prefix: string; scenario: Scenario; requestsFile: string | null; rows: CompletedRow[] }> = [];
  // A row measured without a garbage collector has no forced GC to miss: it says "no GC" instead.
  const completed = results.rows.filter((row): row is CompletedRow => row.state === 'completed' && row.measurement.collectsGarbage !== false);
  // Runs merged as one comparison share their settings: one note for all. Runs side by side
  // (their settings differ) each get their own.
  if (merged === undefined || !merged.separate) {
    groups.push({ prefix: '', scenario: results.settings.scenario, requestsFile: results.settings.requestsFile, rows: completed });
  } else {
    for (const run of merged.runs) {
      const rows = completed.filter((row) => runOfRow(results, row) === run);
      groups.push({ prefix: `${run.label}: `, scenario: run.settings.scenario, requestsFile: run.settings.requestsFile, rows });
    }
  }
  const notes: string[] = [];
  for (const { prefix, scenario, requestsFile, rows } of groups) {
    if (scenario.forcedGc === null || rows.length === 0) continue;
    const everyWall = scenario.forcedGc.intervalSeconds / scenario.timeScale;
    const missed = rows.filter((row) => row.measurement.forcedGcs.length === 0);
    if (missed.length === 0) continue;
    if (missed.length < rows.length) {
      const which = missed.map((row) => `${row.contender} (repetition ${row.repetition})`).join(', ');
      notes.push(
        `note: ${prefix}no forced GC fell in the measured span of ${which} (one every ${seconds(everyWall)} s): those rows say nothing about forced-GC pauses`,
      );
      continue;
    }
    // With a request log the span is the log's; otherwise the scenario's duration, as asked for.
    const spanSeconds = requestsFile === null ? scenario.durationSeconds : Math.max(...rows.map((row) => row.measurement.drive.elapsedMs)) / 1000;
    // A forced GC is due every `everyWall` s from the start: a span of one interval and a second
    // more holds one for sure, and so does a time scale at which two would fit.
    const duration = Math.ceil(everyWall) + 1;
    const timeScale = Math.ceil((2 * scenario.forcedGc.intervalSeconds) / spanSeconds);
    if (spanSeconds <= everyWall) {
      notes.push(
        `note: ${prefix}no forced GC fell in the ${seconds(spanSeconds)} s measured (one every ${seconds(everyWall)} s): ` +
          `this run says nothing about forced-GC pauses; use ${requestsFile === null ? `--duration ${duration} or more, or ` : ''}--time-scale ${timeScale} or more`,
      );
    } else {
      notes.push(
        `note: ${prefix}no forced GC was recorded in the ${seconds(spanSeconds)} s measured, although one was due every ${seconds(everyWall)} s: ` +
          'this run says nothing about forced-GC pauses',
      );
    }
  }
  return notes;
}

/** What `summary.md` holds: the table, then the settings needed to reproduce it. */
export function renderSummaryMarkdown(results: Results): string {
  const { settings, environment } = results;
  const s = settings.scenario;
  const gc = s.forcedGc === null ? 'no forced GC' : `forced ${s.forcedGc.mode} GC every ${s.forcedGc.intervalSeconds} s scenario time`;
  return [
    `## readstate-lab: ${s.name}${settings.serviceLevel === undefined ? '' : ' (service-level, over HTTP)'}`,
    '',
    // The verdict first: what the run means, then the table it comes from.
    ...verdictLines(results, { reportPath: 'index.html, beside this file' }).map((line) => `- ${line}`),
    '',
    renderMarkdownTable(SUMMARY_COLUMNS, summaryCells(results, { multiples: true })),
    '',
    ...forcedGcNotes(results).flatMap((note) => [`> **${note}**`, '']),
    `${formatCount(s.capacity)} cached read states, ${formatCount(s.rate)} requests/s for ${s.durationSeconds} s, ` +
      `time scale ${s.timeScale}x, ${gc}, seed ${s.seed}, ${settings.repeat} repetition(s), ${settings.store} store` +
      `${settings.closedLoop ? ', CLOSED LOOP (latencies hide stalls)' : ''}.`,
    `Store latency: ${storeLatencyText(settings)}.`,
    `Node ${environment.node}, V8 ${environment.v8}, ${environment.cpuCount} x ${environment.cpuModel}. ` +
      (settings.serviceLevel === undefined
        ? "Latencies are medians over repetitions; p50-max are per request, measured from each request's intended start. " +
          'B/request and scavenges/100k: what the measured thread allocated on its heap per request and its scavenges per 100,000 requests; ' +
          'hit p99.9 and miss p99: requests the cache answered at once and requests that waited for the store; "-": not measured.'
        : serviceDriver(settings) !== 'closed-loop'
          ? "Latencies are per request over HTTP, measured from each request's intended start (open loop)."
          : 'Latencies are per request, measured from just before autocannon wrote it to its response (closed loop).'),
    GC_COLUMNS_NOTE,
    ...(environment.hostLoad?.floor === undefined ? [] : [`Machine floor: ${machineFloorText(environment.hostLoad.floor)}.`]),
    ...driverLines(results),
    '',
  ].join('\n');
}

/** A `load` run's driver and its floor, beside the machine's floor. */
function driverLines(results: Results): string[] {
  const driver = serviceDriver(results.settings);
  if (driver === undefined) return [];
  const floor = results.environment.rulerFloor;
  return [`Driver: ${driverText(driver)}${floor === undefined ? '' : `; its floor: ${rulerFloorText(floor)}`}.`];
}

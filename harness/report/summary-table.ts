import { formatBytes, formatCount, formatMs, formatPercent } from './format.js';
import type { ContenderSummary, Results, Spread } from '../results/schema.js';

export const SUMMARY_COLUMNS = [
  'contender',
  'p50',
  'p99',
  'p99.9',
  'max',
  'rate/s',
  'GCs',
  'longest GC',
  'heap',
  'B/entry',
  'miss',
  'check',
] as const;

/** The summary as cells of text: one row per contender, medians over repetitions. */
export function summaryCells(results: Results): string[][] {
  const repeated = results.settings.repeat > 1;
  // With repetitions, a latency shows its median and the range it moved in.
  const ms = (spread: Spread): string =>
    repeated && spread.min !== spread.max ? `${formatMs(spread.median)} (${formatMs(spread.min)}–${formatMs(spread.max)})` : formatMs(spread.median);
  return results.contenders.map((c: ContenderSummary) => {
    if (c.completed === 0) {
      return [c.contender, ...SUMMARY_COLUMNS.slice(1, -1).map(() => '-'), `FAILED: ${c.failures[0] ?? 'unknown'}`];
    }
    // Service-level runs can only say that every request was answered (see commands/load.ts).
    const [okText, badText] = results.settings.serviceLevel === undefined ? ['ok', 'LOST STATES'] : ['all 2xx', 'REQUESTS FAILED'];
    const check = !c.integrityOk ? badText : c.failed > 0 ? `${okText}, ${c.failed} failed` : okText;
    const rate = `${formatCount(c.achievedRate.median)}${c.saturated ? ' SATURATED' : ''}`;
    return [
      c.contender,
      ms(c.p50Ms),
      ms(c.p99Ms),
      ms(c.p999Ms),
      ms(c.maxMs),
      rate,
      formatCount(c.gcCount.median),
      formatMs(c.longestGcMs.median),
      formatBytes(c.heapUsedMaxBytes.median),
      formatCount(c.bytesPerEntry.median),
      formatPercent(c.missRate.median),
      check,
    ];
  });
}

/** An aligned plain-text table for the terminal: figures right-aligned, words left-aligned. */
export function renderTextTable(header: readonly string[], cells: readonly string[][]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((row) => (row[i] ?? '').length)));
  const isFigure = (cell: string): boolean => /^[-\d.,]/.test(cell);
  const line = (row: readonly string[]): string =>
    row.map((cell, i) => (i > 0 && isFigure(cell) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function renderMarkdownTable(header: readonly string[], cells: readonly string[][]): string {
  const escape = (cell: string): string => cell.replaceAll('|', '\\|');
  const line = (row: readonly string[]): string => `| ${row.map(escape).join(' | ')} |`;
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [line(header), `|${align.join('|')}|`, ...cells.map(line)].join('\n');
}

/** What `summary.md` holds: the table, then the settings needed to reproduce it. */
export function renderSummaryMarkdown(results: Results): string {
  const { settings, environment } = results;
  const s = settings.scenario;
  const gc = s.forcedGc === null ? 'no forced GC' : `forced ${s.forcedGc.mode} GC every ${s.forcedGc.intervalSeconds} s scenario time`;
  return [
    `## readstate-lab: ${s.name}${settings.serviceLevel === undefined ? '' : ' (service-level, over HTTP)'}`,
    '',
    renderMarkdownTable(SUMMARY_COLUMNS, summaryCells(results)),
    '',
    `${formatCount(s.capacity)} cached read states, ${formatCount(s.rate)} requests/s for ${s.durationSeconds} s, ` +
      `time scale ${s.timeScale}x, ${gc}, seed ${s.seed}, ${settings.repeat} repetition(s), ${settings.store} store` +
      `${settings.closedLoop ? ', CLOSED LOOP (latencies hide stalls)' : ''}.`,
    `Node ${environment.node}, V8 ${environment.v8}, ${environment.cpuCount} x ${environment.cpuModel}. ` +
      (settings.serviceLevel === undefined
        ? "Latencies are medians over repetitions; p50-max are per request, measured from each request's intended start."
        : 'Latencies are per request, measured from just before autocannon wrote it to its response.'),
    '',
  ].join('\n');
}

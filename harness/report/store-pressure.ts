import type { CompletedRow, Results } from '../results/schema.js';
import { escapeHtml } from './escape-html.js';

/**
 * The pressure on the database over time, per row: write-backs handed to the store and not yet
 * acknowledged at the end of each window (the write-back queue's depth), and database reads
 * per second (the window's cache misses: each is a read, except a miss of a key whose read is
 * already under way, which waits for that one). Drawn by assets/store-latency.js, one small
 * chart per row.
 */
export interface StorePressureSeries {
  readonly contender: string;
  readonly repetition: number;
  /** Seconds since measuring started, at the end of each window. */
  readonly t: readonly number[];
  readonly writesPending: readonly number[];
  readonly readsPerSecond: readonly number[];
}

/**
 * One series per completed row that recorded its write-back queue, when the run had a store
 * latency profile; none otherwise (a store that answers at once keeps the queue near empty, and
 * six charts of zeros would only push the report's other sections down).
 */
export function storePressureSeries(results: Results): StorePressureSeries[] {
  if (results.settings.storeLatency === undefined || results.settings.storeLatency === null) return [];
  return results.rows
    .filter((row): row is CompletedRow => row.state === 'completed')
    .filter((row) => row.measurement.windows.some((w) => w.storeWritesPending !== undefined))
    .map((row) => ({
      contender: row.contender,
      repetition: row.repetition,
      t: row.measurement.windows.map((w) => w.atMs / 1000),
      writesPending: row.measurement.windows.map((w) => w.storeWritesPending ?? Number.NaN),
      // Per second of the window's own length: the last window of a run is usually shorter.
      readsPerSecond: row.measurement.windows.map((w, k, all) => w.misses / Math.max((w.atMs - (k === 0 ? 0 : all[k - 1]!.atMs)) / 1000, 1e-3)),
    }));
}

/** The report's section: a sentence and a small chart per series (canvas ids store-pressure-N). */
export function storePressureSection(series: readonly StorePressureSeries[], profile: string): string {
  if (series.length === 0) return '';
  const charts = series.map((_, i) => `<div class="chart"><canvas id="store-pressure-${i}"></canvas></div>`).join('');
  return `
<h2>Pressure on the database</h2>
<p class="note">Per row and 1-second window: write-backs handed to the store and not yet acknowledged at the window's end (the write-back queue's depth, left axis) and database reads per second (the window's cache misses, right axis). Store latency: ${escapeHtml(profile)}.</p>
<div class="grid" id="store-pressure">${charts}</div>
`;
}

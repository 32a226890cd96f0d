import { type MergedResults, runOfRow } from '../results/results-file.js';
import type { CompletedRow } from '../results/schema.js';
import { attributeStalls, type Stall } from '../results/stall-attribution.js';
import { formatCount, formatMs } from './format.js';

/** The report's GC table and its stall attribution, one row per series and one per spike. */

export interface GcRow {
  readonly contender: string;
  readonly count: number;
  readonly totalMs: number;
  readonly longestMs: number;
  readonly cells: readonly string[];
  /** Pauses per bucket of GC_BUCKETS_MS. */
  readonly buckets: readonly number[];
}

export interface StallRow {
  readonly contender: string;
  readonly repetition: number;
  readonly stall: Stall;
  readonly text: readonly string[];
}

/** Upper edges of the GC pause histogram's buckets, ms. */
export const GC_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, Infinity];

export function gcBucketLabels(): string[] {
  return GC_BUCKETS_MS.map((edge, i) => (edge === Infinity ? `≥ ${GC_BUCKETS_MS[i - 1]} ms` : `< ${edge} ms`));
}

export function gcRows(series: ReadonlyArray<{ label: string; row: CompletedRow }>): GcRow[] {
  return series.map(({ label, row }) => {
    const pauses = row.measurement.gcEvents.map((gc) => gc.durationMs);
    const totalMs = pauses.reduce((a, b) => a + b, 0);
    const longestMs = pauses.length === 0 ? Number.NaN : Math.max(...pauses);
    const forced = row.measurement.gcEvents.filter((gc) => gc.forced).length;
    const figures =
      row.measurement.collectsGarbage === false
        ? ['no GC', '-', '-', '-']
        : pauses.length === 0 && row.runtime !== undefined
          ? ['not reported', '-', '-', '-']
          : [formatCount(pauses.length), formatCount(forced), formatMs(totalMs), formatMs(longestMs)];
    return {
      contender: label,
      count: pauses.length,
      totalMs,
      longestMs,
      cells: [label, ...figures, ...threadStallCells(row)],
      buckets: GC_BUCKETS_MS.map((edge, i) => pauses.filter((ms) => ms < edge && ms >= (GC_BUCKETS_MS[i - 1] ?? 0)).length),
    };
  });
}

/**
 * Every spike of every row with what overlapped it, worst first (the page shows the first few
 * and folds the rest). A row that timed nothing has no p99 to call a spike against, and an empty
 * window no maximum.
 */
export function stallRows(results: MergedResults, completed: readonly CompletedRow[], merged: boolean): StallRow[] {
  const repetitionText = (row: CompletedRow): string => {
    const run = merged ? runOfRow(results, row) : undefined;
    return run === undefined ? String(row.repetition) : `${run.label} #${row.repetition - run.repetitionOffset}`;
  };
  return completed
    .filter((row) => row.summary.latency.count > 0)
    .flatMap((row) => {
      const found = attributeStalls({
        windows: row.summary.windows.filter((w) => w.count > 0),
        windowMs: row.measurement.latency.windowMs,
        gcEvents: row.measurement.gcEvents,
        forcedGcs: row.measurement.forcedGcs,
        stalls: row.measurement.stalls,
      });
      return found.map((stall) => ({
        contender: row.contender,
        repetition: row.repetition,
        stall,
        text: [
          row.contender,
          repetitionText(row),
          `${(stall.windowStartMs / 1000).toFixed(0)} s`,
          formatMs(stall.maxMs),
          causeText(stall, row.measurement.collectsGarbage !== false),
          Number.isNaN(stall.threadStallMs) ? '-' : stall.threadStallMs === 0 ? 'no' : formatMs(stall.threadStallMs),
          stall.overlapping === '' ? 'no GC' : stall.overlapping,
        ],
      }));
    })
    .sort((a, b) => b.stall.maxMs - a.stall.maxMs);
}

/**
 * The cause in words that never contradict the GC column beside it: a spike a GC overlapped but
 * explains only in part says how much of it the GC was, not "nothing observed".
 */
export function causeText(stall: Stall, collectsGarbage = true): string {
  const gcShare = `GC in part (${formatMs(stall.gcPauseMs)} of ${formatMs(stall.maxMs)})`;
  if (stall.cause === 'stall (runtime reports no GC events)' && !collectsGarbage) return 'thread stall (no garbage collector)';
  if (stall.cause === 'thread stall, no GC') return stall.gcPauseMs > 0 ? `thread stall; ${gcShare}` : stall.cause;
  if (stall.cause !== 'nothing observed') return stall.cause;
  if (stall.gcPauseMs > 0) return `${gcShare}; the rest: queueing or the machine`;
  if (stall.threadStallMs > 0) return `thread stall in part (${formatMs(stall.threadStallMs)} of ${formatMs(stall.maxMs)}); the rest: queueing or the machine`;
  return 'no GC or thread stall seen: queueing or the machine';
}

/** The stall recorder's figures for the GC table: stalls of its threshold or more, and the longest. */
function threadStallCells(row: CompletedRow): [string, string] {
  const recording = row.measurement.stalls;
  if (recording === undefined) return ['-', '-'];
  const count = recording.stalls.length + (recording.droppedStalls ?? 0);
  const longest = recording.stalls.reduce((most, s) => Math.max(most, s.durationMs), 0);
  return [formatCount(count), count === 0 ? '-' : formatMs(longest)];
}

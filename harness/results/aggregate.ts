import { decodeHistogram, type Histogram } from './histogram.js';
import { type CompletedRow, type ContenderSummary, type Percentiles, type Row, type RowSummary, type Spread, type WindowSummary, type RowMeasurement } from './schema.js';
import { REQUEST_TYPES, type RequestType } from './scenario-schema.js';

const NS_PER_MS = 1e6;

/** Percentiles of a histogram of nanoseconds, in milliseconds. */
export function percentilesOf(histogram: Histogram): Percentiles {
  const at = (p: number): number => (histogram.totalCount === 0 ? 0 : histogram.getValueAtPercentile(p) / NS_PER_MS);
  return {
    count: histogram.totalCount,
    meanMs: histogram.totalCount === 0 ? 0 : histogram.mean / NS_PER_MS,
    p50Ms: at(50),
    p90Ms: at(90),
    p99Ms: at(99),
    p999Ms: at(99.9),
    p9999Ms: at(99.99),
    maxMs: histogram.totalCount === 0 ? 0 : histogram.maxValue / NS_PER_MS,
  };
}

export function percentilesOfEncoded(encoded: string): Percentiles {
  const histogram = decodeHistogram(encoded);
  const percentiles = percentilesOf(histogram);
  histogram.destroy();
  return percentiles;
}

export function summarizeRow(measurement: RowMeasurement): RowSummary {
  const { latency, drive, counters, gcEvents, windows, memory } = measurement;
  const windowSummaries: WindowSummary[] = latency.windows.map((encoded, i) => {
    const p = percentilesOfEncoded(encoded);
    return { startMs: i * latency.windowMs, count: p.count, p50Ms: p.p50Ms, p99Ms: p.p99Ms, maxMs: p.maxMs };
  });
  const operations = counters.hits + counters.misses;
  return {
    latency: percentilesOfEncoded(latency.overall),
    byType: Object.fromEntries(
      REQUEST_TYPES.map((type) => [type, percentilesOfEncoded(latency.byType[type])]),
    ) as Record<RequestType, Percentiles>,
    windows: windowSummaries,
    achievedRate: drive.achievedRate,
    saturated: drive.saturated,
    missRate: operations === 0 ? 0 : counters.misses / operations,
    gcCount: gcEvents.length,
    gcTotalMs: sum(gcEvents.map((event) => event.durationMs)),
    longestGcMs: Math.max(0, ...gcEvents.map((event) => event.durationMs)),
    forcedGcCount: measurement.forcedGcs.length,
    bytesPerEntry: memory.bytesPerEntry,
    heapUsedMaxBytes: Math.max(0, ...windows.map((w) => w.heapUsedBytes)),
    rssMaxBytes: Math.max(0, ...windows.map((w) => w.rssBytes)),
    fullGcPauseMs: memory.fullGcPauseMs,
    integrityOk: measurement.integrity.ok,
  };
}

/** Median and range of a list of numbers; NaN for an empty list. */
export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

export function summarizeContenders(rows: readonly Row[]): ContenderSummary[] {
  const names = [...new Set(rows.map((row) => row.contender))];
  return names.map((contender) => {
    const mine = rows.filter((row) => row.contender === contender);
    const done = mine.filter((row): row is CompletedRow => row.state === 'completed');
    const over = (pick: (summary: RowSummary) => number): Spread => spreadOf(done.map((row) => pick(row.summary)));
    return {
      contender,
      completed: done.length,
      failed: mine.length - done.length,
      failures: mine.flatMap((row) => (row.state === 'failed' ? [row.reason] : [])),
      p50Ms: over((s) => s.latency.p50Ms),
      p99Ms: over((s) => s.latency.p99Ms),
      p999Ms: over((s) => s.latency.p999Ms),
      maxMs: over((s) => s.latency.maxMs),
      achievedRate: over((s) => s.achievedRate),
      missRate: over((s) => s.missRate),
      gcCount: over((s) => s.gcCount),
      longestGcMs: over((s) => s.longestGcMs),
      bytesPerEntry: over((s) => s.bytesPerEntry),
      heapUsedMaxBytes: over((s) => s.heapUsedMaxBytes),
      fullGcPauseMs: over((s) => s.fullGcPauseMs),
      saturated: done.some((row) => row.summary.saturated),
      integrityOk: done.every((row) => row.summary.integrityOk),
    };
  });
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

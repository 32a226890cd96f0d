import { decodeHistogram, type Histogram } from './histogram.js';
import type { RequestType } from './scenario-schema.js';
import type { CompletedRow, ContenderSummary, Percentiles, Row, RowMeasurement, RowSummary, Spread, WindowSummary } from './schema.js';

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

/** A figure a row has, or NaN for one it does not (JSON null, a placeholder, an empty list). */
function figure(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : Number.NaN;
}

/**
 * The largest of a list, NaN when it has no figure: no sample is not a sample of zero, and
 * neither is a sample that lacks the figure (a window of a program with no GC heap, NaN, which
 * JSON turns into null).
 */
function largest(values: readonly number[]): number {
  const figures = values.filter((value) => typeof value === 'number' && Number.isFinite(value));
  return figures.length === 0 ? Number.NaN : Math.max(...figures);
}

/**
 * A row's figures, computed from its raw measurement. A figure the row does not have is NaN, never
 * 0: no GC has no longest pause, no window no peak heap, no cache operation no miss rate, and a
 * service-level row no bytes per entry. (Latency percentiles of a histogram that recorded nothing
 * stay 0 with a count of 0; summarizeContenders and the report go by the count.)
 */
export function summarizeRow(measurement: RowMeasurement): RowSummary {
  const { latency, drive, counters, gcEvents, windows, memory } = measurement;
  const windowSummaries: WindowSummary[] = latency.windows.map((encoded, i) => {
    const p = percentilesOfEncoded(encoded);
    return { startMs: i * latency.windowMs, count: p.count, p50Ms: p.p50Ms, p99Ms: p.p99Ms, maxMs: p.maxMs };
  });
  const operations = counters.hits + counters.misses;
  return {
    latency: percentilesOfEncoded(latency.overall),
    byType: {
      message: percentilesOfEncoded(latency.byType.message),
      ack: percentilesOfEncoded(latency.byType.ack),
      open: percentilesOfEncoded(latency.byType.open),
      reconnect: percentilesOfEncoded(latency.byType.reconnect),
    } satisfies Record<RequestType, Percentiles>,
    windows: windowSummaries,
    achievedRate: figure(drive.achievedRate),
    saturated: drive.saturated,
    missRate: operations > 0 ? counters.misses / operations : Number.NaN,
    gcCount: gcEvents.length,
    gcTotalMs: sum(gcEvents.map((event) => event.durationMs)),
    longestGcMs: largest(gcEvents.map((event) => event.durationMs)),
    forcedGcCount: measurement.forcedGcs.length,
    bytesPerEntry: memory.cachedStates > 0 ? figure(memory.bytesPerEntry) : Number.NaN,
    heapUsedMaxBytes: largest(windows.map((w) => w.heapUsedBytes)),
    rssMaxBytes: largest(windows.map((w) => w.rssBytes)),
    fullGcPauseMs: figure(memory.fullGcPauseMs),
    bytesPerRequest: measurement.allocation === undefined ? Number.NaN : figure(measurement.allocation.bytesPerRequest),
    scavengesPer100k: measurement.allocation === undefined ? Number.NaN : figure(measurement.allocation.scavengesPer100k),
    bytesPerMiss: figure(measurement.allocation?.bytesPerMiss ?? Number.NaN),
    longestGcCycleMs: largest((measurement.gcCycles ?? []).map((cycle) => cycle.durationMs)),
    gcCpuShare: gcCpuShareOf(windows),
    gcCpuPeakPercent: largest(windows.map((w) => figure(w.gcCpuPercent))),
    ...(latency.byOutcome === undefined
      ? {}
      : { byOutcome: { hit: percentilesOfEncoded(latency.byOutcome.hit), miss: percentilesOfEncoded(latency.byOutcome.miss) } }),
    integrityOk: measurement.integrity.ok,
  };
}

/**
 * Median and range of a list of numbers. Missing figures (NaN, null) are left out, never counted
 * as 0; with none left, every field is NaN, which tables show as "-".
 */
export function spreadOf(values: ReadonlyArray<number | null | undefined>): Spread {
  const sorted = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
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
    // A row that timed no request has no latency: its zeros are not figures.
    const timed = (pick: (latency: RowSummary['latency']) => number): Spread =>
      spreadOf(done.filter((row) => row.summary.latency.count > 0).map((row) => pick(row.summary.latency)));
    return {
      contender,
      completed: done.length,
      failed: mine.length - done.length,
      failures: mine.flatMap((row) => (row.state === 'failed' ? [row.reason] : [])),
      p50Ms: timed((l) => l.p50Ms),
      p99Ms: timed((l) => l.p99Ms),
      p999Ms: timed((l) => l.p999Ms),
      maxMs: timed((l) => l.maxMs),
      achievedRate: over((s) => s.achievedRate),
      missRate: over((s) => s.missRate),
      gcCount: over((s) => s.gcCount),
      longestGcMs: over((s) => s.longestGcMs),
      bytesPerEntry: over((s) => s.bytesPerEntry),
      heapUsedMaxBytes: over((s) => s.heapUsedMaxBytes),
      fullGcPauseMs: over((s) => s.fullGcPauseMs),
      bytesPerRequest: over((s) => s.bytesPerRequest),
      scavengesPer100k: over((s) => s.scavengesPer100k),
      bytesPerMiss: over((s) => s.bytesPerMiss ?? Number.NaN),
      longestGcCycleMs: over((s) => s.longestGcCycleMs ?? Number.NaN),
      gcCpuShare: over((s) => s.gcCpuShare ?? Number.NaN),
      // An outcome with no request (no miss at all) has no percentile: "-", never 0.
      hitP999Ms: over((s) => (s.byOutcome !== undefined && s.byOutcome.hit.count > 0 ? s.byOutcome.hit.p999Ms : Number.NaN)),
      missP99Ms: over((s) => (s.byOutcome !== undefined && s.byOutcome.miss.count > 0 ? s.byOutcome.miss.p99Ms : Number.NaN)),
      saturated: done.some((row) => row.summary.saturated),
      integrityOk: done.every((row) => row.summary.integrityOk),
    };
  });
}

/**
 * The collector's share of the process's CPU over the windows that have both figures: GC CPU
 * time over CPU time, each window's shares of one core weighed by its length (the last window
 * is shorter). NaN when no window has both.
 */
function gcCpuShareOf(windows: RowMeasurement['windows']): number {
  let gc = 0;
  let all = 0;
  let previousAt = 0;
  for (const w of windows) {
    const lengthMs = Math.max(0, w.atMs - previousAt);
    previousAt = w.atMs;
    const gcPercent = figure(w.gcCpuPercent);
    const cpuPercent = figure(w.cpuPercent);
    if (Number.isNaN(gcPercent) || Number.isNaN(cpuPercent)) continue;
    gc += gcPercent * lengthMs;
    all += cpuPercent * lengthMs;
  }
  // Two clocks read at slightly different moments can put a window's GC CPU above its CPU.
  return all > 0 ? Math.min(1, gc / all) : Number.NaN;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

import { formatMs } from '../report/format.js';
import type { Row, SweepPoint } from '../results/schema.js';

/** A sweep row's line in the progress: the figures its point keeps. */
export function describePoint(row: Row): string {
  if (row.state === 'failed') return `FAILED: ${row.reason}`;
  const { latency, fullGcPauseMs, saturated } = row.summary;
  return `p99.9 ${formatMs(latency.p999Ms)}, max ${formatMs(latency.maxMs)}, full-GC pause ${formatMs(fullGcPauseMs)}${saturated ? ' (saturated)' : ''}`;
}

export function pointOf(row: Row, capacity: number): SweepPoint {
  const runtime = row.runtime === undefined ? {} : { runtime: row.runtime };
  if (row.state === 'failed') return { contender: row.contender, ...runtime, capacity, state: 'failed', reason: row.reason };
  const { summary, measurement } = row;
  return {
    contender: row.contender,
    ...runtime,
    capacity,
    state: 'completed',
    cachedStates: measurement.memory.cachedStates,
    bytesPerEntry: summary.bytesPerEntry,
    fullGcPauseMs: summary.fullGcPauseMs,
    longestGcMs: summary.longestGcMs,
    p99Ms: summary.latency.p99Ms,
    p999Ms: summary.latency.p999Ms,
    maxMs: summary.latency.maxMs,
    achievedRate: summary.achievedRate,
    saturated: summary.saturated,
    missRate: summary.missRate,
    storeReadsPerSecond: measurement.counters.misses / Math.max(measurement.drive.elapsedMs / 1000, 1e-3),
    storeWritesPendingMax: Math.max(0, ...measurement.windows.map((w) => w.storeWritesPending ?? 0)),
    ...(summary.byOutcome === undefined ? {} : { missP99Ms: summary.byOutcome.miss.p99Ms, hitP99Ms: summary.byOutcome.hit.p99Ms }),
  };
}

import type { CompletedRow } from '../results/schema.js';

/**
 * What the report draws of a row's collector over time beside its latency: each whole GC cycle
 * (so that a forced GC's band spans the collection, not only its pause) and, under the latency
 * chart, the CPU per window of the process and of its collector, the two curves Discord's graphs
 * showed.
 */

/** One whole GC cycle on the time axis: seconds since measuring started, and its length in ms. */
export interface CycleMark {
  readonly t: number;
  readonly ms: number;
  readonly forced: boolean;
}

/**
 * The CPU per window under a latency chart, as shares of one core. `gc` says whether the
 * collector's curve exists: `measured`, `no-gc` (a program without a garbage collector) or
 * `not-measured` (older results, a service that reports nothing of it).
 */
export interface CpuOverTime {
  readonly t: readonly number[];
  readonly processPercent: readonly number[];
  readonly gcPercent: readonly number[];
  readonly gc: 'measured' | 'no-gc' | 'not-measured';
  /** What the GC curve counts (RowMeasurement.gcCpuSource), for the chart's tooltip and the page. */
  readonly gcSource?: string;
}

export function cycleMarks(row: CompletedRow): CycleMark[] {
  return (row.measurement.gcCycles ?? []).map((cycle) => ({ t: cycle.startMs / 1000, ms: cycle.durationMs, forced: cycle.forced }));
}

export function cpuOverTime(row: CompletedRow): CpuOverTime {
  const samples = row.measurement.windows;
  // A figure not reported is null in JSON: NaN here, a gap in the chart, never 0 %.
  const figure = (value: number | undefined): number => (typeof value === 'number' && Number.isFinite(value) ? value : Number.NaN);
  const gcPercent = samples.map((s) => figure(s.gcCpuPercent));
  const gc = row.measurement.collectsGarbage === false ? 'no-gc' : gcPercent.some((v) => Number.isFinite(v)) ? 'measured' : 'not-measured';
  return {
    t: samples.map((s) => s.atMs / 1000),
    processPercent: samples.map((s) => figure(s.cpuPercent)),
    gcPercent,
    gc,
    ...(row.measurement.gcCpuSource === undefined ? {} : { gcSource: row.measurement.gcCpuSource }),
  };
}

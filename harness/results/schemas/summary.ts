import { Type } from '@sinclair/typebox';
import { Count, Figure } from './figures.js';

/**
 * What harness/results/aggregate.ts computes from a row's raw measurement, as results files hold
 * it (a reader recomputes it; harness/results/schema.ts documents every field). Any figure may
 * be null where nothing was there to compute it from (NaN in memory).
 */

export const Percentiles = Type.Object({
  count: Figure,
  meanMs: Figure,
  p50Ms: Figure,
  p90Ms: Figure,
  p99Ms: Figure,
  p999Ms: Figure,
  p9999Ms: Figure,
  maxMs: Figure,
});

export const WindowSummary = Type.Object({ startMs: Figure, count: Figure, p50Ms: Figure, p99Ms: Figure, maxMs: Figure });

export const RowSummary = Type.Object({
  latency: Percentiles,
  byType: Type.Object({ message: Percentiles, ack: Percentiles, open: Percentiles, reconnect: Percentiles }),
  windows: Type.Array(WindowSummary),
  achievedRate: Figure,
  saturated: Type.Boolean(),
  missRate: Figure,
  gcCount: Figure,
  gcTotalMs: Figure,
  longestGcMs: Figure,
  forcedGcCount: Figure,
  bytesPerEntry: Figure,
  heapUsedMaxBytes: Figure,
  rssMaxBytes: Figure,
  fullGcPauseMs: Figure,
  bytesPerRequest: Figure,
  scavengesPer100k: Figure,
  bytesPerMiss: Type.Optional(Figure),
  longestGcCycleMs: Type.Optional(Figure),
  gcCpuShare: Type.Optional(Figure),
  gcCpuPeakPercent: Type.Optional(Figure),
  byOutcome: Type.Optional(Type.Object({ hit: Percentiles, miss: Percentiles })),
  integrityOk: Type.Boolean(),
});

export const Spread = Type.Object({ median: Figure, min: Figure, max: Figure });

export const ContenderSummary = Type.Object({
  contender: Type.String(),
  completed: Count,
  failed: Count,
  failures: Type.Array(Type.String()),
  p50Ms: Spread,
  p99Ms: Spread,
  p999Ms: Spread,
  maxMs: Spread,
  achievedRate: Spread,
  missRate: Spread,
  gcCount: Spread,
  longestGcMs: Spread,
  bytesPerEntry: Spread,
  heapUsedMaxBytes: Spread,
  fullGcPauseMs: Spread,
  bytesPerRequest: Spread,
  scavengesPer100k: Spread,
  bytesPerMiss: Type.Optional(Spread),
  longestGcCycleMs: Type.Optional(Spread),
  gcCpuShare: Type.Optional(Spread),
  hitP999Ms: Spread,
  missP99Ms: Spread,
  saturated: Type.Boolean(),
  integrityOk: Type.Boolean(),
});

import { storeLatencyText } from '../results/compare-settings.js';
import type { SweepResults } from '../results/schema.js';
import { escapeHtml } from './escape-html.js';

/**
 * The trade-off curve of a sweep: per contender, against cache size, the tail latency (p99,
 * where misses dominate once the store takes time to answer; p99.9 and max, where forced-GC
 * pauses dominate), the miss rate and the database reads per second, as one figure of three
 * aligned charts sharing the x axis (drawn by assets/store-latency.js). An object cache's
 * "middle ground" shows as a p99 curve with a minimum; an off-heap cache's as a curve that keeps
 * falling.
 */
export interface TradeoffModel {
  /** The store latency profile in one line. */
  readonly profile: string;
  /** False when the store answered at once: then misses cost next to nothing and the chart says so. */
  readonly delayed: boolean;
  /** The capacities swept, smallest first: the shared x axis. */
  readonly capacities: readonly number[];
  readonly series: ReadonlyArray<{ readonly contender: string; readonly points: readonly TradeoffPoint[] }>;
}

export interface TradeoffPoint {
  readonly capacity: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  /** Percent of cache operations that missed. */
  readonly missPercent: number;
  readonly readsPerSecond: number;
}

/** The model, from the sweep's completed points; figures a point did not record are NaN. */
export function tradeoffModel(results: SweepResults): TradeoffModel {
  const names = [...new Set(results.points.map((p) => p.contender))];
  return {
    profile: storeLatencyText(results),
    delayed: results.storeLatency !== undefined && results.storeLatency !== null,
    capacities: [...results.capacities].sort((a, b) => a - b),
    series: names.map((contender) => ({
      contender,
      points: results.points
        .filter((p) => p.contender === contender && p.state === 'completed')
        .sort((a, b) => a.capacity - b.capacity)
        .map((p) => ({
          capacity: p.capacity,
          p99Ms: p.p99Ms ?? Number.NaN,
          p999Ms: p.p999Ms ?? Number.NaN,
          maxMs: p.maxMs ?? Number.NaN,
          missPercent: p.missRate === undefined ? Number.NaN : p.missRate * 100,
          readsPerSecond: p.storeReadsPerSecond ?? Number.NaN,
        })),
    })),
  };
}

/** The report's section: the figure's three canvases, stacked, and what to read in them. */
export function tradeoffSection(model: TradeoffModel): string {
  const store = model.delayed
    ? `Store latency: ${model.profile}. The delays are seeded, so every point draws the same sequence: with a long-tailed profile, a max that is the same at every size is the database's slowest answer, not the cache's.`
    : 'Store latency: none: the store answered as fast as it could, so a miss costs next to nothing here and a smaller cache looks free (run sweep with --store-latency cassandra-2020 to see the trade-off).';
  return `
<h2>The trade-off: cache size against misses and GC pauses</h2>
<p class="note">${escapeHtml(store)} Top: latency per contender, p99 (solid), p99.9 (dashed) and max (dotted), log axis. Middle: the share of cache operations that missed. Bottom: database reads per second (cache misses). All three share the x axis: cached read states, log scale.</p>
<div id="tradeoff" class="tradeoff">
<div class="chart tall"><canvas id="tradeoff-latency"></canvas></div>
<div class="chart"><canvas id="tradeoff-misses"></canvas></div>
<div class="chart"><canvas id="tradeoff-reads"></canvas></div>
</div>
`;
}

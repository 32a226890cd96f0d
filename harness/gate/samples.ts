import { UsageError } from '../errors.js';
import { decodeHistogram } from '../results/histogram.js';
import type { CompletedRow, Results } from '../results/schema.js';
import { GATE_METRICS, type GateMetric, isWindowMetric, type SampleUnit, WINDOW_METRICS } from './config.js';

/** What a check compares: one contender's figure, optionally over a reference's, by repetition or by window. */
export interface SampleSpec {
  readonly contender: string;
  readonly metric: GateMetric;
  readonly relativeTo: string | null;
  readonly samples: SampleUnit;
}

/**
 * A window with fewer requests than this share of its row's typical window is the run's last
 * fragment (a few requests answered after the load stopped): its percentiles say nothing.
 */
const LEAST_WINDOW_SHARE = 0.5;

/**
 * The figures a check compares, one per repetition, or one per measured window of every
 * repetition: contender / reference where a reference is named, the reference's figure of the
 * same repetition as divisor (by window: its median window). Throws a UsageError naming what is missing.
 */
export function gateSamples(results: Results, spec: SampleSpec, which: string): number[] {
  const completed = results.rows.filter((row): row is CompletedRow => row.state === 'completed');
  const values: number[] = [];
  for (const row of completed.filter((r) => r.contender === spec.contender)) {
    const reference = spec.relativeTo === null ? undefined : completed.find((r) => r.contender === spec.relativeTo && r.repetition === row.repetition);
    if (spec.relativeTo !== null && reference === undefined) continue;
    if (spec.samples === 'repetitions') {
      const read = GATE_METRICS[spec.metric].read;
      values.push(reference === undefined ? read(row.summary) : read(row.summary) / read(reference.summary));
      continue;
    }
    // Divided by the reference's median window of the same repetition, not its window of the same
    // index: the reference ran seconds apart, so its windows share the repetition's load but not
    // that second's, and one window of its own would only add its noise to every ratio.
    const divisor = reference === undefined ? 1 : median(windowFigures(reference, spec.metric).filter((v): v is number => v !== undefined));
    for (const value of windowFigures(row, spec.metric)) if (value !== undefined && divisor !== undefined) values.push(value / divisor);
  }
  if (values.length === 0) {
    throw new UsageError(
      `the ${which} results have no completed ${spec.samples === 'windows' ? 'window' : 'repetition'} of ${spec.contender}${spec.relativeTo === null ? '' : ` beside ${spec.relativeTo}`}`,
    );
  }
  if (values.some((v) => !(v > 0 && Number.isFinite(v)))) {
    throw new UsageError(`the ${which} results give ${spec.contender}'s ${spec.metric} a value the gate cannot compare (zero or not finite)`);
  }
  return values;
}

/** A latency percentile of every measured window of a row (ms); undefined for a window too thin to judge. */
function windowFigures(row: CompletedRow, metric: GateMetric): Array<number | undefined> {
  // The gate's config refuses window samples of any other metric (config.ts).
  if (!isWindowMetric(metric)) throw new Error(`${metric} has no figure per window`);
  const percentile = WINDOW_METRICS[metric];
  const histograms = row.measurement.latency.windows.map((encoded) => decodeHistogram(encoded));
  const counts = histograms.map((h) => h.totalCount);
  const typical = [...counts].sort((a, b) => a - b)[Math.floor(counts.length / 2)] ?? 0;
  return histograms.map((histogram) => {
    if (histogram.totalCount === 0 || histogram.totalCount < typical * LEAST_WINDOW_SHARE) return undefined;
    const ns = percentile === 100 ? histogram.maxValue : histogram.getValueAtPercentile(percentile);
    return ns / 1e6;
  });
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

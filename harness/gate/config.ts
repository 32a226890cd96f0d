import { UsageError } from '../errors.js';
import { FieldReader, readJsonFile } from '../json-input.js';
import type { RowSummary } from '../results/schema.js';

/** Figures a gate can watch, each read from a row's summary. */
export const GATE_METRICS = {
  p50Ms: { read: (s: RowSummary) => s.latency.p50Ms, higherIsBetter: false, label: 'p50' },
  p99Ms: { read: (s: RowSummary) => s.latency.p99Ms, higherIsBetter: false, label: 'p99' },
  p999Ms: { read: (s: RowSummary) => s.latency.p999Ms, higherIsBetter: false, label: 'p99.9' },
  maxMs: { read: (s: RowSummary) => s.latency.maxMs, higherIsBetter: false, label: 'max' },
  // Hits wait for nothing but the cache and its collector; misses add the store (a disk, a
  // worker thread), so a claim about garbage collection is judged on the hits alone.
  hitP999Ms: {
    read: (s: RowSummary) => (s.byOutcome !== undefined && s.byOutcome.hit.count > 0 ? s.byOutcome.hit.p999Ms : Number.NaN),
    higherIsBetter: false,
    label: 'hit p99.9',
  },
  longestGcMs: { read: (s: RowSummary) => s.longestGcMs, higherIsBetter: false, label: 'longest GC pause' },
  fullGcPauseMs: { read: (s: RowSummary) => s.fullGcPauseMs, higherIsBetter: false, label: 'full GC pause' },
  bytesPerEntry: { read: (s: RowSummary) => s.bytesPerEntry, higherIsBetter: false, label: 'bytes per entry' },
  // Allocation is nearly deterministic, so a gate can hold it to 20%: it catches a change that
  // starts allocating on the hit path long before the tail-latency checks (about 2x) would.
  bytesPerRequest: { read: (s: RowSummary) => s.bytesPerRequest, higherIsBetter: false, label: 'bytes allocated per request' },
  scavengesPer100k: { read: (s: RowSummary) => s.scavengesPer100k, higherIsBetter: false, label: 'scavenges per 100k requests' },
  // Everything the measured thread allocated, charged to the misses (an upper bound: see
  // AllocationFigures.bytesPerMiss); NaN in results made before it was recorded.
  bytesPerMiss: { read: (s: RowSummary) => s.bytesPerMiss ?? Number.NaN, higherIsBetter: false, label: 'bytes allocated per miss' },
  achievedRate: { read: (s: RowSummary) => s.achievedRate, higherIsBetter: true, label: 'throughput' },
} as const;
export type GateMetric = keyof typeof GATE_METRICS;

/**
 * The percentile of each window's histogram a check by window reads (100 is the window's max).
 * Only latency figures exist per window; the others are one figure per repetition.
 */
export const WINDOW_METRICS = { p50Ms: 50, p99Ms: 99, p999Ms: 99.9, maxMs: 100 } as const;

/**
 * What one sample of a check is: a repetition's figure, or a measured window's (every window of
 * every repetition; a tail figure of a few seconds' windows moves less than the run's own).
 */
export type SampleUnit = 'repetitions' | 'windows';

/** A figure compared with the baseline's: fails on a significant regression beyond `allowedChange`. */
export interface GateCheck {
  readonly name: string;
  readonly contender: string;
  readonly metric: GateMetric;
  /** Compare contender / reference, each repetition with the reference of the same repetition. */
  readonly relativeTo: string | null;
  /** The worsening tolerated, as a fraction: 0.25 lets the figure grow (or a rate fall) by 25%. */
  readonly allowedChange: number;
  /** How sure the test must be that the regression exceeds `allowedChange`: 0.95 is p < 0.05. */
  readonly confidence: number;
  /** One sample per repetition (the default) or per measured window. */
  readonly samples: SampleUnit;
  /**
   * The share of samples cut from each end before the test (Yuen's trimmed t-test); 0 is
   * Welch's. A busy machine only ever adds latency, so its worst windows are cut with the rest.
   */
  readonly trim: number;
}

/** A claim about the current run alone, which needs no baseline: every repetition must hold it. */
export interface GateClaim {
  readonly name: string;
  readonly contender: string;
  readonly metric: GateMetric;
  /** The reference contender; null (or absent from the file) for a limit on the figure itself. */
  readonly relativeTo: string | null;
  /** The ratio contender / reference, or the figure itself, must stay at or below this in every repetition. */
  readonly atMost: number;
}

export interface GateConfig {
  /** The scenario every compared run must be of. */
  readonly scenario: string;
  /** `readstate-lab run` flags used by `gate --run` and `baseline`. */
  readonly run: readonly string[];
  readonly checks: readonly GateCheck[];
  readonly claims: readonly GateClaim[];
}

export function loadGateConfig(path: string): GateConfig {
  const fields = new FieldReader(readJsonFile(path, 'gate config'), `gate config ${path}`);
  const metrics = Object.keys(GATE_METRICS) as GateMetric[];
  const scenario = fields.text('scenario');
  const run = fields.strings('run');
  const checks = fields.array('checks', { optional: true }).map(
    (c): GateCheck => ({
      name: c.text('name'),
      contender: c.text('contender'),
      metric: c.oneOf('metric', metrics),
      relativeTo: c.has('relativeTo') ? c.nullableText('relativeTo') : null,
      allowedChange: c.number('allowedChange', { min: Number.MIN_VALUE, max: 100 }),
      confidence: c.number('confidence', { min: Number.MIN_VALUE, max: 0.9999 }),
      samples: c.has('samples') ? c.oneOf('samples', ['repetitions', 'windows'] as const) : 'repetitions',
      trim: c.has('trim') ? c.number('trim', { min: 0, max: 0.45 }) : 0,
      ...c.rejectUnknown(),
    }),
  );
  for (const check of checks) {
    if (check.samples === 'windows' && !(check.metric in WINDOW_METRICS)) {
      throw new UsageError(
        `gate config ${path}: check "${check.name}": "samples": "windows" takes a latency figure (${Object.keys(WINDOW_METRICS).join(', ')}), not ${check.metric}`,
      );
    }
  }
  const claims = fields.array('claims', { optional: true }).map(
    (c): GateClaim => ({
      name: c.text('name'),
      contender: c.text('contender'),
      metric: c.oneOf('metric', metrics),
      relativeTo: c.has('relativeTo') ? c.nullableText('relativeTo') : null,
      atMost: c.number('atMost', { min: Number.MIN_VALUE, max: 1e6 }),
      ...c.rejectUnknown(),
    }),
  );
  fields.rejectUnknown();
  if (checks.length + claims.length === 0) throw new UsageError(`gate config ${path}: needs at least one check or claim`);
  return { scenario, run, checks, claims };
}

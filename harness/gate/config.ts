import { Type } from '@sinclair/typebox';
import { UsageError } from '../errors.js';
import { readJsonFile } from '../json-input.js';
import { checkAgainstSchema } from '../results/check-against-schema.js';
import type { RowSummary } from '../results/schema.js';
import { Nullable, OneOf } from '../results/schemas/figures.js';

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

/** A metric with a figure in every measured window (a key of WINDOW_METRICS). */
export function isWindowMetric(metric: string): metric is keyof typeof WINDOW_METRICS {
  return metric in WINDOW_METRICS;
}

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

const metricNames = Object.keys(GATE_METRICS).filter((name): name is GateMetric => name in GATE_METRICS);
const Name = Type.String({ minLength: 1 });
const Metric = OneOf(metricNames);
const RelativeTo = Type.Optional(Nullable(Name));

/** A gate config file (gates/*.json); absent fields take the defaults loadGateConfig gives them. */
const GateConfigFile = Type.Object(
  {
    scenario: Name,
    run: Type.Array(Type.String()),
    checks: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Name,
            contender: Name,
            metric: Metric,
            relativeTo: RelativeTo,
            allowedChange: Type.Number({ minimum: Number.MIN_VALUE, maximum: 100 }),
            confidence: Type.Number({ minimum: Number.MIN_VALUE, maximum: 0.9999 }),
            samples: Type.Optional(OneOf(['repetitions', 'windows'] as const)),
            trim: Type.Optional(Type.Number({ minimum: 0, maximum: 0.45 })),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    claims: Type.Optional(
      Type.Array(
        Type.Object(
          { name: Name, contender: Name, metric: Metric, relativeTo: RelativeTo, atMost: Type.Number({ minimum: Number.MIN_VALUE, maximum: 1e6 }) },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

export function loadGateConfig(path: string): GateConfig {
  const file = checkAgainstSchema(GateConfigFile, readJsonFile(path, 'gate config'), `gate config ${path}`);
  const checks = (file.checks ?? []).map(
    (c): GateCheck => ({ ...c, relativeTo: c.relativeTo ?? null, samples: c.samples ?? 'repetitions', trim: c.trim ?? 0 }),
  );
  for (const check of checks) {
    if (check.samples === 'windows' && !(check.metric in WINDOW_METRICS)) {
      throw new UsageError(
        `gate config ${path}: check "${check.name}": "samples": "windows" takes a latency figure (${Object.keys(WINDOW_METRICS).join(', ')}), not ${check.metric}`,
      );
    }
  }
  const claims = (file.claims ?? []).map((c): GateClaim => ({ ...c, relativeTo: c.relativeTo ?? null }));
  if (checks.length + claims.length === 0) throw new UsageError(`gate config ${path}: needs at least one check or claim`);
  return { scenario: file.scenario, run: file.run, checks, claims };
}

import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';
import type { RowSummary } from './results.js';

/** Figures a gate can watch, each read from a row's summary. */
export const GATE_METRICS = {
  p50Ms: { read: (s: RowSummary) => s.latency.p50Ms, higherIsBetter: false, label: 'p50' },
  p99Ms: { read: (s: RowSummary) => s.latency.p99Ms, higherIsBetter: false, label: 'p99' },
  p999Ms: { read: (s: RowSummary) => s.latency.p999Ms, higherIsBetter: false, label: 'p99.9' },
  maxMs: { read: (s: RowSummary) => s.latency.maxMs, higherIsBetter: false, label: 'max' },
  longestGcMs: { read: (s: RowSummary) => s.longestGcMs, higherIsBetter: false, label: 'longest GC pause' },
  fullGcPauseMs: { read: (s: RowSummary) => s.fullGcPauseMs, higherIsBetter: false, label: 'full GC pause' },
  bytesPerEntry: { read: (s: RowSummary) => s.bytesPerEntry, higherIsBetter: false, label: 'bytes per entry' },
  achievedRate: { read: (s: RowSummary) => s.achievedRate, higherIsBetter: true, label: 'throughput' },
} as const;
export type GateMetric = keyof typeof GATE_METRICS;

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
}

/** A claim about the current run alone, which needs no baseline: every repetition must hold it. */
export interface GateClaim {
  readonly name: string;
  readonly contender: string;
  readonly metric: GateMetric;
  readonly relativeTo: string;
  /** The ratio contender / reference must stay at or below this in every repetition. */
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
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`gate config ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not valid JSON'}`);
  }
  const bad = (what: string): never => {
    throw new UsageError(`gate config ${path}: ${what}`);
  };
  if (typeof raw !== 'object' || raw === null) bad('must be a JSON object');
  const config = raw as Record<string, unknown>;
  if (typeof config['scenario'] !== 'string') bad('"scenario" must be a scenario name');
  if (!Array.isArray(config['run']) || !config['run'].every((a) => typeof a === 'string')) bad('"run" must be an array of run flags');
  const metric = (value: unknown, where: string): GateMetric => {
    if (typeof value !== 'string' || !(value in GATE_METRICS)) bad(`${where}: "metric" must be one of ${Object.keys(GATE_METRICS).join(', ')}`);
    return value as GateMetric;
  };
  const text = (value: unknown, where: string, key: string): string => {
    if (typeof value !== 'string' || value === '') bad(`${where}: "${key}" must be a non-empty string`);
    return value as string;
  };
  const fraction = (value: unknown, where: string, key: string, max: number): number => {
    if (typeof value !== 'number' || !(value > 0 && value <= max)) bad(`${where}: "${key}" must be a number above 0 and at most ${max}`);
    return value as number;
  };
  const checks = ((config['checks'] ?? []) as unknown[]).map((item, i): GateCheck => {
    const where = `checks[${i}]`;
    const c = (typeof item === 'object' && item !== null ? item : bad(`${where} must be an object`)) as Record<string, unknown>;
    return {
      name: text(c['name'], where, 'name'),
      contender: text(c['contender'], where, 'contender'),
      metric: metric(c['metric'], where),
      relativeTo: c['relativeTo'] === undefined || c['relativeTo'] === null ? null : text(c['relativeTo'], where, 'relativeTo'),
      allowedChange: fraction(c['allowedChange'], where, 'allowedChange', 100),
      confidence: fraction(c['confidence'], where, 'confidence', 0.9999),
    };
  });
  const claims = ((config['claims'] ?? []) as unknown[]).map((item, i): GateClaim => {
    const where = `claims[${i}]`;
    const c = (typeof item === 'object' && item !== null ? item : bad(`${where} must be an object`)) as Record<string, unknown>;
    return {
      name: text(c['name'], where, 'name'),
      contender: text(c['contender'], where, 'contender'),
      metric: metric(c['metric'], where),
      relativeTo: text(c['relativeTo'], where, 'relativeTo'),
      atMost: fraction(c['atMost'], where, 'atMost', 1e6),
    };
  });
  if (checks.length + claims.length === 0) bad('needs at least one check or claim');
  return { scenario: config['scenario'] as string, run: config['run'] as string[], checks, claims };
}

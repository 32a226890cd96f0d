import { UsageError } from '../errors.js';
import {
  type ComparableRun,
  describeDifference,
  describeEnvironmentBriefly,
  environmentDifferences,
  firstSettingDifference,
} from '../results/compare-settings.js';
import type { Environment, Results } from '../results/schema.js';
import { GATE_METRICS, type GateCheck, type GateClaim, type GateConfig } from './config.js';
import { gateSamples } from './samples.js';
import { studentTQuantileUpper, studentTUpperTail, yuen } from './statistics.js';

export type Verdict = 'pass' | 'regression' | 'improvement' | 'holds' | 'broken';

export interface GateRow {
  readonly name: string;
  readonly kind: 'check' | 'claim';
  /** What is compared, e.g. "p99.9 of typed-array / naive-map". */
  readonly what: string;
  /** Per-repetition values (ratios when relative). Empty for claims' baseline. */
  readonly baseline: readonly number[];
  readonly current: readonly number[];
  /** Estimated change of the geometric mean, as a fraction (+0.3 is 30% higher). */
  readonly change: number;
  /** Two-sided interval of `change` at the check's confidence. */
  readonly interval: readonly [number, number];
  /** One-sided p-value that the worsening exceeds the allowance (checks only). */
  readonly pValue: number;
  /** The allowance or bound, for the table. */
  readonly limit: string;
  readonly verdict: Verdict;
}

export interface GateReport {
  readonly rows: readonly GateRow[];
  readonly failed: boolean;
}

/**
 * Compares a run with a baseline. Each figure is taken per repetition, divided by the
 * reference contender's figure in the same repetition where the check names one (that cancels
 * how fast the machine happened to be), or taken per measured window, and compared on a log
 * scale with Welch's t-test (Yuen's when the check trims): a
 * check fails only when the data say, at its confidence, that the figure worsened by more than
 * its allowance. Claims need no baseline: their ratio must hold in every repetition.
 */
export function evaluateGate(config: GateConfig, current: Results, baseline: Results | undefined): GateReport {
  checkComparableRuns(config, current, baseline);
  if (config.checks.length > 0 && baseline === undefined) throw new UsageError('this gate config has checks, which need --baseline FILE');
  const rows = [...config.checks.map((check) => evaluateCheck(check, baseline!, current)), ...config.claims.map((claim) => evaluateClaim(claim, current))];
  return { rows, failed: rows.some((row) => row.verdict === 'regression' || row.verdict === 'broken') };
}

/**
 * Refuses runs the gate cannot judge: either of another scenario than the config's, or a baseline
 * whose settings differ from the current run's in anything that changes what is measured
 * (results/compare-settings.ts, the comparison `report` merges by). A faster or slower machine
 * is not refused: that is what relative checks cancel; `environmentWarning` says so.
 */
export function checkComparableRuns(config: GateConfig, current: ComparableRun, baseline: ComparableRun | undefined): void {
  checkComparable(config, current, 'current');
  if (baseline === undefined) return;
  checkComparable(config, baseline, 'baseline');
  const difference = firstSettingDifference(baseline, current);
  if (difference !== undefined) {
    throw new UsageError(
      `the baseline does not compare with the current run: ${describeDifference(difference, 'the baseline', 'the current run')}; record a new baseline with these settings`,
    );
  }
}

/** Both environments in a line each, and a warning when the machine or Node differ. */
export function describeEnvironments(baseline: Environment, current: Environment): string[] {
  const lines = [`baseline: ${describeEnvironmentBriefly(baseline)}`, `current:  ${describeEnvironmentBriefly(current)}`];
  const differences = environmentDifferences(baseline, current);
  if (differences.length > 0) {
    lines.push(
      `warning: the baseline was measured on another machine or Node (${differences.map((d) => describeDifference(d, 'the baseline', 'the current run')).join('; ')}): ` +
        'checks relative to a reference contender cancel some of that, absolute ones do not',
    );
  }
  return lines;
}

function checkComparable(config: GateConfig, results: ComparableRun, which: string): void {
  const scenario = results.settings.scenario.name;
  if (scenario !== config.scenario) {
    throw new UsageError(`the ${which} results are of scenario "${scenario}", the gate config of "${config.scenario}"`);
  }
}

function describe(metric: GateCheck['metric'], contender: string, relativeTo: string | null): string {
  return `${GATE_METRICS[metric].label} of ${contender}${relativeTo === null ? '' : ` / ${relativeTo}`}`;
}

function evaluateCheck(check: GateCheck, baseline: Results, current: Results): GateRow {
  const before = gateSamples(baseline, check, 'baseline');
  const after = gateSamples(current, check, 'current');
  const unit = check.samples === 'windows' ? 'windows' : 'repetitions';
  const least = check.trim === 0 ? 2 : Math.ceil(2 / (1 - 2 * check.trim));
  if (before.length < least || after.length < least) {
    throw new UsageError(
      `check "${check.name}" needs at least ${least} ${unit} on each side (baseline ${before.length}, current ${after.length}); run with --repeat${check.samples === 'windows' ? ' or a longer --duration' : ''}`,
    );
  }
  const compared = compareSamples(check, before, after);
  return {
    name: check.name,
    kind: 'check',
    what: describe(check.metric, check.contender, check.relativeTo) + (check.samples === 'windows' ? ' by window' : ''),
    baseline: before,
    current: after,
    ...compared,
    limit: `${GATE_METRICS[check.metric].higherIsBetter ? '-' : '+'}${(check.allowedChange * 100).toFixed(0)}% at ${(check.confidence * 100).toFixed(0)}%`,
  };
}

/** What a check concludes from its two samples: the change, its interval, the p-value and the verdict. */
export type SampleComparison = Pick<GateRow, 'change' | 'interval' | 'pValue' | 'verdict'> & {
  /** The standard error of the log change, which gate --calibrate turns into the smallest change a check sees. */
  readonly standardError: number;
  readonly degreesOfFreedom: number;
};

/**
 * Compares the samples on a log scale, where a ratio becomes a difference, with Welch's t-test
 * (Yuen's when the check trims): a regression only when the data say, at the check's confidence,
 * that the figure worsened by more than its allowance.
 */
export function compareSamples(
  check: Pick<GateCheck, 'metric' | 'allowedChange' | 'confidence' | 'trim'>,
  before: readonly number[],
  after: readonly number[],
): SampleComparison {
  // On a log scale "worse" is always "larger".
  const sign = GATE_METRICS[check.metric].higherIsBetter ? -1 : 1;
  const result = yuen(
    after.map((v) => sign * Math.log(v)),
    before.map((v) => sign * Math.log(v)),
    check.trim,
  );
  const allowed = Math.log(1 + check.allowedChange);
  const t = result.standardError === 0 ? (result.difference > allowed ? Infinity : -Infinity) : (result.difference - allowed) / result.standardError;
  const pValue = studentTUpperTail(t, result.degreesOfFreedom);
  const half = studentTQuantileUpper((1 - check.confidence) / 2, result.degreesOfFreedom) * result.standardError;
  const toChange = (logDifference: number): number => Math.exp(sign * logDifference) - 1;
  const low = toChange(result.difference - half);
  const high = toChange(result.difference + half);
  const interval: [number, number] = high < low ? [high, low] : [low, high];
  const regression = pValue < 1 - check.confidence;
  // An improvement, for the record: significantly better than the baseline, by the same test turned round.
  const improvement =
    !regression &&
    studentTUpperTail(
      result.standardError === 0 ? (result.difference < 0 ? Infinity : -Infinity) : -result.difference / result.standardError,
      result.degreesOfFreedom,
    ) <
      1 - check.confidence;
  return {
    change: toChange(result.difference),
    interval,
    pValue,
    verdict: regression ? 'regression' : improvement ? 'improvement' : 'pass',
    standardError: result.standardError,
    degreesOfFreedom: result.degreesOfFreedom,
  };
}

function evaluateClaim(claim: GateClaim, current: Results): GateRow {
  const values = gateSamples(current, { ...claim, samples: 'repetitions' }, 'current');
  const worst = Math.max(...values);
  return {
    name: claim.name,
    kind: 'claim',
    what: describe(claim.metric, claim.contender, claim.relativeTo),
    baseline: [],
    current: values,
    change: Number.NaN,
    interval: [Math.min(...values), worst],
    pValue: Number.NaN,
    limit: `≤ ${claim.atMost}`,
    verdict: worst <= claim.atMost ? 'holds' : 'broken',
  };
}

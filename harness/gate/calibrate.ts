import { renderMarkdownTable } from '../report/summary-table.js';
import type { Results } from '../results/schema.js';
import { GATE_METRICS, type GateCheck, type GateConfig } from './config.js';
import { compareSamples } from './gate.js';
import { gateSamples } from './samples.js';
import { studentTQuantileUpper } from './statistics.js';

/** What N runs of unchanged code say of one check on this machine. */
export interface CheckCalibration {
  readonly name: string;
  readonly what: string;
  /** Samples each run gave the check (the fewest of the runs). */
  readonly samplesPerRun: number;
  /** The spread of the log ratio between two unchanged runs (root mean square over every pair), as a fraction. */
  readonly runToRun: number;
  /** Half the check's interval on a comparison of two unchanged runs (median over pairs), as a fraction. */
  readonly intervalHalfWidth: number;
  /** The smallest worsening the check catches in 9 runs of 10 here, as a fraction. */
  readonly smallestCaught: number;
  /** Pairs of unchanged runs the check called a regression, out of `pairs`. */
  readonly falseAlarms: number;
  readonly pairs: number;
  readonly limit: string;
  /** The spread the smallest change is figured from, on the log scale (the larger of the test's own and the runs'). */
  readonly standardError: number;
  /** The test's degrees of freedom (median over pairs). */
  readonly degreesOfFreedom: number;
}

/** A detection rate the smallest-change figure is stated at: 9 runs in 10. */
const POWER = 0.9;

/**
 * Every ordered pair of runs (one as baseline, the other as current) compared as the gate would:
 * with no change made, the spread of the measured change is the check's noise, and the smallest
 * change it catches follows from that and the check's allowance and confidence. The larger of
 * the test's own standard error and the spread between runs is used, so a check whose runs
 * differ more than its samples say is not credited with power it lacks.
 */
export function calibrateGate(config: GateConfig, runs: readonly Results[]): CheckCalibration[] {
  return config.checks.map((check) => calibrateCheck(check, runs));
}

function calibrateCheck(check: GateCheck, runs: readonly Results[]): CheckCalibration {
  const samples = runs.map((run, index) => gateSamples(run, check, `calibration run ${index + 1}`));
  const logChanges: number[] = [];
  const errors: number[] = [];
  const freedoms: number[] = [];
  let falseAlarms = 0;
  for (let baseline = 0; baseline < runs.length; baseline++) {
    for (let current = 0; current < runs.length; current++) {
      if (baseline === current) continue;
      const compared = compareSamples(check, samples[baseline]!, samples[current]!);
      logChanges.push(Math.log1p(compared.change));
      errors.push(compared.standardError);
      freedoms.push(compared.degreesOfFreedom);
      if (compared.verdict === 'regression') falseAlarms++;
    }
  }
  const runToRun = Math.sqrt(logChanges.reduce((sum, d) => sum + d * d, 0) / logChanges.length);
  const error = Math.max(median(errors), runToRun);
  const df = median(freedoms);
  const half = studentTQuantileUpper((1 - check.confidence) / 2, df) * median(errors);
  return {
    name: check.name,
    what: `${GATE_METRICS[check.metric].label} of ${check.contender}${check.relativeTo === null ? '' : ` / ${check.relativeTo}`}${check.samples === 'windows' ? ' by window' : ''}`,
    samplesPerRun: Math.min(...samples.map((s) => s.length)),
    runToRun: Math.expm1(runToRun),
    intervalHalfWidth: Math.expm1(half),
    smallestCaught: smallestCaught(check, error, df),
    falseAlarms,
    pairs: logChanges.length,
    limit: `${GATE_METRICS[check.metric].higherIsBetter ? '-' : '+'}${(check.allowedChange * 100).toFixed(0)}% at ${(check.confidence * 100).toFixed(0)}%`,
    standardError: error,
    degreesOfFreedom: df,
  };
}

/**
 * How far beyond a check's allowance a change must lie, on the log scale, for the check to fail
 * it 9 times in 10 when its spread is `standardError`: what the noise adds to the allowance.
 */
export function noiseMargin(standardError: number, degreesOfFreedom: number, confidence: number): number {
  return (studentTQuantileUpper(1 - confidence, degreesOfFreedom) + studentTQuantileUpper(1 - POWER, degreesOfFreedom)) * standardError;
}

/**
 * The smallest worsening a check fails 9 times in 10, as a fraction (negative for a figure where
 * higher is better): its allowance plus the noise margin, for the check's allowance and confidence
 * as given, so a calibration stays right after the allowance is changed.
 */
export function smallestCaught(check: Pick<GateCheck, 'metric' | 'allowedChange' | 'confidence'>, standardError: number, degreesOfFreedom: number): number {
  const logChange = Math.log1p(check.allowedChange) + noiseMargin(standardError, degreesOfFreedom, check.confidence);
  return GATE_METRICS[check.metric].higherIsBetter ? -(1 - Math.exp(-logChange)) : Math.expm1(logChange);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(Math.abs(fraction) >= 10 ? 0 : 1)}%`;
}

/** A change as the calibration table writes it: "+26.1%", "-12.0%", "+1548%". */
export function changeText(fraction: number): string {
  return `${fraction >= 0 ? '+' : ''}${percent(fraction)}`;
}

/** The calibration as a Markdown table, with a line on how to read it. */
export function renderCalibrationMarkdown(calibration: readonly CheckCalibration[], runs: number): string {
  const header = ['check', 'compares', 'samples/run', 'noise run to run', '± interval, unchanged', 'caught 9 in 10 from', 'limit', 'false alarms'];
  const cells = calibration.map((c) => [
    c.name,
    c.what,
    String(c.samplesPerRun),
    `±${percent(c.runToRun)}`,
    `±${percent(c.intervalHalfWidth)}`,
    changeText(c.smallestCaught),
    c.limit,
    `${c.falseAlarms} of ${c.pairs}`,
  ]);
  return [
    `### readstate-lab gate --calibrate: ${runs} runs of unchanged code`,
    '',
    renderMarkdownTable(header, cells),
    '',
    'Every run was gated against every other, as baseline and as current. Noise is the spread of the log ratio between two unchanged runs; ' +
      "the interval is half the check's own interval on such a pair; a regression of the last size or more fails the check in 9 runs of 10 " +
      'on this machine at this load (the larger of the two spreads decides). A limit below it catches less than it promises; false alarms count the pairs the check failed.',
    '',
  ].join('\n');
}

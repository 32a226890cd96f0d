import { type Static, Type } from '@sinclair/typebox';
import { readJsonFile } from '../json-input.js';
import { checkAgainstSchema } from '../results/check-against-schema.js';
import type { Results } from '../results/schema.js';
import { Environment } from '../results/schemas/environment.js';
import { Count, Figure, Nullable } from '../results/schemas/figures.js';
import type { CheckCalibration } from './calibrate.js';
import type { GateCheck, GateConfig } from './config.js';

/**
 * A gate calibration kept beside its baseline (`baseline --calibrate`): what N runs of unchanged
 * code said of each check on the machine the baseline was recorded on, so that `gate` can say
 * beside each allowance what the check can see. A sibling file, not a field of the baseline, so
 * the baseline stays a plain results file that every reader of runs already takes.
 */

const Name = Type.String({ minLength: 1 });
const ThreeLoads = Type.Array(Figure, { minItems: 3, maxItems: 3 });

const CheckCalibrationEntry = Type.Object(
  {
    name: Name,
    contender: Name,
    metric: Name,
    relativeTo: Nullable(Name),
    samples: Type.Union([Type.Literal('repetitions'), Type.Literal('windows')]),
    trim: Type.Number({ minimum: 0, maximum: 0.45 }),
    allowedChange: Type.Number({ exclusiveMinimum: 0 }),
    confidence: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
    what: Type.String(),
    samplesPerRun: Count,
    runToRun: Figure,
    intervalHalfWidth: Figure,
    smallestCaught: Figure,
    falseAlarms: Count,
    pairs: Count,
    standardError: Figure,
    degreesOfFreedom: Figure,
  },
  { additionalProperties: false },
);

export const GateCalibrationFile = Type.Object(
  {
    kind: Type.Literal('gate-calibration'),
    version: Type.Literal(1),
    createdAt: Type.String(),
    /** The run recorded as the baseline: a calibration beside another baseline is not used. */
    baselineRunId: Name,
    /** Which of the runs the baseline is, in words. */
    baselineIs: Type.String(),
    runIds: Type.Array(Name, { minItems: 2 }),
    environment: Environment,
    load: Type.Object(
      {
        /** `uptime`'s 1, 5 and 15 minute load averages before the first run and after the last. */
        atStart: ThreeLoads,
        atEnd: ThreeLoads,
        /** The highest 1-minute load average each run saw. */
        highestPerRun: Type.Array(Figure),
      },
      { additionalProperties: false },
    ),
    checks: Type.Array(CheckCalibrationEntry),
  },
  { additionalProperties: false },
);

export type GateCalibration = Static<typeof GateCalibrationFile>;
export type CalibratedCheck = Static<typeof CheckCalibrationEntry>;

/** "reports/baselines/mine.json" -> "reports/baselines/mine.calibration.json". */
export function calibrationPathOf(baselinePath: string): string {
  return `${baselinePath.replace(/\.json$/i, '')}.calibration.json`;
}

/** The load averages of `uptime` before and after the runs, the highest each run saw. */
export interface CalibrationLoad {
  readonly atStart: readonly number[];
  readonly atEnd: readonly number[];
}

/**
 * The calibration of `runs` (the first of them the baseline), as the file holds it. A run
 * after the first adds a pair for every other run, so the baseline costs the calibration nothing.
 */
export function describeCalibration(config: GateConfig, runs: readonly Results[], checks: readonly CheckCalibration[], load: CalibrationLoad): GateCalibration {
  const first = runs[0];
  if (first === undefined) throw new RangeError('a calibration needs runs');
  const { nodeFlags, runtimes, ...machine } = first.environment;
  return {
    kind: 'gate-calibration',
    version: 1,
    createdAt: new Date().toISOString(),
    baselineRunId: first.runId,
    baselineIs: `the first of ${runs.length} runs of unchanged code; every run was gated against every other`,
    runIds: runs.map((run) => run.runId),
    environment: { ...machine, nodeFlags: [...nodeFlags], ...(runtimes === undefined ? {} : { runtimes: runtimes.map((r) => ({ ...r })) }) },
    load: { atStart: [...load.atStart], atEnd: [...load.atEnd], highestPerRun: runs.map((run) => run.environment.hostLoad?.loadAverageMax ?? Number.NaN) },
    checks: config.checks.map((check, index) => {
      const calibrated = checks[index];
      if (calibrated === undefined || calibrated.name !== check.name) throw new RangeError(`no calibration of check ${check.name}`);
      const { name, contender, metric, relativeTo, samples, trim, allowedChange, confidence } = check;
      const { what, samplesPerRun, runToRun, intervalHalfWidth, smallestCaught, falseAlarms, pairs, standardError, degreesOfFreedom } = calibrated;
      return {
        ...{ name, contender, metric, relativeTo, samples, trim, allowedChange, confidence },
        ...{ what, samplesPerRun, runToRun, intervalHalfWidth, smallestCaught, falseAlarms, pairs, standardError, degreesOfFreedom },
      };
    }),
  };
}

/** The file's text: JSON.stringify writes a figure that could not be computed (NaN) as null. */
export function calibrationText(calibration: GateCalibration): string {
  return `${JSON.stringify(calibration, null, 1)}\n`;
}

/**
 * Reads and checks a calibration file; a malformed one is one line naming the file and its first
 * wrong field. The schema's nulls are read back as NaN, what the program means by them.
 */
export function readCalibration(path: string): GateCalibration {
  const file = checkAgainstSchema(GateCalibrationFile, readJsonFile(path, 'gate calibration'), `gate calibration ${path}`);
  return {
    ...file,
    checks: file.checks.map((check) => ({
      ...check,
      runToRun: figure(check.runToRun),
      intervalHalfWidth: figure(check.intervalHalfWidth),
      smallestCaught: figure(check.smallestCaught),
      standardError: figure(check.standardError),
      degreesOfFreedom: figure(check.degreesOfFreedom),
    })),
  };
}

/** A figure as the program means it: NaN where the file has null. */
function figure(value: number | null): number {
  return typeof value === 'number' ? value : Number.NaN;
}

/** Whether a calibrated check measured what the config's check of that name measures now (the allowance and confidence may differ). */
export function sameCheck(calibrated: CalibratedCheck, check: GateCheck): boolean {
  return (
    calibrated.contender === check.contender &&
    calibrated.metric === check.metric &&
    calibrated.relativeTo === check.relativeTo &&
    calibrated.samples === check.samples &&
    calibrated.trim === check.trim
  );
}

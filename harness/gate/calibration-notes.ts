import { describeDifference, describeEnvironmentBriefly, environmentDifferences } from '../results/compare-settings.js';
import type { Environment } from '../results/schema.js';
import { changeText, noiseMargin, smallestCaught } from './calibrate.js';
import { type GateCalibration, sameCheck } from './calibration-file.js';
import { GATE_METRICS, type GateConfig } from './config.js';

/** What a baseline's calibration says of the gate's checks, for the gate's printout and table. */
export interface CalibrationNotes {
  /** Per check name: the smallest worsening it fails 9 times in 10 there, for the table beside the limit. */
  readonly caughtFrom: ReadonlyMap<string, string>;
  /** Lines to print; those starting "warning:" go into the Markdown too. */
  readonly lines: readonly string[];
}

function loadText(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? 'not measured' : value.toFixed(2);
}

function highest(values: readonly number[]): number | undefined {
  const measured = values.filter((value) => Number.isFinite(value));
  return measured.length === 0 ? undefined : Math.max(...measured);
}

/**
 * Each check's calibrated reach beside its allowance, from the allowance and confidence the config
 * has now. A check is warned of when the noise margin alone exceeds its allowance: its limit then
 * promises a sensitivity the noise does not allow, and what it fails is set by the noise. A
 * calibration of another baseline is not used, and one made on another machine is used with a warning.
 */
export function judgeByCalibration(
  config: GateConfig,
  calibration: GateCalibration,
  where: string,
  baseline: { readonly runId: string },
  current: Environment,
): CalibrationNotes {
  const load = calibration.load;
  const lines = [
    `calibration: ${where}, ${calibration.runIds.length} runs on ${describeEnvironmentBriefly(calibration.environment)} at ${calibration.createdAt}; ` +
      `load average ${loadText(load.atStart[0])} before, ${loadText(load.atEnd[0])} after, ${loadText(highest(load.highestPerRun))} at most during a run`,
  ];
  if (calibration.baselineRunId !== baseline.runId) {
    lines.push(
      `warning: ${where} is the calibration of run ${calibration.baselineRunId}, not of this baseline (${baseline.runId}), so it is not used: record both with baseline --calibrate`,
    );
    return { caughtFrom: new Map(), lines };
  }
  const differences = environmentDifferences(calibration.environment, current);
  if (differences.length > 0) {
    lines.push(
      `warning: the calibration was made on another machine or Node (${differences.map((d) => describeDifference(d, 'the calibration', 'the current run')).join('; ')}): ` +
        'what it says each check can see holds there, not necessarily here',
    );
  }
  const caughtFrom = new Map<string, string>();
  for (const check of config.checks) {
    const calibrated = calibration.checks.find((c) => c.name === check.name);
    if (calibrated === undefined || !sameCheck(calibrated, check)) {
      caughtFrom.set(check.name, 'not calibrated');
      lines.push(
        `note: check "${check.name}" ${calibrated === undefined ? 'is not in' : 'measured something else in'} the calibration: record it again with baseline --calibrate`,
      );
      continue;
    }
    if (!(Number.isFinite(calibrated.standardError) && Number.isFinite(calibrated.degreesOfFreedom) && calibrated.degreesOfFreedom > 0)) {
      caughtFrom.set(check.name, 'not measured');
      continue;
    }
    const margin = noiseMargin(calibrated.standardError, calibrated.degreesOfFreedom, check.confidence);
    const caught = changeText(smallestCaught(check, calibrated.standardError, calibrated.degreesOfFreedom));
    caughtFrom.set(check.name, caught);
    if (margin > Math.log1p(check.allowedChange)) {
      const limit = `${GATE_METRICS[check.metric].higherIsBetter ? '-' : '+'}${(check.allowedChange * 100).toFixed(0)}%`;
      lines.push(
        `warning: check "${check.name}" allows ${limit}, but this check cannot see a change smaller than ${caught} on the machine the baseline was calibrated on ` +
          '(caught 9 in 10): its noise, not its limit, decides what it fails',
      );
    }
  }
  return { caughtFrom, lines };
}

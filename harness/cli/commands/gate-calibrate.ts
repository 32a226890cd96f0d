import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeError, UsageError } from '../../errors.js';
import { calibrateGate, renderCalibrationMarkdown } from '../../gate/calibrate.js';
import { type GateConfig, loadGateConfig } from '../../gate/config.js';
import type { Results } from '../../results/schema.js';
import { numberOf } from '../flags.js';
import { checkOutputFile, checkOutputFolder } from '../output-paths.js';
import { checkRunFlags } from '../prepare-run.js';
import { runForGate } from './gate-run.js';

/** Runs gate --calibrate makes unless --repeat says otherwise: enough pairs to see a spread. */
export const DEFAULT_CALIBRATION_RUNS = 5;

interface CalibrateValues {
  readonly config: string;
  readonly repeat: string | undefined;
  readonly markdown: string | undefined;
  readonly out: string | undefined;
}

/**
 * Refuses, before anything runs, a calibration that cannot be made (fewer than 2 runs, no check,
 * a run that cannot start); returns how many runs to make.
 */
export function checkCalibration(config: GateConfig, configPath: string, repeat: string | undefined): number {
  const runs = numberOf('repeat', repeat) ?? DEFAULT_CALIBRATION_RUNS;
  if (runs < 2) throw new UsageError('--calibrate needs at least 2 runs (--repeat 2) to compare one with another');
  if (config.checks.length === 0) throw new UsageError(`gate config ${configPath} has no checks to calibrate (claims need no calibration)`);
  try {
    checkRunFlags(config.run);
  } catch (error) {
    throw new UsageError(`gate config ${configPath}: "run": ${describeError(error)}`);
  }
  return runs;
}

/**
 * The config's run `runs` times, one after another, each into `out`/run-N when `out` is given.
 * Returns the results, or only the exit code when a run was interrupted, or failed a row while
 * `stopOnFailure` (a baseline is not recorded from a run that failed a row).
 */
export async function calibrationRuns(
  config: GateConfig,
  runs: number,
  print: (line: string) => void,
  out: string | undefined,
  options: { readonly stopOnFailure: boolean },
): Promise<{ code: number; results?: Results[] }> {
  const results: Results[] = [];
  for (let index = 1; index <= runs; index++) {
    print(`calibration run ${index} of ${runs}`);
    const ran = await runForGate(config, print, out === undefined ? undefined : join(out, `run-${index}`), undefined);
    if (ran.results === undefined || (options.stopOnFailure && ran.code !== 0)) return { code: ran.code };
    results.push(ran.results);
  }
  return { code: 0, results };
}

/**
 * gate --calibrate: the config's run N times on this machine, as it is now, then every run gated
 * against every other. Claims are not calibrated: they hold in every repetition or they do not.
 */
export async function calibrateCommand(values: CalibrateValues, print: (line: string) => void): Promise<number> {
  const markdownFile = checkOutputFile('--markdown', values.markdown);
  const out = checkOutputFolder('--out', values.out);
  const config = loadGateConfig(values.config);
  const runs = checkCalibration(config, values.config, values.repeat);
  const ran = await calibrationRuns(config, runs, print, out, { stopOnFailure: false });
  if (ran.results === undefined) return ran.code;
  const results = ran.results;
  const markdown = renderCalibrationMarkdown(calibrateGate(config, results), runs);
  print('');
  print(markdown);
  if (markdownFile !== undefined) writeFileSync(markdownFile, markdown);
  return 0;
}

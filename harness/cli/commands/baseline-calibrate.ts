import { copyFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { scratchFolder } from '../../experiment/scratch-folder.js';
import { calibrateGate, renderCalibrationMarkdown } from '../../gate/calibrate.js';
import { calibrationPathOf, calibrationText, describeCalibration } from '../../gate/calibration-file.js';
import type { GateConfig } from '../../gate/config.js';
import { checkOutputFile } from '../output-paths.js';
import { calibrationRuns, checkCalibration } from './gate-calibrate.js';

/**
 * baseline --calibrate: the config's run N times, the first kept as the baseline and all N
 * gated against each other, as gate --calibrate does. The baseline is one of the runs rather
 * than a run of its own because it is one more run of the same unchanged code: the calibration
 * loses nothing by including it, and the user waits for N runs, not N + 1.
 */
export async function recordCalibratedBaseline(
  config: GateConfig,
  configPath: string,
  repeat: string | undefined,
  baselineFile: string,
  print: (line: string) => void,
): Promise<number> {
  const runs = checkCalibration(config, configPath, repeat);
  const calibrationFile = checkOutputFile('--out', calibrationPathOf(baselineFile));
  const scratch = scratchFolder('readstate-lab-baseline-');
  try {
    const atStart = loadavg();
    const ran = await calibrationRuns(config, runs, print, scratch.path, { stopOnFailure: true });
    if (ran.results === undefined) {
      print(ran.code === 130 ? 'interrupted: no baseline written' : 'a row failed or lost read states: no baseline written');
      return ran.code;
    }
    const checks = calibrateGate(config, ran.results);
    const calibration = describeCalibration(config, ran.results, checks, { atStart, atEnd: loadavg() });
    copyFileSync(join(scratch.path, 'run-1', 'results.json'), baselineFile);
    writeFileSync(calibrationFile, calibrationText(calibration));
    print('');
    print(renderCalibrationMarkdown(checks, runs));
  } finally {
    scratch.remove();
  }
  print(`wrote baseline ${baselineFile} (the first of the ${runs} runs) and its calibration ${calibrationFile}`);
  return 0;
}

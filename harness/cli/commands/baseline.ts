import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { scratchFolder } from '../../experiment/scratch-folder.js';
import { calibrationPathOf } from '../../gate/calibration-file.js';
import { loadGateConfig } from '../../gate/config.js';
import { CommandFlags } from '../flags.js';
import { checkOutputFile } from '../output-paths.js';
import { prepareConfigRun } from '../prepare-run.js';
import { recordCalibratedBaseline } from './baseline-calibrate.js';
import { DEFAULT_GATE_CONFIG } from './gate.js';
import { DEFAULT_CALIBRATION_RUNS } from './gate-calibrate.js';
import { executeRun } from './run.js';

const baselineFlags = new CommandFlags(['out', 'config', 'calibrate', 'repeat', 'help'], {
  out: { value: 'FILE', help: 'where the baseline results.json goes (required)', defaultHelp: '' },
  config: { default: DEFAULT_GATE_CONFIG, defaultHelp: 'gates/default.json' },
  calibrate: { help: "run the config's 'run' --repeat times, keep the first as the baseline and write each check's calibration beside it" },
  repeat: { help: 'with --calibrate: how many runs in all, the baseline included', defaultHelp: String(DEFAULT_CALIBRATION_RUNS) },
});

export const baselineHelp = `readstate-lab baseline: record a baseline for 'readstate-lab gate'

Usage: readstate-lab baseline --out FILE [--config FILE] [--calibrate [--repeat N]]

${baselineFlags.help()}

Runs the gate config's 'run' flags (repetitions included) and saves the results.json as FILE,
for example reports/baselines/default.json, to commit.

With --calibrate it also writes FILE's calibration (reports/baselines/default.calibration.json
for that FILE): what gate --calibrate prints, per check, with this machine and its load average.
gate then prints beside each check's limit the smallest change it catches 9 times in 10, and
warns when that limit is finer than the noise lets the check see. Commit both files.`;

export async function baselineCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const values = baselineFlags.parse(args, 'baseline');
  if (values.help) {
    print(baselineHelp);
    return 0;
  }
  if (values.out === undefined) throw new UsageError('baseline needs --out FILE');
  if (values.repeat !== undefined && !values.calibrate)
    throw new UsageError('--repeat is how many runs --calibrate makes; the repetitions of the baseline are in its config\'s "run"');
  const out = checkOutputFile('--out', values.out);
  const config = loadGateConfig(values.config);
  if (values.calibrate) return recordCalibratedBaseline(config, values.config, values.repeat, out, print);
  const scratch = scratchFolder('readstate-lab-baseline-');
  try {
    const prepared = await prepareConfigRun([...config.run, '--out', scratch.path], print);
    const code = await executeRun(prepared, print);
    if (code !== 0) {
      print(code === 130 ? 'interrupted: no baseline written' : 'a row failed or lost read states: no baseline written');
      return code;
    }
    copyFileSync(join(scratch.path, 'results.json'), out);
  } finally {
    scratch.remove();
  }
  print(`wrote baseline ${values.out}`);
  if (existsSync(calibrationPathOf(out))) {
    print(`note: ${calibrationPathOf(out)} calibrates the baseline this one replaced; gate will not use it (record both with baseline --calibrate)`);
  }
  return 0;
}

import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { scratchFolder } from '../../experiment/scratch-folder.js';
import { loadGateConfig } from '../../gate/config.js';
import { CommandFlags } from '../flags.js';
import { checkOutputFile } from '../output-paths.js';
import { prepareConfigRun } from '../prepare-run.js';
import { DEFAULT_GATE_CONFIG } from './gate.js';
import { executeRun } from './run.js';

const baselineFlags = new CommandFlags(['out', 'config', 'help'], {
  out: { value: 'FILE', help: 'where the baseline results.json goes (required)', defaultHelp: '' },
  config: { default: DEFAULT_GATE_CONFIG, defaultHelp: 'gates/default.json' },
});

export const baselineHelp = `readstate-lab baseline: record a baseline for 'readstate-lab gate'

Usage: readstate-lab baseline --out FILE [--config FILE]

${baselineFlags.help()}

Runs the gate config's 'run' flags (repetitions included) and saves the results.json as FILE,
for example reports/baselines/default.json, to commit.`;

export async function baselineCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const values = baselineFlags.parse(args, 'baseline');
  if (values.help) {
    print(baselineHelp);
    return 0;
  }
  if (values.out === undefined) throw new UsageError('baseline needs --out FILE');
  const out = checkOutputFile('--out', values.out);
  const config = loadGateConfig(values.config);
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
  return 0;
}

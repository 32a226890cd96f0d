import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { scratchFolder } from '../../experiment/scratch-folder.js';
import type { GateConfig } from '../../gate/config.js';
import { checkComparableRuns } from '../../gate/gate.js';
import { describeEnvironment } from '../../measure/environment.js';
import { loadResults } from '../../results/results-file.js';
import type { Results } from '../../results/schema.js';
import { prepareConfigRun, settingsOf } from '../prepare-run.js';
import { executeRun } from './run.js';

/**
 * Runs `readstate-lab run` with the config's flags into `out`, or into a scratch folder removed
 * on every way out (the results are read before). Checks the whole run command line, and that
 * the run will compare with `baseline`, before anything runs. Returns the run's exit code and,
 * unless it was interrupted, its results.
 */
export async function runForGate(
  config: GateConfig,
  print: (line: string) => void,
  out: string | undefined,
  baseline: Results | undefined,
): Promise<{ code: number; results?: Results }> {
  const scratch = out === undefined ? scratchFolder('readstate-lab-gate-') : undefined;
  try {
    const dir = out ?? scratch!.path;
    const prepared = await prepareConfigRun([...config.run, '--out', dir], print);
    checkComparableRuns(config, { settings: settingsOf(prepared), environment: describeEnvironment(prepared.extraNodeFlags) }, baseline);
    const code = await executeRun(prepared, print);
    if (code === 130) return { code };
    const file = join(dir, 'results.json');
    const results = loadResults(file);
    if (results.kind !== 'run') throw new UsageError(`${file} is not a run`);
    if (scratch !== undefined) print("(the run's folder was temporary and is removed; give --out DIR to keep its results and report)");
    return { code, results };
  } finally {
    scratch?.remove();
  }
}

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeError, UsageError } from '../../errors.js';
import { scratchFolder } from '../../experiment/scratch-folder.js';
import { type GateConfig, loadGateConfig } from '../../gate/config.js';
import { checkComparableRuns, describeEnvironments, evaluateGate } from '../../gate/gate.js';
import { renderGateMarkdown } from '../../gate/markdown.js';
import { describeEnvironment } from '../../measure/environment.js';
import { packageRoot } from '../../package-root.js';
import { loadResults } from '../../results/results-file.js';
import type { Results } from '../../results/schema.js';
import { CommandFlags } from '../flags.js';
import { checkOutputFile, checkOutputFolder } from '../output-paths.js';
import { checkRunFlags, prepareConfigRun, settingsOf } from '../prepare-run.js';
import { executeRun } from './run.js';

/** The gate config gate and baseline read unless --config names another. */
export const DEFAULT_GATE_CONFIG = join(packageRoot, 'gates', 'default.json');

const gateFlags = new CommandFlags(['baseline', 'current', 'run', 'config', 'markdown', 'out', 'help'], {
  config: { default: DEFAULT_GATE_CONFIG, defaultHelp: 'gates/default.json' },
  out: { help: "with --run: where the run's results and HTML report go", defaultHelp: 'a temporary folder, removed afterwards' },
});

export const gateHelp = `readstate-lab gate: fail CI on a tail-latency regression, not on noise

Usage: readstate-lab gate [--baseline FILE] (--current FILE | --run) [--config FILE] [--markdown FILE]

${gateFlags.help()}

The baseline must have been run with the current run's settings (scenario and every field of
it, store, loop, kind of run, request log, node flags, lab version): otherwise the gate names the
first that differs and exits 2. Both machines are printed, with a warning when they differ.

Exit codes: 0 nothing regressed, 1 a significant regression or a broken claim, 2 bad input
(missing or malformed files, another schema version, scenario or settings).`;

/**
 * Runs `readstate-lab run` with the config's flags into `out`, or into a scratch folder removed
 * on every way out (the results are read before). Checks the whole run command line, and that
 * the run will compare with `baseline`, before anything runs. Returns the run's exit code and,
 * unless it was interrupted, its results.
 */
async function runForGate(
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

function loadRun(path: string, which: string): Results {
  const results = loadResults(path);
  if (results.kind !== 'run') throw new UsageError(`the ${which} file ${path} holds ${results.kind} results, not a run`);
  return results;
}

export async function gateCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const values = gateFlags.parse(args, 'gate');
  if (values.help) {
    print(gateHelp);
    return 0;
  }
  if ((values.current === undefined) === !values.run) throw new UsageError('give either --current FILE or --run');
  if (values.out !== undefined && !values.run) throw new UsageError('--out is where a --run writes; with --current nothing is run');
  const markdownFile = checkOutputFile('--markdown', values.markdown);
  const out = checkOutputFolder('--out', values.out);
  const config = loadGateConfig(values.config);
  try {
    checkRunFlags(config.run);
  } catch (error) {
    // Checked with --current too: a config whose run cannot start would pass here and fail the
    // next time someone runs it.
    throw new UsageError(`gate config ${values.config}: "run": ${describeError(error)}`);
  }
  const baseline = values.baseline === undefined ? undefined : loadRun(values.baseline, 'baseline');
  if (config.checks.length > 0 && baseline === undefined) throw new UsageError('this gate config has checks, which need --baseline FILE');
  let current: Results;
  if (values.run) {
    const ran = await runForGate(config, print, out, baseline);
    if (ran.results === undefined) return ran.code;
    current = ran.results;
  } else {
    current = loadRun(values.current!, 'current');
  }
  const report = evaluateGate(config, current, baseline);
  const environments = baseline === undefined ? [] : describeEnvironments(baseline.environment, current.environment);
  const markdown = renderGateMarkdown(
    report,
    environments.filter((line) => line.startsWith('warning:')),
  );
  print('');
  for (const line of environments) print(line);
  print('');
  print(markdown);
  if (markdownFile !== undefined) writeFileSync(markdownFile, markdown);
  return report.failed ? 1 : 0;
}

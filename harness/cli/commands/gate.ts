import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeError, UsageError } from '../../errors.js';
import { calibrationPathOf, readCalibration } from '../../gate/calibration-file.js';
import { judgeByCalibration } from '../../gate/calibration-notes.js';
import { loadGateConfig } from '../../gate/config.js';
import { describeEnvironments, evaluateGate } from '../../gate/gate.js';
import { renderGateMarkdown } from '../../gate/markdown.js';
import { packageRoot } from '../../package-root.js';
import { loadResults } from '../../results/results-file.js';
import type { Results } from '../../results/schema.js';
import { CommandFlags } from '../flags.js';
import { checkOutputFile, checkOutputFolder } from '../output-paths.js';
import { checkRunFlags } from '../prepare-run.js';
import { calibrateCommand, DEFAULT_CALIBRATION_RUNS } from './gate-calibrate.js';
import { runForGate } from './gate-run.js';

/** The gate config gate and baseline read unless --config names another. */
export const DEFAULT_GATE_CONFIG = join(packageRoot, 'gates', 'default.json');

const gateFlags = new CommandFlags(['baseline', 'current', 'run', 'calibrate', 'repeat', 'config', 'markdown', 'out', 'help'], {
  config: { default: DEFAULT_GATE_CONFIG, defaultHelp: 'gates/default.json' },
  repeat: { help: "with --calibrate: how many times to run the config's run", defaultHelp: String(DEFAULT_CALIBRATION_RUNS) },
  out: {
    help: "with --run: where the run's results and HTML report go; with --calibrate: a folder per run (run-1, run-2, ...)",
    defaultHelp: 'a temporary folder, removed afterwards',
  },
});

export const gateHelp = `readstate-lab gate: fail CI on a tail-latency regression, not on noise

Usage: readstate-lab gate [--baseline FILE] (--current FILE | --run) [--config FILE] [--markdown FILE]
       readstate-lab gate --calibrate [--repeat N] [--config FILE] [--markdown FILE]

${gateFlags.help()}

The baseline must have been run with the current run's settings (scenario and every field of
it, store, loop, kind of run, request log, node flags, lab version): otherwise the gate names the
first that differs and exits 2. Both machines are printed, with a warning when they differ.

A baseline recorded with 'baseline --calibrate' has its calibration beside it (FILE.json ->
FILE.calibration.json): the gate then prints each check's smallest change caught 9 times in 10
beside its limit, and warns when the limit is finer than that noise lets the check see, or when
this machine is not the one calibrated.

--calibrate runs the config's run N times here, gates every run against every other, and prints
per check the noise between unchanged runs and the smallest regression it catches 9 times in 10:
set each check's allowedChange from that, on the machine CI runs on (docs/gates.md).

Exit codes: 0 nothing regressed, 1 a significant regression or a broken claim, 2 bad input
(missing or malformed files, another schema version, scenario or settings).`;

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
  if (values.calibrate) {
    if (values.run || values.current !== undefined || values.baseline !== undefined) {
      throw new UsageError('--calibrate runs the config itself and compares its runs with each other: give no --run, --current or --baseline');
    }
    return calibrateCommand(values, print);
  }
  if (values.repeat !== undefined)
    throw new UsageError('--repeat is how many runs --calibrate makes; the repetitions of a gate run are in its config\'s "run"');
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
  // Read before any run, so that a malformed calibration is refused before the work, not after.
  const calibrationFile = values.baseline === undefined ? undefined : calibrationPathOf(values.baseline);
  const calibration = calibrationFile !== undefined && existsSync(calibrationFile) ? readCalibration(calibrationFile) : undefined;
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
  const calibrated =
    calibration === undefined || baseline === undefined ? undefined : judgeByCalibration(config, calibration, calibrationFile!, baseline, current.environment);
  if (calibrated !== undefined) environments.push(...calibrated.lines);
  const markdown = renderGateMarkdown(
    report,
    environments.filter((line) => line.startsWith('warning:')),
    calibrated?.caughtFrom.size === 0 ? undefined : calibrated?.caughtFrom,
  );
  print('');
  for (const line of environments) print(line);
  print('');
  print(markdown);
  if (markdownFile !== undefined) writeFileSync(markdownFile, markdown);
  return report.failed ? 1 : 0;
}

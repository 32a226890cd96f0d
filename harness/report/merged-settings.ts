import { describeEnvironmentBriefly, environmentDifferences, settingsDifferences } from '../results/compare-settings.js';
import type { MergedRun } from '../results/results-file.js';
import { reproduceCommand } from './reproduce.js';

/** Where a difference in one setting shows in the settings list above. */
const SETTING_ROWS: Readonly<Record<string, string>> = {
  scenario: 'scenario',
  duration: 'rate',
  rate: 'rate',
  'closed loop': 'rate',
  kind: 'rate',
  connections: 'rate',
  target: 'rate',
  capacity: 'capacity',
  'time scale': 'time scale',
  'forced GC': 'forced GC',
  seed: 'seed',
  store: 'store',
  'store latency': 'store latency',
  'requests file': 'request log',
  'node flags': 'node flags',
};

/**
 * The settings list of merged runs: `list` (the first run's settings) with each run after it,
 * where it came from, the settings in which it differs from run-1 and its command line; a row of
 * `list` whose setting differs by run says so. Differing settings and machines become notes.
 */
export function withMergedRuns(list: ReadonlyArray<readonly [string, string]>, runs: readonly MergedRun[]): { list: Array<[string, string]>; notes: string[] } {
  const [first] = runs;
  const differingRows = new Set<string>();
  const differingNames = new Set<string>();
  const runLines: Array<[string, string]> = [];
  const notes: string[] = [];
  for (const run of runs) {
    const differences = settingsDifferences(first!, run);
    const machine = environmentDifferences(first!.environment, run.environment);
    for (const d of differences) {
      differingNames.add(d.setting);
      differingRows.add(SETTING_ROWS[d.setting.split('.')[0]!] ?? '');
    }
    const own = differences.map((d) => `${d.setting} ${d.b}`).join(', ');
    runLines.push([
      run.label,
      `${run.source} (run ${run.runId}, ${run.repetitions} repetition(s))` +
        (run === first ? '' : own === '' ? '; same settings as run-1' : `; differs from run-1 in: ${own}`) +
        (machine.length === 0 ? '' : `; measured on ${describeEnvironmentBriefly(run.environment)}`),
    ]);
    runLines.push([`reproduce ${run.label}`, reproduceCommand({ settings: run.settings })]);
    if (machine.length > 0)
      notes.push(
        `note: ${run.label} was measured on another machine or Node version than run-1 (${machine.map((d) => `${d.setting} ${d.b}`).join(', ')}): compare its figures with care`,
      );
  }
  const marked = [...list, ...runLines].map(([name, value]): [string, string] =>
    differingRows.has(name) ? [name, `${value} (run-1's; differs by run, see ${runs.map((run) => run.label).join(', ')} below)`] : [name, value],
  );
  if (differingNames.size > 0) {
    notes.push(
      `note: these runs' settings differ (${[...differingNames].join(', ')}): each run's rows are a group of their own, labelled [run-N], and figures of different groups do not compare like for like`,
    );
  }
  return { list: marked, notes };
}

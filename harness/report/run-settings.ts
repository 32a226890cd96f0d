import { describeEnvironmentBriefly, environmentDifferences, settingsDifferences, storeLatencyText } from '../results/compare-settings.js';
import type { MergedResults, MergedRun } from '../results/results-file.js';
import type { CompletedRow, Results } from '../results/schema.js';
import { driverText, sendLagText, serviceDriver } from './driver-text.js';
import { formatBytes, formatCount } from './format.js';
import { machineFloorText } from './machine-floor-text.js';
import { rulerFloorText } from './ruler-floor-text.js';
import { storeText } from './store-gc.js';

/**
 * The report's settings and environment list: what ran, on what, and the command that
 * reproduces it; for merged runs each run's source and differences, which add to `notes`.
 */
export function runSettings(
  results: Results,
  completed: readonly CompletedRow[],
  merged: MergedResults['merged'] | undefined,
  notes: string[],
): Array<[string, string]> {
  const env = results.environment;
  const scenario = results.settings.scenario;
  const settings: Array<[string, string]> = [
    ['run id', results.runId],
    ['date', results.createdAt],
    ['scenario', `${scenario.name}: ${scenario.description}`],
    ['seed', String(scenario.seed)],
    ['rate', rateText(results)],
    ['capacity', `${formatCount(scenario.capacity)} read states`],
    ['time scale', `${scenario.timeScale}x (scenario seconds per wall second)`],
    ['forced GC', forcedGcText(scenario)],
    ['store', storeText(results.settings)],
    ['store latency', storeLatencyText(results.settings)],
    ['repetitions', String(results.settings.repeat)],
    ['request log', results.settings.requestsFile ?? 'generated from the scenario and seed'],
    ['Node / V8', `${env.node} / ${env.v8}`],
    ...(env.runtimes === undefined ? [] : [setting('runtimes', env.runtimes.map((r) => `${r.name} (${r.version})`).join(', '))]),
    ['CPU', `${env.cpuCount} x ${env.cpuModel}`],
    ['memory', formatBytes(env.totalMemoryBytes)],
    ['platform', `${env.platform} ${env.arch}`],
    ...(env.hostLoad?.floor === undefined ? [] : [setting('machine floor', machineFloorText(env.hostLoad.floor))]),
    ...driverSettings(results, completed),
    ['node flags', env.nodeFlags.join(' ')],
  ];
  if (merged === undefined) {
    settings.push(['reproduce', reproduceCommand(results)]);
  } else {
    mergedSettings(merged.runs, settings, notes);
  }
  return settings;
}

function forcedGcText(scenario: Results['settings']['scenario']): string {
  return scenario.forcedGc === null
    ? 'none'
    : `${scenario.forcedGc.mode}, every ${scenario.forcedGc.intervalSeconds} s scenario time (${(scenario.forcedGc.intervalSeconds / scenario.timeScale).toFixed(1)} s wall)`;
}

/** Service-level runs before the open-loop driver carried no `driver`: they were closed loop. */
function closedLoopRun(settings: Results['settings']): boolean {
  return settings.serviceLevel === undefined ? settings.closedLoop : serviceDriver(settings) === 'closed-loop';
}

/**
 * A `load` run's driver, what it measured against a server that costs nothing (the ruler's
 * floor, beside the machine's), and how late it sent each row's requests: the driver's own
 * share of every latency.
 */
function driverSettings(results: Results, completed: readonly CompletedRow[]): Array<[string, string]> {
  const driver = serviceDriver(results.settings);
  if (driver === undefined) return [];
  const out: Array<[string, string]> = [['driver', driverText(driver)]];
  const floor = results.environment.rulerFloor;
  if (floor !== undefined) out.push(['driver floor', rulerFloorText(floor)]);
  const lags = completed.flatMap((row) =>
    row.measurement.drive.sendLag === undefined ? [] : [`${row.contender} ${sendLagText(row.measurement.drive.sendLag)}`],
  );
  if (lags.length > 0) out.push(['sent late by', lags.join('; ')]);
  return out;
}

function rateText(results: Results): string {
  const { scenario, serviceLevel, closedLoop } = results.settings;
  if (serviceLevel === undefined) return `${formatCount(scenario.rate)} requests/s, ${closedLoop ? 'CLOSED loop' : 'open loop'}, ${scenario.durationSeconds} s`;
  const driver = closedLoopRun(results.settings)
    ? `CLOSED loop: ${serviceLevel.connections} autocannon connections, each waits for its answer`
    : `open loop${serviceDriver(results.settings) === 'open-loop-compiled' ? ' (compiled driver)' : ''}, a pool of up to ${formatCount(serviceLevel.connections)} keep-alive connections`;
  return `${formatCount(scenario.rate)} requests/s over HTTP, ${driver}, ${scenario.durationSeconds} s${serviceLevel.target === null ? '' : `, target ${serviceLevel.target}`}`;
}

export function latencyNote(results: Results): string {
  if (!closedLoopRun(results.settings))
    return "Latency is measured from each request's intended start (open loop), so a stall counts in every request that fell due during it.";
  return results.settings.serviceLevel === undefined
    ? 'CLOSED loop: each request is sent when the previous one is answered and timed from its send, so a stall counts once (coordinated omission); compare with an open-loop run.'
    : 'CLOSED loop (autocannon): each connection sends its next request when the previous one is answered, timed from its send, so a stall counts once per connection (coordinated omission).';
}

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
 * The settings of merged runs: each run with where it came from, the settings in which it differs
 * from run-1 and its command line; a row above whose setting differs by run says so. Differing
 * settings and machines become notes too.
 */
function mergedSettings(runs: readonly MergedRun[], settings: Array<[string, string]>, notes: string[]): void {
  const [first] = runs;
  const differingRows = new Set<string>();
  const differingNames = new Set<string>();
  for (const run of runs) {
    const differences = settingsDifferences(first!, run);
    const machine = environmentDifferences(first!.environment, run.environment);
    for (const d of differences) {
      differingNames.add(d.setting);
      differingRows.add(SETTING_ROWS[d.setting.split('.')[0]!] ?? '');
    }
    const own = differences.map((d) => `${d.setting} ${d.b}`).join(', ');
    settings.push([
      run.label,
      `${run.source} (run ${run.runId}, ${run.repetitions} repetition(s))` +
        (run === first ? '' : own === '' ? '; same settings as run-1' : `; differs from run-1 in: ${own}`) +
        (machine.length === 0 ? '' : `; measured on ${describeEnvironmentBriefly(run.environment)}`),
    ]);
    settings.push([`reproduce ${run.label}`, reproduceCommand({ settings: run.settings })]);
    if (machine.length > 0)
      notes.push(
        `note: ${run.label} was measured on another machine or Node version than run-1 (${machine.map((d) => `${d.setting} ${d.b}`).join(', ')}): compare its figures with care`,
      );
  }
  for (const entry of settings) {
    if (differingRows.has(entry[0])) entry[1] = `${entry[1]} (run-1's; differs by run, see ${runs.map((run) => run.label).join(', ')} below)`;
  }
  if (differingNames.size > 0) {
    notes.push(
      `note: these runs' settings differ (${[...differingNames].join(', ')}): each run's rows are a group of their own, labelled [run-N], and figures of different groups do not compare like for like`,
    );
  }
}

/** The command that made the results, without where it wrote them; rebuilt for version-1 files. */
function reproduceCommand(results: Pick<Results, 'settings'>): string {
  const { invocation } = results.settings;
  if (invocation !== undefined) return ['readstate-lab', ...withoutOutput(invocation)].map(shellQuote).join(' ');
  const s = results.settings.scenario;
  const parts = [
    results.settings.serviceLevel === undefined ? 'readstate-lab run' : 'readstate-lab load',
    `--impl ${results.settings.contenderNames.join(',')}`,
    `--scenario ${s.name}`,
    `--duration ${s.durationSeconds}`,
    `--rate ${s.rate}`,
    `--capacity ${s.capacity}`,
    `--seed ${s.seed}`,
    `--repeat ${results.settings.repeat}`,
  ];
  if (results.settings.serviceLevel === undefined && results.settings.closedLoop) parts.push('--closed-loop');
  if (results.settings.serviceLevel !== undefined) {
    parts.splice(parts.indexOf(`--repeat ${results.settings.repeat}`), 1);
    if (closedLoopRun(results.settings)) parts.push('--closed-loop');
    if (results.settings.serviceLevel.target !== null) parts.push(`--target ${results.settings.serviceLevel.target}`);
  }
  return parts.join(' ');
}

function withoutOutput(args: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') i++;
    else if (!args[i]!.startsWith('--out=')) kept.push(args[i]!);
  }
  return kept;
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** One line of the settings table: its name and its value. */
function setting(name: string, value: string): [string, string] {
  return [name, value];
}

import { storeLatencyText } from '../results/compare-settings.js';
import type { MergedResults } from '../results/results-file.js';
import type { CompletedRow, Results } from '../results/schema.js';
import { closedLoopRun, driverText, rulerFloorText, sendLagText, serviceDriver } from './driver-text.js';
import { formatBytes, formatCount } from './format.js';
import { machineFloorText } from './machine-floor-text.js';
import { withMergedRuns } from './merged-settings.js';
import { reproduceCommand } from './reproduce.js';
import { storeText } from './store-gc.js';

/** What ran, on what and how it was timed, in the words every rendering of a run uses. */
export interface RunSettingsText {
  /** The report's settings and environment list, ending with the command that reproduces it (each run's, for merged runs). */
  readonly list: ReadonlyArray<readonly [string, string]>;
  /** What merged runs' differences mean for their figures. */
  readonly notes: readonly string[];
  /** How latency was timed (open loop from the intended start, or closed loop). */
  readonly latencyNote: string;
  /** The store latency profile in one line. */
  readonly storeLatency: string;
  /** The machine's latency floor in one sentence, when it was measured. */
  readonly machineFloor?: string;
  /** A `load` run's driver and its floor in one sentence. */
  readonly driver?: string;
}

export function describeRunSettings(results: MergedResults): RunSettingsText {
  const completed = results.rows.filter((row): row is CompletedRow => row.state === 'completed');
  const floor = results.environment.hostLoad?.floor;
  const storeLatency = storeLatencyText(results.settings);
  const machineFloor = floor === undefined ? undefined : machineFloorText(floor);
  const driver = driverSentence(results);
  const list = settingsList(results, storeLatency, machineFloor, driverSettings(results, completed));
  const merged = results.merged !== undefined && results.merged.runs.length > 1 ? withMergedRuns(list, results.merged.runs) : undefined;
  return {
    list: merged?.list ?? [...list, ['reproduce', reproduceCommand(results)]],
    notes: merged?.notes ?? [],
    latencyNote: latencyNote(results),
    storeLatency,
    ...(machineFloor === undefined ? {} : { machineFloor }),
    ...(driver === undefined ? {} : { driver }),
  };
}

/** The run's settings and environment, without the command that reproduces it. */
function settingsList(
  results: Results,
  storeLatency: string,
  machineFloor: string | undefined,
  driver: ReadonlyArray<[string, string]>,
): Array<[string, string]> {
  const env = results.environment;
  const scenario = results.settings.scenario;
  return [
    ['run id', results.runId],
    ['date', results.createdAt],
    ['scenario', `${scenario.name}: ${scenario.description}`],
    ['seed', String(scenario.seed)],
    ['rate', rateText(results)],
    ['capacity', `${formatCount(scenario.capacity)} read states`],
    ['time scale', `${scenario.timeScale}x (scenario seconds per wall second)`],
    ['forced GC', forcedGcText(scenario)],
    ['store', storeText(results.settings)],
    ['store latency', storeLatency],
    ['repetitions', String(results.settings.repeat)],
    ['request log', results.settings.requestsFile ?? 'generated from the scenario and seed'],
    ['Node / V8', `${env.node} / ${env.v8}`],
    ...(env.runtimes === undefined ? [] : [setting('runtimes', env.runtimes.map((r) => `${r.name} (${r.version})`).join(', '))]),
    ['CPU', `${env.cpuCount} x ${env.cpuModel}`],
    ['memory', formatBytes(env.totalMemoryBytes)],
    ['platform', `${env.platform} ${env.arch}`],
    ...(machineFloor === undefined ? [] : [setting('machine floor', machineFloor)]),
    ...driver,
    ['node flags', env.nodeFlags.join(' ')],
  ];
}

function forcedGcText(scenario: Results['settings']['scenario']): string {
  return scenario.forcedGc === null
    ? 'none'
    : `${scenario.forcedGc.mode}, every ${scenario.forcedGc.intervalSeconds} s scenario time (${(scenario.forcedGc.intervalSeconds / scenario.timeScale).toFixed(1)} s wall)`;
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

/** A `load` run's driver and its floor, as summary.md says it beside the machine's floor. */
function driverSentence(results: Results): string | undefined {
  const driver = serviceDriver(results.settings);
  if (driver === undefined) return undefined;
  const floor = results.environment.rulerFloor;
  return `${driverText(driver)}${floor === undefined ? '' : `; its floor: ${rulerFloorText(floor)}`}`;
}

function rateText(results: Results): string {
  const { scenario, serviceLevel, closedLoop } = results.settings;
  if (serviceLevel === undefined) return `${formatCount(scenario.rate)} requests/s, ${closedLoop ? 'CLOSED loop' : 'open loop'}, ${scenario.durationSeconds} s`;
  const driver = closedLoopRun(results.settings)
    ? `CLOSED loop: ${serviceLevel.connections} autocannon connections, each waits for its answer`
    : `open loop${serviceDriver(results.settings) === 'open-loop-compiled' ? ' (compiled driver)' : ''}, a pool of up to ${formatCount(serviceLevel.connections)} keep-alive connections`;
  return `${formatCount(scenario.rate)} requests/s over HTTP, ${driver}, ${scenario.durationSeconds} s${serviceLevel.target === null ? '' : `, target ${serviceLevel.target}`}`;
}

function latencyNote(results: Results): string {
  if (!closedLoopRun(results.settings))
    return "Latency is measured from each request's intended start (open loop), so a stall counts in every request that fell due during it.";
  return results.settings.serviceLevel === undefined
    ? 'CLOSED loop: each request is sent when the previous one is answered and timed from its send, so a stall counts once (coordinated omission); compare with an open-loop run.'
    : 'CLOSED loop (autocannon): each connection sends its next request when the previous one is answered, timed from its send, so a stall counts once per connection (coordinated omission).';
}

/** One line of the settings table: its name and its value. */
function setting(name: string, value: string): [string, string] {
  return [name, value];
}

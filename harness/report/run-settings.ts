import { storeLatencyText } from '../results/compare-settings.js';
import type { MergedResults } from '../results/results-file.js';
import type { Results } from '../results/schema.js';
import { describeDriver } from './driver-text.js';
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

/**
 * The settings list, beside the words it is made of that other renderings use alone: each part's
 * words are found first (the driver's, the store's, the machine's floor), then laid out.
 */
export function describeRunSettings(results: MergedResults): RunSettingsText {
  const env = results.environment;
  const scenario = results.settings.scenario;
  const forcedGc = forcedGcText(scenario);
  const driver = describeDriver(results);
  const store = storeText(results.settings);
  const storeLatency = storeLatencyText(results.settings);
  const machineFloor = env.hostLoad?.floor === undefined ? undefined : machineFloorText(env.hostLoad.floor);
  const list: Array<readonly [string, string]> = [
    ['run id', results.runId],
    ['date', results.createdAt],
    ['scenario', `${scenario.name}: ${scenario.description}`],
    ['seed', String(scenario.seed)],
    ['rate', driver.rate],
    ['capacity', `${formatCount(scenario.capacity)} read states`],
    ['time scale', `${scenario.timeScale}x (scenario seconds per wall second)`],
    ['forced GC', forcedGc],
    ['store', store],
    ['store latency', storeLatency],
    ['repetitions', String(results.settings.repeat)],
    ['request log', results.settings.requestsFile ?? 'generated from the scenario and seed'],
    ['Node / V8', `${env.node} / ${env.v8}`],
    ...(env.runtimes === undefined ? [] : [['runtimes', env.runtimes.map((r) => `${r.name} (${r.version})`).join(', ')] as const]),
    ['CPU', `${env.cpuCount} x ${env.cpuModel}`],
    ['memory', formatBytes(env.totalMemoryBytes)],
    ['platform', `${env.platform} ${env.arch}`],
    ...(machineFloor === undefined ? [] : [['machine floor', machineFloor] as const]),
    ...driver.lines,
    ['node flags', env.nodeFlags.join(' ')],
  ];
  const merged = results.merged !== undefined && results.merged.runs.length > 1 ? withMergedRuns(list, results.merged.runs) : undefined;
  return {
    list: merged?.list ?? [...list, ['reproduce', reproduceCommand(results)]],
    notes: merged?.notes ?? [],
    latencyNote: driver.latencyNote,
    storeLatency,
    ...(machineFloor === undefined ? {} : { machineFloor }),
    ...(driver.sentence === undefined ? {} : { driver: driver.sentence }),
  };
}

function forcedGcText(scenario: Results['settings']['scenario']): string {
  return scenario.forcedGc === null
    ? 'none'
    : `${scenario.forcedGc.mode}, every ${scenario.forcedGc.intervalSeconds} s scenario time (${(scenario.forcedGc.intervalSeconds / scenario.timeScale).toFixed(1)} s wall)`;
}

import type { Environment, RunSettings } from './schema.js';
import { describeStoreLatency } from './schemas/store-latency.js';

/**
 * Whether two runs measured the same thing: the one comparison `report` (merging runs) and
 * `gate` (judging a run against a baseline) both use. Two runs compare when they ran the same
 * kind of run (in-process or service-level), the same resolved scenario field by field (a name
 * says nothing of the `--capacity` or `--duration` that overrode it), the same store, loop, request
 * log, store latency profile, node flags and lab version. What may differ: the contenders, the repetitions, the date,
 * the command line and the machine (which `environmentDifferences` reports, as a warning only).
 */

/** What a comparison reads of a results file. */
export interface ComparableRun {
  readonly settings: RunSettings;
  readonly environment: Pick<Environment, 'labVersion'> & { readonly nodeFlags?: readonly string[] };
}

/** One setting in which two runs differ, with both values as text. */
export interface SettingDifference {
  readonly setting: string;
  readonly a: string;
  readonly b: string;
}

/** Names of scenario fields in messages; a field not listed here is still compared, under its own name. */
const SCENARIO_LABELS: Readonly<Record<string, string>> = {
  durationSeconds: 'duration',
  rate: 'rate',
  capacity: 'capacity',
  timeScale: 'time scale',
  forcedGc: 'forced GC',
  writeBackDelaySeconds: 'write-back delay',
  windowSeconds: 'window',
  seed: 'seed',
  population: 'population',
  mix: 'mix',
  phases: 'phases',
  maxMentionsPerMessage: 'mentions per message',
};

/**
 * Scenario fields that change nothing measured: the name is compared first on its own, and the
 * description is prose.
 */
const NOT_MEASURED = new Set(['name', 'description']);

function text(value: unknown): string {
  if (value === undefined) return 'not recorded';
  if (value === null) return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

function forcedGcText(value: unknown): string {
  if (value === null) return 'none';
  if (!isPlainObject(value) || typeof value['intervalSeconds'] !== 'number') return text(value);
  return `${text(value['mode'])} every ${value['intervalSeconds']} s`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every difference between two values, descending into plain objects ("population.users"). */
function differencesOf(label: string, a: unknown, b: unknown, out: SettingDifference[]): void {
  if (isPlainObject(a) && isPlainObject(b) && label !== 'forced GC') {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) differencesOf(`${label}.${key}`, a[key], b[key], out);
    return;
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  const show = label === 'forced GC' ? forcedGcText : text;
  out.push({ setting: label, a: show(a), b: show(b) });
}

function kindOf(settings: RunSettings): string {
  return settings.serviceLevel === undefined ? 'in-process run' : 'service-level (load)';
}

/** Every setting in which run `b` differs from run `a`, in the order a reader would check them. */
export function settingsDifferences(a: ComparableRun, b: ComparableRun): SettingDifference[] {
  const out: SettingDifference[] = [];
  differencesOf('kind', kindOf(a.settings), kindOf(b.settings), out);
  const sa: Record<string, unknown> = a.settings.scenario;
  const sb: Record<string, unknown> = b.settings.scenario;
  differencesOf('scenario', sa['name'], sb['name'], out);
  const known = Object.keys(SCENARIO_LABELS);
  const others = [...new Set([...Object.keys(sa), ...Object.keys(sb)])].filter((key) => !known.includes(key) && !NOT_MEASURED.has(key));
  for (const key of [...known, ...others]) differencesOf(SCENARIO_LABELS[key] ?? key, sa[key], sb[key], out);
  differencesOf('store', a.settings.store, b.settings.store, out);
  // A store that answers in 5 ms and one that answers at once measure different services.
  differencesOf('store latency', storeLatencyText(a.settings), storeLatencyText(b.settings), out);
  differencesOf('closed loop', a.settings.closedLoop, b.settings.closedLoop, out);
  if (a.settings.serviceLevel !== undefined && b.settings.serviceLevel !== undefined) {
    differencesOf('connections', a.settings.serviceLevel.connections, b.settings.serviceLevel.connections, out);
    differencesOf('target', a.settings.serviceLevel.target, b.settings.serviceLevel.target, out);
    // Two drivers are two rulers: the Node one adds about a millisecond to every figure.
    differencesOf('driver', a.settings.serviceLevel.driver, b.settings.serviceLevel.driver, out);
  }
  differencesOf('requests file', a.settings.requestsFile, b.settings.requestsFile, out);
  differencesOf('node flags', a.environment.nodeFlags?.join(' '), b.environment.nodeFlags?.join(' '), out);
  differencesOf('lab version', a.environment.labVersion, b.environment.labVersion, out);
  return out;
}

/** The first setting in which `b` differs from `a`, or undefined when they compare. */
export function firstSettingDifference(a: ComparableRun, b: ComparableRun): SettingDifference | undefined {
  return settingsDifferences(a, b)[0];
}

/** "capacity differs: 10000 in A, 300000 in B". */
export function describeDifference(difference: SettingDifference, nameA: string, nameB: string): string {
  return `${difference.setting} differs: ${difference.a} in ${nameA}, ${difference.b} in ${nameB}`;
}

/** The machine and runtime: what may differ between compared runs, with a warning. */
export function environmentDifferences(a: Environment, b: Environment): SettingDifference[] {
  const out: SettingDifference[] = [];
  differencesOf('CPU model', a.cpuModel, b.cpuModel, out);
  differencesOf('CPU count', a.cpuCount, b.cpuCount, out);
  differencesOf('Node version', a.node, b.node, out);
  return out;
}

/**
 * The run's store latency profile in one line ("none (...)" for files made before it existed),
 * as reports and summaries state it and as comparisons tell runs apart.
 */
export function storeLatencyText(settings: Pick<RunSettings, 'storeLatency'>): string {
  return describeStoreLatency(settings.storeLatency ?? undefined);
}

/** "Node v20.20.2, 2 x AMD EPYC 7B13": the environment in one phrase. */
export function describeEnvironmentBriefly(environment: Environment): string {
  return `Node ${environment.node}, ${environment.cpuCount} x ${environment.cpuModel}`;
}

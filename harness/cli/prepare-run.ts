import { spawnSync } from 'node:child_process';
import { UsageError } from '../errors.js';
import { type ExperimentPlan, inProcessRowConfigs } from '../experiment/plan.js';
import type { Scenario } from '../results/scenario-schema.js';
import type { RunSettings } from '../results/schema.js';
import type { RowConfig } from '../run/run-one.js';
import { chooseRuntimes, type Runtime } from '../runtimes/locate.js';
import type { CassandraTarget } from '../store/cassandra-target.js';
import { parseStoreLatency, type StoreLatencyProfile } from '../store/latency-profile.js';
import type { StoreKind } from '../store/protocol.js';
import { BASE_NODE_FLAGS } from '../tuning.js';
import { type RequestLog, readRequestLog } from '../workload/request-log.js';
import { loadScenario } from '../workload/scenario.js';
import { cassandraSettingsOf } from './cassandra-settings.js';
import { type ChosenContender, chooseContenders } from './choose-contenders.js';
import { CommandOutput } from './command-output.js';
import { CommandFlags, type FlagValues, numberOf } from './flags.js';
import { listFlag, numberFlag } from './options.js';
import { checkOutputFile } from './output-paths.js';
import { checkRunDirectory, newRunId, runDirectory } from './run-directory.js';
import { applyOverrides } from './scenario-overrides.js';
import { parseStoreFlag } from './store-flag.js';

/** run's flags (tune takes them too, and --variants). */
export const runFlags = new CommandFlags(
  [
    'impl',
    'scenario',
    'duration',
    'rate',
    'capacity',
    'time-scale',
    'gc-mode',
    'repeat',
    'seed',
    'requests',
    'store',
    'store-latency',
    'closed-loop',
    'dump-state',
    'node-flags',
    'inject-stall',
    'runtime',
    'out',
    'quiet',
    'json',
    'wide',
    'help',
  ],
  {
    scenario: { defaultHelp: "discord-2min, or with --requests the scenario the log's header names" },
    'store-latency': { default: 'none' },
  },
);

type RunFlagValues = FlagValues<(typeof runFlags.names)[number], { 'store-latency': { default: 'none' } }>;

/** A checked `run` command line: everything decided, nothing run yet. */
export interface PreparedRun {
  readonly args: readonly string[];
  readonly scenario: Scenario;
  readonly chosen: readonly ChosenContender[];
  readonly repeat: number;
  readonly store: StoreKind;
  /** The cluster and table of --store cassandra; each row makes a fresh table of its own. */
  readonly cassandra: CassandraTarget | undefined;
  readonly storeLatency: StoreLatencyProfile | undefined;
  readonly closedLoop: boolean;
  readonly requestsFile: string | undefined;
  readonly dumpState: string | undefined;
  readonly extraNodeFlags: readonly string[];
  readonly injected: { contender: string; ms: number } | undefined;
  readonly out: string | undefined;
  /** The runtimes every contender runs on (--runtime), each installed. */
  readonly runtimes: readonly Runtime[];
  /** --quiet, --json and --wide. */
  readonly outputFlags: { readonly quiet: boolean; readonly json: boolean; readonly wide: boolean };
}

/** Parses run's flags without running anything: a gate config's `run` is checked even when it is not run. */
export function checkRunFlags(args: readonly string[]): void {
  runFlags.parse(args, 'run');
}

/**
 * Reads and checks a `run` command line, every part of it, before anything runs: output paths,
 * scenario, contenders, flags for node. `values` are the parsed flags (tune parses its own).
 */
export async function prepareRun(args: readonly string[], print: (line: string) => void, values: RunFlagValues): Promise<PreparedRun> {
  const out = checkRunDirectory(values.out);
  const dumpState = checkOutputFile('--dump-state', values['dump-state']);
  // A replayed log is read here first: a bad file is one clear line, and its header (the
  // scenario it came from) gives the run its rate and population (each child reads it again).
  const replayed = values.requests === undefined ? undefined : await readRequestLog(values.requests);
  const scenario = replayed === undefined ? applyOverrides(loadScenario(values.scenario ?? 'discord-2min'), values) : replayScenario(replayed, values);
  if (values.requests === undefined) checkSomethingToSend(scenario);
  const repeat = numberOf('repeat', values.repeat) ?? 1;
  const { store, cassandra } = parseStoreFlag(values.store ?? scenario.store ?? 'sqlite');
  const storeLatency = parseStoreLatency(values['store-latency']);
  if (store === 'cassandra' && storeLatency !== undefined)
    throw new UsageError(`--store-latency ${storeLatency.name} imitates a database; with --store cassandra the database is real: leave one out`);
  const extraNodeFlags = (values['node-flags'] ?? '').split(' ').filter((flag) => flag !== '');
  const chosen = await new CommandOutput(values, print).notingIfItSucceeds((note) => chooseContenders(listFlag(values.impl), note));
  const injected = parseInjectedStall(
    values['inject-stall'],
    chosen.map((contender) => contender.name),
  );
  checkOwnPrograms(chosen, values, storeLatency, injected);
  const ownPrograms = chosen.filter((contender) => contender.design?.kind === 'http-process').map((contender) => contender.name);
  if (store === 'cassandra' && ownPrograms.length > 0)
    throw new UsageError(
      `--store cassandra cannot apply to ${ownPrograms.join(', ')} in run: its bench mode has a memory store of its own (load runs it against Cassandra)`,
    );
  checkNodeFlags(extraNodeFlags);
  const runtimes = chooseRuntimes(listFlag(values.runtime));
  return {
    args,
    scenario,
    chosen,
    repeat,
    store,
    cassandra,
    storeLatency,
    closedLoop: values['closed-loop'],
    requestsFile: values.requests,
    dumpState,
    extraNodeFlags,
    injected,
    out,
    runtimes,
    outputFlags: { quiet: values.quiet, json: values.json, wide: values.wide },
  };
}

/**
 * A prepared run's rows: contenders x runtimes (none for tune: `runtimes` undefined) x
 * repetitions. The first row dumps its final states (--dump-state); `vary` adds a row's own.
 */
export function runRows<C extends ChosenContender>(
  prepared: PreparedRun & { readonly chosen: readonly C[] },
  runtimes: readonly Runtime[] | undefined,
  vary: (contender: C, index: number) => Partial<RowConfig> = () => ({}),
): RowConfig[] {
  const { injected } = prepared;
  const chosenList: readonly C[] = prepared.chosen;
  const contenders = chosenList.map((chosen) => ({
    name: chosen.name,
    modulePath: chosen.modulePath,
    ownProgram: chosen.design?.kind === 'http-process',
    chosen,
  }));
  return inProcessRowConfigs(
    {
      scenario: prepared.scenario,
      requestsFile: prepared.requestsFile,
      closedLoop: prepared.closedLoop,
      store: prepared.store,
      cassandra: prepared.cassandra,
      storeLatency: prepared.storeLatency,
      dumpStatePath: undefined,
    },
    contenders,
    runtimes,
    prepared.repeat,
    (contender, index) => ({
      dumpStatePath: index === 0 ? prepared.dumpState : undefined,
      injectStallMs: injected?.contender === contender.name ? injected.ms : undefined,
      ...vary(contender.chosen, index),
    }),
  );
}

/**
 * The scenario a replayed log runs under: the one its header names (or --scenario, or the
 * default), at the log's own rate unless --rate says otherwise, for as long as the log lasts at
 * that rate. --duration cannot apply: the log's length sets it.
 */
function replayScenario(log: RequestLog, values: { scenario?: string | undefined; duration?: string | undefined; rate?: string | undefined }): Scenario {
  if (values.duration !== undefined) throw new UsageError("--duration does not apply to --requests: the log's length and rate set it");
  const base = values.scenario !== undefined || log.scenario === undefined ? loadScenario(values.scenario ?? 'discord-2min') : log.scenario;
  const scenario = applyOverrides(base, values);
  return { ...scenario, durationSeconds: log.count / scenario.rate };
}

/** A scenario whose rate and duration give no request would measure nothing: one line instead. */
export function checkSomethingToSend(scenario: Scenario): void {
  if (Math.round(scenario.rate * scenario.durationSeconds) < 1) {
    throw new UsageError(
      `${scenario.rate} requests/s for ${scenario.durationSeconds} s is no request at all: nothing would be measured (raise --rate or --duration)`,
    );
  }
}

/** The plan of a prepared run: every contender on every runtime, each repetition, one results.json. */
export function runPlanOf(prepared: PreparedRun): ExperimentPlan {
  const rows = { kind: 'in-process', configs: runRows(prepared, prepared.runtimes), scratchPrefix: 'readstate-lab-run-' } as const;
  const settings = settingsOf(prepared);
  const runId = newRunId(prepared.scenario.name);
  // The folder is made last, once the plan stands.
  const dir = runDirectory(runId, prepared.out);
  return { runtimes: prepared.runtimes, parts: [{ runId, dir, settings, extraNodeFlags: prepared.extraNodeFlags, rows, latest: true }] };
}

/** The settings a prepared run will record, to compare with another run's before running it. */
export function settingsOf(prepared: PreparedRun): RunSettings {
  return {
    scenario: prepared.scenario,
    contenderNames: prepared.chosen.map((contender) => contender.name),
    repeat: prepared.repeat,
    closedLoop: prepared.closedLoop,
    store: prepared.store,
    storeLatency: prepared.storeLatency ?? null,
    ...cassandraSettingsOf(prepared.cassandra),
    requestsFile: prepared.requestsFile ?? null,
    invocation: ['run', ...prepared.args],
  };
}

/**
 * A program of its own (Go, Rust) replays the log in its bench mode with its own memory store:
 * it has no closed loop, no store that holds answers back and no thread the lab can stall. Asked
 * for any of those, the run says so in one line instead of measuring something else.
 */
function checkOwnPrograms(
  chosen: readonly ChosenContender[],
  values: { readonly 'closed-loop': boolean },
  storeLatency: StoreLatencyProfile | undefined,
  injected: { contender: string } | undefined,
): void {
  const programs = chosen.filter((contender) => contender.design?.kind === 'http-process').map((contender) => contender.name);
  if (programs.length === 0) return;
  const named = programs.join(', ');
  if (values['closed-loop']) throw new UsageError(`--closed-loop cannot apply to ${named}: its bench mode drives open loop only`);
  if (storeLatency !== undefined)
    throw new UsageError(`--store-latency ${storeLatency.name} cannot apply to ${named}: its bench mode has a memory store of its own`);
  if (injected !== undefined && programs.includes(injected.contender))
    throw new UsageError(`--inject-stall cannot apply to ${injected.contender}: a program of its own, whose thread the lab cannot block`);
}

/**
 * Node must accept the flags every child will start with: asked once here, so that a typo in
 * --node-flags is one line now and not a failed row per contender and repetition later.
 */
function checkNodeFlags(extraNodeFlags: readonly string[]): void {
  if (extraNodeFlags.length === 0) return;
  const result = spawnSync(process.execPath, [...BASE_NODE_FLAGS, ...extraNodeFlags, '-e', '0'], {
    encoding: 'utf8',
    timeout: 30_000,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (result.status === 0) return;
  const stderr = result.stderr ?? '';
  const bad = /bad option: (\S+)/.exec(stderr)?.[1];
  // Node's own words, not its internals: a thrown error prints where it was thrown
  // ("node:internal/..."), the source line and a caret before the line that says what failed.
  const lines = stderr.split('\n').map((line) => line.trim());
  const said =
    lines.find((line) => /^\w*Error\b.*:/.test(line)) ?? lines.find((line) => line !== '' && !line.startsWith('#') && !/^(node:|throw\b|\^|at )/.test(line));
  const how = result.error !== undefined ? result.error.message : result.signal !== null ? `killed by ${result.signal}` : `exit ${result.status}`;
  throw new UsageError(
    bad !== undefined
      ? `--node-flags: node rejected ${bad} (node: bad option: ${bad})`
      : `--node-flags: node does not start with "${extraNodeFlags.join(' ')}" (${said ?? how})`,
  );
}

function parseInjectedStall(raw: string | undefined, contenderNames: readonly string[]): { contender: string; ms: number } | undefined {
  if (raw === undefined) return undefined;
  const [contender, ms] = raw.split('=');
  if (contender === undefined || !contenderNames.includes(contender) || ms === undefined) {
    throw new UsageError(`--inject-stall takes CONTENDER=MS with a contender of this run, got "${raw}"`);
  }
  return { contender, ms: numberFlag('inject-stall', ms, { min: 0.001, max: 900, unit: 'milliseconds' })! };
}

/** The gate config's `run` flags, prepared as run prepares its own; --help there is a mistake in the config. */
export function prepareConfigRun(args: readonly string[], print: (line: string) => void): Promise<PreparedRun> {
  const values = runFlags.parse(args);
  if (values.help) throw new UsageError("the gate config's run flags ask for --help");
  return prepareRun(args, print, values);
}

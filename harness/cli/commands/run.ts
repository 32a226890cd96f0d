import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { HostLoadMonitor } from '../../measure/host-load.js';
import { formatCount, formatMs } from '../../report/format.js';
import type { Scenario } from '../../results/scenario-schema.js';
import type { Row, RunSettings } from '../../results/schema.js';
import type { RowConfig } from '../../run/run-one.js';
import { chooseRuntimes, type Runtime } from '../../runtimes/locate.js';
import { parseStoreLatency, type StoreLatencyProfile } from '../../store/latency-profile.js';
import { STORE_KINDS, type StoreKind } from '../../store/protocol.js';
import { BASE_NODE_FLAGS } from '../../tuning.js';
import { type RequestLog, readRequestLog } from '../../workload/request-log.js';
import { loadScenario } from '../../workload/scenario.js';
import { type ChosenContender, chooseContenders } from '../choose-contenders.js';
import { CommandOutput, OUTPUT_FLAGS, OUTPUT_HELP } from '../command-output.js';
import { onInterrupt } from '../interrupt.js';
import { listFlag, numberFlag, parseFlags } from '../options.js';
import { checkOutputFile } from '../output-paths.js';
import { checkRunDirectory, newRunId, runDirectory } from '../run-directory.js';
import { assembleResults, runJson, writeRunOutput } from '../run-output.js';
import { runRowsWithProgress } from '../run-rows.js';
import { RUNTIME_HELP, runtimeFields, withRuntimeVersions } from '../runtime-rows.js';
import { applyOverrides } from '../scenario-overrides.js';

export const runHelp = `readstate-lab run: measure contenders under a scenario, one child process per row

Usage: readstate-lab run [options]

  --impl a,b           contenders to run (default: every one available here)
  --scenario NAME      a scenario in scenarios/ or a path to one (default: discord-2min, or
                       with --requests the scenario the log's header names)
  --duration SECONDS   wall seconds of measured load (default: the scenario's)
  --rate N             requests per second, open loop (default: the scenario's)
  --capacity N         read states the cache holds, e.g. 2e6 (default: the scenario's)
  --time-scale X       scenario seconds per wall second (default: the scenario's)
  --gc-mode MODE       forced GC: sync, concurrent or none (default: the scenario's)
  --repeat N           repetitions of every contender, interleaved (default: 1)
  --seed N             workload seed (default: the scenario's)
  --requests FILE      replay an NDJSON request log (from 'readstate-lab workload') at its own
                       rate (--rate overrides it); its length sets the duration
  --store KIND         sqlite or memory (default: the scenario's, else sqlite)
  --store-latency P    how long the store takes to answer: none (default), fixed:MS, or a
                       profile of scenarios/store-latency/ (cassandra-2020, scylla-2023) or file
  --closed-loop        send each request only after the last one finished (hides stalls)
  --dump-state FILE    write the final read states of the first row as NDJSON
  --node-flags=FLAGS   extra flags for every child process, space-separated
  --inject-stall C=MS  block contender C's measured thread MS ms once a second (to test gates)
${RUNTIME_HELP}
  --out DIR            write results here (default: reports/<run-id>/)
${OUTPUT_HELP}
  -h, --help           show this help

Writes results.json, summary.md and index.html (the report), and prints the summary table and
a verdict; progress goes to stderr.
Exits 0 when every row completed and lost nothing, 1 otherwise, 2 on bad input.`;

const flags = {
  impl: { type: 'string' },
  scenario: { type: 'string' },
  duration: { type: 'string' },
  rate: { type: 'string' },
  capacity: { type: 'string' },
  'time-scale': { type: 'string' },
  'gc-mode': { type: 'string' },
  repeat: { type: 'string' },
  seed: { type: 'string' },
  requests: { type: 'string' },
  store: { type: 'string' },
  'store-latency': { type: 'string', default: 'none' },
  'closed-loop': { type: 'boolean', default: false },
  'dump-state': { type: 'string' },
  'node-flags': { type: 'string' },
  'inject-stall': { type: 'string' },
  runtime: { type: 'string' },
  out: { type: 'string' },
  ...OUTPUT_FLAGS,
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** A checked `run` command line: everything decided, nothing run yet. */
export interface PreparedRun {
  readonly args: readonly string[];
  readonly scenario: Scenario;
  readonly chosen: readonly ChosenContender[];
  readonly repeat: number;
  readonly store: StoreKind;
  readonly storeLatency: StoreLatencyProfile | undefined;
  readonly closedLoop: boolean;
  readonly requestsFile: string | undefined;
  readonly dumpState: string | undefined;
  readonly extraNodeFlags: readonly string[];
  readonly injected: { contender: string; ms: number } | undefined;
  readonly out: string | undefined;
  /** The runtimes every contender runs on (--runtime), each installed. */
  readonly runtimes: readonly Runtime[];
  /** --quiet and --json. */
  readonly outputFlags: { readonly quiet: boolean; readonly json: boolean };
}

/**
 * Reads and checks a `run` command line, every part of it, before anything runs: output paths,
 * scenario, contenders, flags for node. Returns undefined for --help (after printing it).
 */
/** Parses run's flags without running anything: a gate config's `run` is checked even when it is not run. */
export function checkRunFlags(args: readonly string[]): void {
  parseFlags(args, flags, false, 'run');
}

export async function prepareRun(args: readonly string[], print: (line: string) => void): Promise<PreparedRun | undefined> {
  // No command name: main.ts names the command that ran (run, or tune, which takes run's flags).
  const { values } = parseFlags(args, flags, false);
  if (values.help) {
    print(runHelp);
    return undefined;
  }
  const out = checkRunDirectory(values.out);
  const dumpState = checkOutputFile('--dump-state', values['dump-state']);
  // A replayed log is read here first: a bad file is one clear line, and its header (the
  // scenario it came from) gives the run its rate and population (each child reads it again).
  const replayed = values.requests === undefined ? undefined : await readRequestLog(values.requests);
  const scenario = replayed === undefined ? applyOverrides(loadScenario(values.scenario ?? 'discord-2min'), values) : replayScenario(replayed, values);
  if (values.requests === undefined) checkSomethingToSend(scenario);
  const repeat = numberFlag('repeat', values.repeat, { min: 1, max: 100, integer: true }) ?? 1;
  const store = (values.store ?? scenario.store ?? 'sqlite') as StoreKind;
  if (!STORE_KINDS.includes(store)) throw new UsageError(`--store must be one of ${STORE_KINDS.join(', ')}, got "${values.store}"`);
  const storeLatency = parseStoreLatency(values['store-latency']);
  const extraNodeFlags = (values['node-flags'] ?? '').split(' ').filter((flag) => flag !== '');
  const chosen = await new CommandOutput(values, print).notingIfItSucceeds((note) => chooseContenders(listFlag(values.impl), note));
  const injected = parseInjectedStall(
    values['inject-stall'],
    chosen.map((contender) => contender.name),
  );
  checkOwnPrograms(chosen, values, storeLatency, injected);
  checkNodeFlags(extraNodeFlags);
  const runtimes = chooseRuntimes(listFlag(values.runtime));
  return {
    args,
    scenario,
    chosen,
    repeat,
    store,
    storeLatency,
    closedLoop: values['closed-loop'],
    requestsFile: values.requests,
    dumpState,
    extraNodeFlags,
    injected,
    out,
    runtimes,
    outputFlags: { quiet: values.quiet, json: values.json },
  };
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

/** The settings a prepared run will record, to compare with another run's before running it. */
export function settingsOf(prepared: PreparedRun): RunSettings {
  return {
    scenario: prepared.scenario,
    contenderNames: prepared.chosen.map((contender) => contender.name),
    repeat: prepared.repeat,
    closedLoop: prepared.closedLoop,
    store: prepared.store,
    storeLatency: prepared.storeLatency ?? null,
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

export async function runCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const prepared = await prepareRun(args, print);
  if (prepared === undefined) return 0;
  return executeRun(prepared, print);
}

/** One row of a prepared run: the contender, the scenario, how it is driven and stored (tune adds its flag variant). */
export function rowOf(prepared: PreparedRun, contender: ChosenContender, repetition: number): RowConfig {
  return {
    contender: contender.name,
    modulePath: contender.modulePath,
    scenario: prepared.scenario,
    repetition,
    requestsFile: prepared.requestsFile,
    closedLoop: prepared.closedLoop,
    store: prepared.store,
    storeLatency: prepared.storeLatency,
    dumpStatePath: undefined,
  };
}

/** Runs a prepared plan: every row in its own child process, then results, report and table. */
export async function executeRun(prepared: PreparedRun, print: (line: string) => void): Promise<number> {
  const { scenario, chosen, repeat, injected, extraNodeFlags } = prepared;
  const contenderNames = chosen.map((contender) => contender.name);
  const runId = newRunId(scenario.name);
  const dir = runDirectory(runId, prepared.out);
  const rows: RowConfig[] = [];
  for (let repetition = 1; repetition <= repeat; repetition++) {
    // Runtime by runtime within a repetition: the summary then groups its rows by runtime.
    for (const [r, runtime] of prepared.runtimes.entries())
      for (const contender of chosen) {
        // A program of its own (Go, Rust) runs on no JS runtime: one row, with the first runtime's.
        const ownProgram = contender.design?.kind === 'http-process';
        if (ownProgram && r > 0) continue;
        rows.push({
          ...rowOf(prepared, contender, repetition),
          ...(ownProgram ? {} : runtimeFields(contender.name, runtime, prepared.runtimes)),
          dumpStatePath: rows.length === 0 ? prepared.dumpState : undefined,
          injectStallMs: injected?.contender === contender.name ? injected.ms : undefined,
        });
      }
  }

  const output = new CommandOutput(prepared.outputFlags, print);
  const replay = prepared.requestsFile === undefined ? '' : ` (the log ${prepared.requestsFile})`;
  output.note(
    `${scenario.name}: ${contenderNames.join(', ')} | ${formatCount(scenario.capacity)} states, ` +
      `${formatCount(scenario.rate)}/s for ${Number(scenario.durationSeconds.toPrecision(3))} s${replay}, ${repeat} repetition(s)${prepared.storeLatency === undefined ? '' : `, store latency ${prepared.storeLatency.name}`} -> ${dir}`,
  );
  const progress = output.progress(rows.length);
  const interrupt = onInterrupt(() => progress.note('stopping after the current row is ended; finished rows are kept'));
  const hostLoad = new HostLoadMonitor();
  hostLoad.probeFloor();
  let finished: Row[];
  try {
    finished = await runRowsWithProgress(
      { rows, workDir: join(dir, 'rows'), extraNodeFlags },
      'readstate-lab-run-',
      { progress, hostLoad, stopSignal: interrupt.signal },
      { title: (config) => `${config.label ?? config.contender} (repetition ${config.repetition})`, result: describeRow },
    );
  } finally {
    progress.finish();
    interrupt.dispose();
  }

  const results = withRuntimeVersions(assembleResults(runId, settingsOf(prepared), finished, extraNodeFlags, hostLoad.stop()), prepared.runtimes);
  const written = writeRunOutput(dir, results, output.print);
  const code = runExitCode(finished, interrupt.signal.aborted, output.print);
  output.emitJson(runJson('run', results, written, code));
  return code;
}

/** 130 when interrupted, 1 when nothing ran or a row failed or lost read states, else 0. */
export function runExitCode(finished: readonly Row[], interrupted: boolean, print: (line: string) => void): number {
  if (interrupted) return 130;
  if (finished.length === 0) {
    print('no row ran: nothing was measured');
    return 1;
  }
  const bad = finished.filter((row) => row.state === 'failed' || !row.summary.integrityOk);
  if (bad.length > 0) {
    print(`${bad.length} row(s) failed or lost read states; see the check column`);
    return 1;
  }
  return 0;
}

function describeRow(row: Row): string {
  if (row.state === 'failed') return `FAILED: ${row.reason}`;
  const { latency, achievedRate, saturated, gcCount, integrityOk } = row.summary;
  return (
    `p50 ${formatMs(latency.p50Ms)}, p99 ${formatMs(latency.p99Ms)}, max ${formatMs(latency.maxMs)}, ` +
    `${formatCount(achievedRate)}/s${saturated ? ' (saturated)' : ''}, ${gcCount} GCs, ` +
    `${integrityOk ? 'nothing lost' : 'LOST READ STATES'}`
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

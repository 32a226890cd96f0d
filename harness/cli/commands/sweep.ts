import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import type { ExperimentPlan, PlanPart } from '../../experiment/plan.js';
import { inProcessRowConfigs } from '../../experiment/plan.js';
import { withRuntimeVersions } from '../../experiment/runtime-rows.js';
import { describeEnvironment } from '../../measure/environment.js';
import { formatCount } from '../../report/format.js';
import { sweepTable } from '../../report/sweep-table.js';
import { verdictLines } from '../../report/verdict.js';
import type { Scenario } from '../../results/scenario-schema.js';
import { SCHEMA_VERSION, type SweepResults } from '../../results/schema.js';
import { chooseRuntimes } from '../../runtimes/locate.js';
import { parseStoreLatency } from '../../store/latency-profile.js';
import { loadScenario } from '../../workload/scenario.js';
import { cassandraSettingsOf } from '../cassandra-settings.js';
import { chooseContenders } from '../choose-contenders.js';
import { CommandOutput } from '../command-output.js';
import { CommandFlags, numberOf } from '../flags.js';
import { listFlag } from '../options.js';
import { checkSomethingToSend } from '../prepare-run.js';
import { executeWithProgress } from '../progress-events.js';
import { readerPath } from '../reader-path.js';
import { checkRunDirectory, newRunId, runDirectory } from '../run-directory.js';
import { writeTableOutput } from '../run-output.js';
import { applyOverrides } from '../scenario-overrides.js';
import { parseStoreFlag } from '../store-flag.js';
import { describePoint, pointOf } from '../sweep-points.js';

const sweepFlags = new CommandFlags(
  ['capacity', 'impl', 'scenario', 'duration', 'rate', 'time-scale', 'store', 'store-latency', 'runtime', 'out', 'quiet', 'json', 'help'],
  {
    capacity: { default: '1e6,2e6,4e6,8e6', help: 'cache sizes, one point each' },
    scenario: { default: 'discord-2min' },
    duration: { default: '10' },
    // 40: a forced GC falls every 3 s of the run.
    'time-scale': { default: '40' },
    'store-latency': { default: 'none' },
  },
);

export const sweepHelp = `readstate-lab sweep: what each contender costs as the cache grows

Usage: readstate-lab sweep [options]

${sweepFlags.help()}

For every capacity and contender, one run of the scenario in its own child process: bytes per
entry, the pause of a forced full GC with the churned cache in place, and p99 / p99.9 / max
latency under the forced-GC load, miss rate and database reads per second. --store-latency P
makes the store answer as a remote database would: the report's trade-off chart then shows what
a smaller cache costs in misses against what a larger one costs in GC pauses. --runtime a,b runs
every contender on each runtime, one point each, labelled "contender · runtime".
Writes sweep.json, sweep.md, index.html and one results.json (and report) per capacity.`;

/**
 * The population grows with the cache so that it always holds more distinct read states than
 * the cache (here at least twice as many), or the warm-up could not fill it.
 */
function withPopulationFor(scenario: Scenario, capacity: number): Scenario {
  const { guildsPerUser, channelsPerGuild, users } = scenario.population;
  const needed = Math.ceil((capacity * 2) / (guildsPerUser * channelsPerGuild));
  return { ...scenario, capacity, population: { ...scenario.population, users: Math.max(users, needed) } };
}

export async function sweepCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const values = sweepFlags.parse(args, 'sweep');
  if (values.help) {
    print(sweepHelp);
    return 0;
  }
  const out = checkRunDirectory(values.out);
  const capacities = (listFlag(values.capacity) ?? []).map((raw) => numberOf('capacity', raw)!);
  if (capacities.length === 0) throw new UsageError('--capacity needs at least one value');
  const base = applyOverrides(loadScenario(values.scenario), { duration: values.duration, rate: values.rate, 'time-scale': values['time-scale'] });
  checkSomethingToSend(base);
  const storeLatency = parseStoreLatency(values['store-latency']);
  const storeChoice = values.store === undefined ? undefined : parseStoreFlag(values.store);
  if (storeChoice?.store === 'cassandra' && storeLatency !== undefined)
    throw new UsageError(`--store-latency ${storeLatency.name} imitates a database; with --store cassandra the database is real: leave one out`);
  const output = new CommandOutput(values, print);
  const chosen = await output.notingIfItSucceeds((note) => chooseContenders(listFlag(values.impl), note));
  const runtimes = chooseRuntimes(listFlag(values.runtime));
  const contenders = chosen.map((contender) => ({ ...contender, ownProgram: contender.design?.kind === 'http-process' }));
  const ownPrograms = contenders.filter((contender) => contender.ownProgram).map((contender) => contender.name);
  if (storeChoice?.store === 'cassandra' && ownPrograms.length > 0)
    throw new UsageError(`--store cassandra cannot apply to ${ownPrograms.join(', ')} in sweep: its bench mode has a memory store of its own`);
  const runId = newRunId(`sweep-${base.name}`);
  const dir = runDirectory(runId, out);
  const parts = capacities.map((capacity): PlanPart => {
    const scenario = withPopulationFor(base, capacity);
    const store = storeChoice?.store ?? scenario.store ?? 'sqlite';
    const cassandra = storeChoice?.cassandra;
    const common = { scenario, requestsFile: undefined, closedLoop: false, store, cassandra, storeLatency, dumpStatePath: undefined };
    const configs = inProcessRowConfigs(common, contenders, runtimes, 1);
    const settings = {
      scenario,
      contenderNames: chosen.map((c) => c.name),
      repeat: 1,
      closedLoop: false,
      store,
      storeLatency: storeLatency ?? null,
      ...cassandraSettingsOf(cassandra),
      requestsFile: null,
    };
    const rows = { kind: 'in-process', configs, scratchPrefix: 'readstate-lab-sweep-' } as const;
    return { runId: `${runId}-${capacity}`, dir: runDirectory(runId, join(dir, String(capacity))), settings, extraNodeFlags: [], rows, latest: false };
  });
  const plan: ExperimentPlan = { runtimes, parts };
  const outcome = await executeWithProgress(plan, output, {
    title: (row) =>
      row.kind === 'in-process' ? `${formatCount(row.config.scenario.capacity)} entries: ${row.config.label ?? row.config.contender}` : row.job.label,
    result: describePoint,
    stopping: 'stopping after the current row; finished points are kept',
  });
  const points = outcome.parts.flatMap(({ rows, results }) => rows.map((row) => pointOf(row, results.settings.scenario.capacity)));
  const environment = { ...withRuntimeVersions({ environment: describeEnvironment([]) }, runtimes).environment, hostLoad: outcome.hostLoad };
  const results: SweepResults = {
    schemaVersion: SCHEMA_VERSION,
    kind: 'sweep',
    runId,
    createdAt: new Date().toISOString(),
    environment,
    scenario: base,
    storeLatency: storeLatency ?? null,
    capacities,
    points,
  };
  const written = writeTableOutput(dir, 'sweep', results, sweepTable(results), output.print);
  // The verdict speaks of the largest capacity measured: where the contenders differ most.
  const largest = [...outcome.parts].reverse().find((part) => part.rows.length > 0)?.results;
  const verdict = largest === undefined ? [] : verdictLines(largest).map((line) => `${formatCount(largest.settings.scenario.capacity)} entries, ${line}`);
  verdict.push(`report: ${readerPath(written.report)}`);
  output.print('');
  for (const line of verdict) output.print(line);
  let code = points.every((point) => point.state === 'completed') ? 0 : 1;
  if (outcome.interrupted) code = 130;
  else if (points.length === 0) {
    output.print('no row ran: nothing was measured');
    code = 1;
  }
  output.emitJson({ command: 'sweep', runId, exitCode: code, files: { results: written.json, report: written.html }, verdict, points });
  return code;
}

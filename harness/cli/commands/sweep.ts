import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { describeEnvironment } from '../../measure/environment.js';
import { HostLoadMonitor } from '../../measure/host-load.js';
import { formatCount, formatMs } from '../../report/format.js';
import { sweepTable } from '../../report/sweep-table.js';
import { verdictLines } from '../../report/verdict.js';
import { writeHtmlReport } from '../../report/write-report.js';
import type { Scenario } from '../../results/scenario-schema.js';
import type { SweepPoint, SweepResults } from '../../results/schema.js';
import { type Results, type Row, SCHEMA_VERSION } from '../../results/schema.js';
import type { RowConfig } from '../../run/run-one.js';
import { chooseRuntimes } from '../../runtimes/locate.js';
import { parseStoreLatency } from '../../store/latency-profile.js';
import { loadScenario } from '../../workload/scenario.js';
import { chooseContenders } from '../choose-contenders.js';
import { CommandOutput, OUTPUT_FLAGS, OUTPUT_HELP } from '../command-output.js';
import { onInterrupt } from '../interrupt.js';
import { listFlag, numberFlag, parseFlags } from '../options.js';
import { checkRunDirectory, newRunId, runDirectory, writeResultFiles } from '../run-directory.js';
import { assembleResults, writeTableOutput } from '../run-output.js';
import { runRowsWithProgress } from '../run-rows.js';
import { runtimeFields, withRuntimeVersions } from '../runtime-rows.js';
import { applyOverrides } from '../scenario-overrides.js';
import { checkSomethingToSend } from './run.js';

export const sweepHelp = `readstate-lab sweep: what each contender costs as the cache grows

Usage: readstate-lab sweep [--capacity 1e6,2e6,4e6,8e6] [--impl a,b] [--scenario NAME]
                           [--duration S] [--rate N] [--time-scale X] [--store-latency P]
                           [--runtime a,b] [--out DIR]

For every capacity and contender, one run of the scenario (default discord-2min, 10 s, the
scenario's rate, time scale 40 so that a forced GC falls every 3 s of the run) in its own child
process: bytes per entry, the pause of a forced full GC with the churned cache in place, and
p99 / p99.9 / max latency under the forced-GC load, miss rate and database reads per second.
--store-latency P makes the store answer as a remote database would (none, fixed:MS, or a
profile of scenarios/store-latency/: cassandra-2020, scylla-2023): the report's trade-off chart
then shows what a smaller cache costs in misses against what a larger one costs in GC pauses.
--runtime a,b runs every contender on each runtime (node20, node22, node24, bun, deno; see
readstate-lab runtimes), one point each, labelled "contender · runtime".
Writes sweep.json, sweep.md, index.html and one results.json (and report) per capacity.
${OUTPUT_HELP}`;

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
  const { values } = parseFlags(
    args,
    {
      capacity: { type: 'string', default: '1e6,2e6,4e6,8e6' },
      impl: { type: 'string' },
      scenario: { type: 'string', default: 'discord-2min' },
      duration: { type: 'string', default: '10' },
      rate: { type: 'string' },
      'time-scale': { type: 'string', default: '40' },
      'store-latency': { type: 'string', default: 'none' },
      out: { type: 'string' },
      runtime: { type: 'string' },
      ...OUTPUT_FLAGS,
      help: { type: 'boolean', short: 'h', default: false },
    },
    false,
    'sweep',
  );
  if (values.help) {
    print(sweepHelp);
    return 0;
  }
  const out = checkRunDirectory(values.out);
  const capacities = (listFlag(values.capacity) ?? []).map((raw) => numberFlag('capacity', raw, { min: 1, max: 2 ** 31 - 1, integer: true })!);
  if (capacities.length === 0) throw new UsageError('--capacity needs at least one value');
  const base = applyOverrides(loadScenario(values.scenario), { duration: values.duration, rate: values.rate, 'time-scale': values['time-scale'] });
  checkSomethingToSend(base);
  const storeLatency = parseStoreLatency(values['store-latency']);
  const output = new CommandOutput(values, print);
  const chosen = await output.notingIfItSucceeds((note) => chooseContenders(listFlag(values.impl), note));
  const runtimes = chooseRuntimes(listFlag(values.runtime));
  const contenderNames = chosen.map((contender) => contender.name);
  const runId = newRunId(`sweep-${base.name}`);
  const dir = runDirectory(runId, out);
  const progress = output.progress(capacities.length * chosen.length * runtimes.length);
  const interrupt = onInterrupt(() => progress.note('stopping after the current row; finished points are kept'));
  const hostLoad = new HostLoadMonitor();
  hostLoad.probeFloor();
  const points: SweepPoint[] = [];
  // The verdict speaks of the largest capacity measured: where the contenders differ most.
  let largest: { capacity: number; results: Results } | undefined;
  try {
    for (const capacity of capacities) {
      const scenario = withPopulationFor(base, capacity);
      const rows: RowConfig[] = runtimes.flatMap((runtime) =>
        chosen.map(({ name: contender, modulePath }) => ({
          contender,
          ...runtimeFields(contender, runtime, runtimes),
          modulePath,
          scenario,
          repetition: 1,
          requestsFile: undefined,
          closedLoop: false,
          store: scenario.store ?? 'sqlite',
          storeLatency,
          dumpStatePath: undefined,
        })),
      );
      const finished = await runRowsWithProgress(
        { rows, workDir: join(dir, String(capacity), 'rows'), extraNodeFlags: [] },
        'readstate-lab-sweep-',
        { progress, hostLoad, stopSignal: interrupt.signal },
        { title: (config) => `${formatCount(capacity)} entries: ${config.label ?? config.contender}`, result: describePoint },
      );
      const capacityDir = runDirectory(runId, join(dir, String(capacity)));
      const perCapacity = withRuntimeVersions(
        assembleResults(
          `${runId}-${capacity}`,
          {
            scenario,
            contenderNames,
            repeat: 1,
            closedLoop: false,
            store: scenario.store ?? 'sqlite',
            storeLatency: storeLatency ?? null,
            requestsFile: null,
          },
          finished,
          [],
          hostLoad.snapshot(),
        ),
        runtimes,
      );
      if (finished.length > 0) largest = { capacity, results: perCapacity };
      writeResultFiles(capacityDir, perCapacity);
      writeHtmlReport(capacityDir, perCapacity);
      points.push(...finished.map((row) => pointOf(row, capacity)));
      if (interrupt.signal.aborted) break;
    }
  } finally {
    progress.finish();
    interrupt.dispose();
  }
  const seen = hostLoad.stop();
  const results: SweepResults = {
    schemaVersion: SCHEMA_VERSION,
    kind: 'sweep',
    runId,
    createdAt: new Date().toISOString(),
    environment: { ...withRuntimeVersions({ environment: describeEnvironment([]) }, runtimes).environment, hostLoad: seen },
    scenario: base,
    storeLatency: storeLatency ?? null,
    capacities,
    points,
  };
  const written = writeTableOutput(dir, 'sweep', results, sweepTable(results), output.print);
  const verdict = largest === undefined ? [] : verdictLines(largest.results).map((line) => `${formatCount(largest!.capacity)} entries, ${line}`);
  verdict.push(`report: ${written.report}`);
  output.print('');
  for (const line of verdict) output.print(line);
  let code: number;
  if (interrupt.signal.aborted) code = 130;
  else if (points.length === 0) {
    output.print('no row ran: nothing was measured');
    code = 1;
  } else code = points.every((point) => point.state === 'completed') ? 0 : 1;
  output.emitJson({ command: 'sweep', runId, exitCode: code, files: { results: written.json, report: written.html }, verdict, points });
  return code;
}

/** A sweep row's line in the progress: the figures its point keeps. */
function describePoint(row: Row): string {
  if (row.state === 'failed') return `FAILED: ${row.reason}`;
  const { latency, fullGcPauseMs, saturated } = row.summary;
  return `p99.9 ${formatMs(latency.p999Ms)}, max ${formatMs(latency.maxMs)}, full-GC pause ${formatMs(fullGcPauseMs)}${saturated ? ' (saturated)' : ''}`;
}

function pointOf(row: Row, capacity: number): SweepPoint {
  const runtime = row.runtime === undefined ? {} : { runtime: row.runtime };
  if (row.state === 'failed') return { contender: row.contender, ...runtime, capacity, state: 'failed', reason: row.reason };
  const { summary, measurement } = row;
  return {
    contender: row.contender,
    ...runtime,
    capacity,
    state: 'completed',
    cachedStates: measurement.memory.cachedStates,
    bytesPerEntry: summary.bytesPerEntry,
    fullGcPauseMs: summary.fullGcPauseMs,
    longestGcMs: summary.longestGcMs,
    p99Ms: summary.latency.p99Ms,
    p999Ms: summary.latency.p999Ms,
    maxMs: summary.latency.maxMs,
    achievedRate: summary.achievedRate,
    saturated: summary.saturated,
    missRate: summary.missRate,
    storeReadsPerSecond: measurement.counters.misses / Math.max(measurement.drive.elapsedMs / 1000, 1e-3),
    storeWritesPendingMax: Math.max(0, ...measurement.windows.map((w) => w.storeWritesPending ?? 0)),
    ...(summary.byOutcome === undefined ? {} : { missP99Ms: summary.byOutcome.miss.p99Ms, hitP99Ms: summary.byOutcome.hit.p99Ms }),
  };
}

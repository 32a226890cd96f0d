import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { describeEnvironment } from '../../measure/environment.js';
import { formatCount } from '../../report/format.js';
import { sweepTable } from '../../report/sweep-table.js';
import { writeHtmlReport } from '../../report/write-report.js';
import type { Scenario } from '../../results/scenario-schema.js';
import type { SweepPoint, SweepResults } from '../../results/schema.js';
import { type Row, SCHEMA_VERSION } from '../../results/schema.js';
import type { RowConfig } from '../../run/run-one.js';
import { runPlan } from '../../run/runner.js';
import { loadScenario } from '../../workload/scenario.js';
import { chooseContenders } from '../choose-contenders.js';
import { onInterrupt } from '../interrupt.js';
import { listFlag, numberFlag, parseFlags } from '../options.js';
import { withScratchTmpdir } from '../output-paths.js';
import { checkRunDirectory, newRunId, runDirectory, writeResultFiles } from '../run-directory.js';
import { assembleResults, writeTableOutput } from '../run-output.js';
import { applyOverrides } from '../scenario-overrides.js';
import { checkSomethingToSend } from './run.js';

export const sweepHelp = `readstate-lab sweep: what each contender costs as the cache grows

Usage: readstate-lab sweep [--capacity 1e6,2e6,4e6,8e6] [--impl a,b] [--scenario NAME]
                           [--duration S] [--rate N] [--time-scale X] [--out DIR]

For every capacity and contender, one run of the scenario (default discord-2min, 10 s, the
scenario's rate, time scale 40 so that a forced GC falls every 3 s of the run) in its own child
process: bytes per entry, the pause of a forced full GC with the churned cache in place, and
p99 / p99.9 / max latency under the forced-GC load.
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
  const { values } = parseFlags(
    args,
    {
      capacity: { type: 'string', default: '1e6,2e6,4e6,8e6' },
      impl: { type: 'string' },
      scenario: { type: 'string', default: 'discord-2min' },
      duration: { type: 'string', default: '10' },
      rate: { type: 'string' },
      'time-scale': { type: 'string', default: '40' },
      out: { type: 'string' },
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
  const chosen = await chooseContenders(listFlag(values.impl), print);
  const contenderNames = chosen.map((contender) => contender.name);
  const runId = newRunId(`sweep-${base.name}`);
  const dir = runDirectory(runId, out);
  const interrupt = onInterrupt(() => print('\nstopping after the current row; finished points are kept'));
  const points: SweepPoint[] = [];
  try {
    for (const capacity of capacities) {
      const scenario = withPopulationFor(base, capacity);
      const rows: RowConfig[] = chosen.map(({ name: contender, modulePath }) => ({
        contender,
        modulePath,
        scenario,
        repetition: 1,
        requestsFile: undefined,
        closedLoop: false,
        store: 'sqlite',
        dumpStatePath: undefined,
      }));
      // As in `run`: the children's store files go in a scratch folder removed afterwards.
      const finished = await withScratchTmpdir('readstate-lab-sweep-', () =>
        runPlan(
          { rows, workDir: join(dir, String(capacity), 'rows'), extraNodeFlags: [] },
          {
            stopSignal: interrupt.signal,
            onRowStart: (config) => print(`${formatCount(capacity)} entries: ${config.contender}`),
            onRowEnd: (row) => print(`    ${row.state === 'failed' ? `FAILED: ${row.reason}` : 'done'}`),
          },
        ),
      );
      const capacityDir = runDirectory(runId, join(dir, String(capacity)));
      const perCapacity = assembleResults(
        `${runId}-${capacity}`,
        {
          scenario,
          contenderNames,
          repeat: 1,
          closedLoop: false,
          store: 'sqlite',
          requestsFile: null,
        },
        finished,
      );
      writeResultFiles(capacityDir, perCapacity);
      writeHtmlReport(capacityDir, perCapacity);
      points.push(...finished.map((row) => pointOf(row, capacity)));
      if (interrupt.signal.aborted) break;
    }
  } finally {
    interrupt.dispose();
  }
  const results: SweepResults = {
    schemaVersion: SCHEMA_VERSION,
    kind: 'sweep',
    runId,
    createdAt: new Date().toISOString(),
    environment: describeEnvironment([]),
    scenario: base,
    capacities,
    points,
  };
  writeTableOutput(dir, 'sweep', results, sweepTable(results), print);
  if (interrupt.signal.aborted) return 130;
  if (points.length === 0) {
    print('no row ran: nothing was measured');
    return 1;
  }
  return points.every((point) => point.state === 'completed') ? 0 : 1;
}

function pointOf(row: Row, capacity: number): SweepPoint {
  if (row.state === 'failed') return { contender: row.contender, capacity, state: 'failed', reason: row.reason };
  const { summary, measurement } = row;
  return {
    contender: row.contender,
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
  };
}

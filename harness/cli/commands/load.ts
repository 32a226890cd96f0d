import { serviceContenders } from '../../../implementations/registry.js';
import { UsageError } from '../../errors.js';
import type { ExperimentPlan, ServiceJob } from '../../experiment/plan.js';
import { runtimeFields } from '../../experiment/runtime-rows.js';
import { chooseRuntimes } from '../../runtimes/locate.js';
import { parseStoreLatency } from '../../store/latency-profile.js';
import { loadScenario } from '../../workload/scenario.js';
import { cassandraSettingsOf } from '../cassandra-settings.js';
import { type ChosenContender, chooseContenders } from '../choose-contenders.js';
import { CommandOutput } from '../command-output.js';
import { numberOf } from '../flags.js';
import { CLOSED_LOOP_CONNECTIONS, loadFlags, loadHelp } from '../load-flags.js';
import { listFlag } from '../options.js';
import { executeWithProgress } from '../progress-events.js';
import { newRunId, runDirectory } from '../run-directory.js';
import { printRun, runJson } from '../run-output.js';
import { applyOverrides } from '../scenario-overrides.js';
import { checkTarget, chooseDriver } from '../service-flags.js';
import { describeServiceRow } from '../service-row-words.js';
import { parseStoreFlag } from '../store-flag.js';

export { loadHelp };

export async function loadCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const values = loadFlags.parse(args);
  if (values.help) {
    print(loadHelp);
    return 0;
  }
  const scenario = applyOverrides(loadScenario(values.scenario), { duration: values.duration, rate: values.rate, capacity: values.capacity });
  const closedLoop = values['closed-loop'];
  if (values.connections !== undefined && !closedLoop)
    throw new UsageError('--connections is for --closed-loop; the open-loop driver grows its pool as needed (--max-connections caps it)');
  const connections = numberOf('connections', values.connections ?? CLOSED_LOOP_CONNECTIONS)!;
  const driver = chooseDriver(values.driver, closedLoop);
  const maxConnections = numberOf('max-connections', values['max-connections'])!;
  const target = values.target === undefined ? undefined : checkTarget(values.target);
  const storeLatency = parseStoreLatency(values['store-latency']);
  const { store, cassandra } = parseStoreFlag(values.store ?? 'sqlite');
  if (store === 'memory')
    throw new UsageError(
      '--store memory is for run: a service loaded over HTTP keeps its states in sqlite or cassandra, which the check reads after it stopped',
    );
  if (store === 'cassandra' && storeLatency !== undefined)
    throw new UsageError(`--store-latency ${storeLatency.name} imitates a database; with --store cassandra the database is real: leave one out`);
  if (store === 'cassandra' && target !== undefined)
    throw new UsageError('--store applies to the services load starts; a --target service answers from its own store');
  if (storeLatency !== undefined && target !== undefined) {
    throw new UsageError(
      '--store-latency applies to the services load starts; a --target service answers from its own store (start it with serve --store-latency)',
    );
  }
  // Asked of the registry by name, before choosing: a binary not built here would otherwise be
  // skipped with a line, and the refusal would depend on what this machine has built.
  const binaries = serviceContenders
    .filter((contender) => contender.design.kind === 'http-process' && (listFlag(values.impl) ?? [contender.name]).includes(contender.name))
    .map((contender) => contender.name);
  if (storeLatency !== undefined && binaries.length > 0) {
    throw new UsageError(
      `--store-latency ${storeLatency.name} cannot apply to ${binaries.join(', ')}: a separate binary with its own SQLite store, where the lab's store worker (which holds answers back) does not run; leave it out of --impl or use --store-latency none`,
    );
  }
  if (target !== undefined && values.runtime !== undefined) throw new UsageError('--runtime applies to the services load starts, not to a --target service');
  // Every Node service on every runtime; a reference binary (Go, Rust) once, on no JS runtime.
  const runtimes = target === undefined ? chooseRuntimes(listFlag(values.runtime)) : [];
  const output = new CommandOutput(values, print);
  if (driver.note !== undefined) output.note(driver.note);
  const chosen: ChosenContender[] =
    target !== undefined
      ? [{ name: `external ${target}`, kind: 'service' }]
      : await output.notingIfItSucceeds((note) => chooseContenders(listFlag(values.impl), note, 'over-http'));
  const jobs = chosen.flatMap((contender): ServiceJob[] => {
    const service = {
      name: contender.name,
      ...(contender.modulePath === undefined ? {} : { modulePath: contender.modulePath }),
      ...(contender.design?.kind === 'http-process' ? { binary: contender.design.binary } : {}),
      ...(cassandra === undefined ? {} : { cassandra }),
    };
    if (target !== undefined) return [{ label: contender.name, runtime: undefined, service: undefined }];
    if (contender.design?.kind === 'http-process') return [{ label: contender.name, runtime: undefined, service }];
    return runtimes.map((runtime) => ({ label: runtimeFields(contender.name, runtime, runtimes).label ?? contender.name, runtime, service }));
  });
  const runId = newRunId(`load-${scenario.name}`);
  const dir = runDirectory(runId, values.out);
  const settings = {
    scenario,
    contenderNames: chosen.map((contender) => contender.name),
    repeat: 1,
    closedLoop,
    store,
    storeLatency: storeLatency ?? null,
    ...cassandraSettingsOf(cassandra),
    requestsFile: null,
    serviceLevel: { connections: closedLoop ? connections : maxConnections, target: target ?? null, driver: driver.name },
    invocation: ['load', ...args],
  } as const;
  const rows = {
    kind: 'service',
    jobs,
    scenario,
    driver: driver.name,
    maxConnections,
    connections,
    target,
    storeLatency: storeLatency === undefined ? undefined : values['store-latency'],
  } as const;
  const plan: ExperimentPlan = { runtimes, parts: [{ runId, dir, settings, extraNodeFlags: [], rows, latest: true }] };
  const outcome = await executeWithProgress(plan, output, {
    title: (row) => (row.kind === 'service' ? row.job.label : row.config.contender),
    result: describeServiceRow,
    stopping: 'stopping after the current contender; finished rows are kept',
  });
  const { results, written, rows: finished } = outcome.parts[0]!;
  const printed = printRun(results, written, output.print, { wide: values.wide });
  const bad = finished.filter((row) => row.state === 'failed' || !row.summary.integrityOk || row.summary.latency.count === 0);
  let code = 0;
  if (outcome.interrupted) code = 130;
  else if (finished.length === 0 || bad.length > 0) {
    output.print(`${bad.length || 'no'} row(s) failed, lost read states or measured nothing`);
    code = 1;
  }
  output.emitJson(runJson('load', results, printed, code));
  return code;
}

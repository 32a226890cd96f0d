import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { serviceContenders } from '../../../implementations/registry.js';
import { type HttpLoadOutcome, runHttpLoad } from '../../drive/closed-loop-load.js';
import { runCompiledLoad } from '../../drive/compiled-driver.js';
import { compiledDriverUnavailableReason } from '../../drive/compiled-driver-binary.js';
import { externalIntegrity, loadOneService, toMeasurement } from '../../drive/load-one-service.js';
import { runOpenLoopLoad } from '../../drive/open-loop-load.js';
import { writeRequestFile } from '../../drive/request-file.js';
import { measureRulerFloor } from '../../drive/ruler-floor.js';
import { describeError, UsageError } from '../../errors.js';
import { HostLoadMonitor } from '../../measure/host-load.js';
import { sendLagText } from '../../report/driver-text.js';
import { rulerFloorText } from '../../report/ruler-floor-text.js';
import { summarizeRow } from '../../results/aggregate.js';
import type { Row, RowMeasurement, RulerFloor, ServiceLevelDriver } from '../../results/schema.js';
import { chooseRuntimes, type Runtime } from '../../runtimes/locate.js';
import { parseStoreLatency } from '../../store/latency-profile.js';
import { BASE_NODE_FLAGS, RULER_FLOOR_MAX_MS } from '../../tuning.js';
import type { RequestLog } from '../../workload/request-log.js';
import { loadScenario } from '../../workload/scenario.js';
import { writeWarmFile } from '../../workload/warm-file.js';
import { Workload } from '../../workload/workload.js';
import { type ChosenContender, chooseContenders } from '../choose-contenders.js';
import { CommandOutput, OUTPUT_FLAGS, OUTPUT_HELP } from '../command-output.js';
import { onInterrupt } from '../interrupt.js';
import { listFlag, numberFlag, parseFlags } from '../options.js';
import { newRunId, runDirectory } from '../run-directory.js';
import { assembleResults, runJson, writeRunOutput } from '../run-output.js';
import { RUNTIME_HELP, runtimeFields, withRuntimeVersions } from '../runtime-rows.js';
import { applyOverrides } from '../scenario-overrides.js';

export const loadHelp = `readstate-lab load: every contender as an HTTP service in its own process, driven open-loop

Usage: readstate-lab load [--impl a,b] [--scenario NAME] [--duration S] [--rate N]
                          [--capacity N] [--driver compiled|node] [--max-connections N]
                          [--closed-loop [--connections N]] [--target URL] [--out DIR]

  --impl a,b           contenders (default: every one available here): cache contenders run
                       behind 'readstate-lab serve'; go-lru, go-lru-go1.19 and rust-btree are
                       the Go and Rust services of references/ (npm run build:references)
  --scenario NAME      request mix, population and forced-GC schedule (default discord-2min;
                       discord-2020 is the story's picture at service level)
  --duration S         seconds of load (default: the scenario's)
  --rate N             requests per second (default: the scenario's)
  --capacity N         read states each service caches (default: the scenario's)
  --driver D           the open-loop driver: compiled (references/load-driver, Go, built by
                       npm run build:references; the default when built: it sleeps on Go's
                       fine-grained timers, so sends leave close to their due time) or node
                       (the lab's Node driver, on millisecond timers: a send may leave up to
                       ~1 ms late, in every latency; the default when no compiled one is built)
  --max-connections N  the open-loop driver's connection cap (default 512)
  --closed-loop        autocannon instead, the contrast: each connection waits for its answer
                       before its next request, which hides stalls (coordinated omission)
  --connections N      autocannon's connections, with --closed-loop (default 50)
  --store-latency P    hold each Node service's store answers back as a remote database would:
                       none (default), fixed:MS, or a profile of scenarios/store-latency/
                       (cassandra-2020, scylla-2023); not for the Go and Rust services
  --target URL         load this running service instead (any service with the lab's API);
                       its GC events and memory appear when it answers GET /stats
  --out DIR            where results go (default reports/<run-id>/)
${RUNTIME_HELP}
                       (a Go or Rust service runs once, on no JavaScript runtime)
${OUTPUT_HELP}

Open loop: request i is due at start + i/rate and timed from that moment, sent on a pool of
keep-alive connections that grows so that a due request never waits for a free connection
unless the cap is reached (then it waits, still timed from its due time, and the results say
how often). How late each request left (its send lag) is in every latency; the results keep
it per row. Before the first row, the run's driver loads a null server (one that answers at
once) at the run's rate for up to 5 s: the ruler's floor, what the driver itself adds to
every latency. The report shows it beside the machine's floor, and the verdict warns of a
p99 or p99.9 within 3x of it. Every service is warmed with the same states, gets the
scenario's forced GCs, and writes back to its own SQLite file; after the load it is stopped
with SIGTERM and its file is checked against what the acknowledged requests imply. A target
that refuses connections fails its row ("connection refused: URL"). Exit 1 when a row
failed, lost read states or measured nothing.`;

export async function loadCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const { values } = parseFlags(args, {
    impl: { type: 'string' },
    scenario: { type: 'string', default: 'discord-2min' },
    duration: { type: 'string' },
    rate: { type: 'string' },
    capacity: { type: 'string' },
    'max-connections': { type: 'string' },
    'closed-loop': { type: 'boolean', default: false },
    connections: { type: 'string' },
    driver: { type: 'string' },
    target: { type: 'string' },
    'store-latency': { type: 'string', default: 'none' },
    out: { type: 'string' },
    runtime: { type: 'string' },
    ...OUTPUT_FLAGS,
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    print(loadHelp);
    return 0;
  }
  const scenario = applyOverrides(loadScenario(values.scenario), { duration: values.duration, rate: values.rate, capacity: values.capacity });
  const closedLoop = values['closed-loop'];
  if (values.connections !== undefined && !closedLoop)
    throw new UsageError('--connections is for --closed-loop; the open-loop driver grows its pool as needed (--max-connections caps it)');
  const connections = numberFlag('connections', values.connections ?? '50', { min: 1, max: 10_000, integer: true })!;
  const driver = chooseDriver(values.driver, closedLoop);
  const maxConnections = numberFlag('max-connections', values['max-connections'] ?? '512', { min: 1, max: 60_000, integer: true })!;
  const target = values.target === undefined ? undefined : checkTarget(values.target);
  const storeLatency = parseStoreLatency(values['store-latency']);
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
  const log = new Workload(scenario, scenario.seed).generateForScenario();
  const runId = newRunId(`load-${scenario.name}`);
  const dir = runDirectory(runId, values.out);
  const work = join(dir, 'services');
  const jobs = chosen.flatMap(
    (contender): Array<{ contender: ChosenContender; runtime: Runtime | undefined }> =>
      contender.design?.kind === 'http-process' || target !== undefined
        ? [{ contender, runtime: undefined }]
        : runtimes.map((runtime) => ({ contender, runtime })),
  );
  const progress = output.progress(jobs.length);
  const interrupt = onInterrupt(() => progress.note('stopping after the current contender; finished rows are kept'));
  const driverDescription = closedLoop
    ? `autocannon, ${connections} connections (closed loop)`
    : `open loop${driver.name === 'open-loop-compiled' ? ' (compiled driver)' : ''}, up to ${maxConnections} connections`;
  // The load generator runs in this process, so its timers say nothing of the machine's noise:
  // only the load average is watched here, and the machine's floor probed before any load.
  const hostLoad = new HostLoadMonitor();
  hostLoad.probeFloor();
  const loading = `${log.count.toLocaleString('en-US')} requests at ${scenario.rate.toLocaleString('en-US')}/s, ${driverDescription}`;
  // The compiled driver reads the log as a request file: written once, for every row.
  const requestFile = driver.name === 'open-loop-compiled' ? join(dir, 'requests.bin') : undefined;
  const driveWith = (url: string, requests: RequestLog, file?: string): Promise<HttpLoadOutcome> => {
    const windowMs = scenario.windowSeconds * 1000;
    if (driver.name === 'closed-loop') return runHttpLoad({ url, log: requests, rate: scenario.rate, connections, windowMs, timeoutSeconds: 10 });
    if (driver.name === 'open-loop') return runOpenLoopLoad({ url, log: requests, rate: scenario.rate, windowMs, maxConnections });
    return runCompiledLoad({ url, log: requests, rate: scenario.rate, windowMs, maxConnections, ...(file === undefined ? {} : { requestFile: file }) });
  };
  const loadThenReport = (url: string): Promise<HttpLoadOutcome> => {
    progress.update(loading, undefined, (log.count / scenario.rate) * 1000);
    return driveWith(url, log, requestFile);
  };

  const rows: Row[] = [];
  let warmFile: string | undefined;
  let rulerFloor: RulerFloor | undefined;
  try {
    if (target === undefined) {
      // One warm file for every service: each starts with the same states in its cache.
      rmSync(work, { recursive: true, force: true });
      warmFile = join(dir, 'warm-states.bin');
      output.note(`writing ${scenario.capacity.toLocaleString('en-US')} warm read states for every service`);
      writeWarmFile(warmFile, new Workload(scenario, scenario.seed).warmStates(scenario.capacity));
    }
    if (requestFile !== undefined) writeRequestFile(requestFile, log);
    // The ruler's floor, with the rows' own driver and settings, before any service runs.
    const floorSeconds = Math.min(RULER_FLOOR_MAX_MS / 1000, scenario.durationSeconds);
    progress.note(`measuring the driver's own floor: a null server at ${scenario.rate.toLocaleString('en-US')}/s for ${floorSeconds} s`);
    rulerFloor = await measureRulerFloor({
      driver: driver.name,
      log,
      rate: scenario.rate,
      durationSeconds: scenario.durationSeconds,
      load: (url, requests) => driveWith(url, requests),
    });
    progress.note(`driver floor: ${rulerFloorText(rulerFloor)}`);
    for (const { contender, runtime } of jobs) {
      if (interrupt.signal.aborted) break;
      const fields = runtime === undefined ? undefined : runtimeFields(contender.name, runtime, runtimes);
      const name = fields?.label ?? contender.name;
      progress.startRow(name, target === undefined ? 'starting the service' : loading);
      const started = performance.now();
      const nodeFlags = contender.design?.kind === 'http-process' ? [] : [...BASE_NODE_FLAGS];
      const base = { contender: name, ...(fields === undefined ? {} : { runtime: fields.runtime }), repetition: 1, nodeFlags };
      try {
        const measurement =
          target !== undefined
            ? toMeasurement(await loadThenReport(target), undefined, externalIntegrity())
            : await loadOneService(
                {
                  name: contender.name,
                  ...(contender.modulePath === undefined ? {} : { modulePath: contender.modulePath }),
                  ...(contender.design?.kind === 'http-process' ? { binary: contender.design.binary } : {}),
                },
                scenario,
                log,
                join(work, name.replace(/\W/g, '_')),
                warmFile!,
                loadThenReport,
                interrupt.signal,
                storeLatency === undefined ? undefined : values['store-latency'],
                runtime,
              );
        const row: Row = { ...base, wallMs: performance.now() - started, state: 'completed', measurement, summary: summarizeRow(measurement) };
        rows.push(row);
        progress.endRow(describe(row, measurement));
      } catch (error) {
        rows.push({ ...base, wallMs: performance.now() - started, state: 'failed', reason: describeError(error) });
        progress.endRow(`FAILED: ${describeError(error)}`);
      }
    }
  } finally {
    progress.finish();
    interrupt.dispose();
    if (warmFile !== undefined) rmSync(warmFile, { force: true });
    if (requestFile !== undefined) rmSync(requestFile, { force: true });
    rmSync(work, { recursive: true, force: true });
  }

  const assembled = assembleResults(
    runId,
    {
      scenario,
      contenderNames: chosen.map((contender) => contender.name),
      repeat: 1,
      closedLoop,
      store: 'sqlite',
      storeLatency: storeLatency ?? null,
      requestsFile: null,
      serviceLevel: { connections: closedLoop ? connections : maxConnections, target: target ?? null, driver: driver.name },
      invocation: ['load', ...args],
    },
    rows,
    [],
    hostLoad.stop(),
  );
  const results = withRuntimeVersions(rulerFloor === undefined ? assembled : { ...assembled, environment: { ...assembled.environment, rulerFloor } }, runtimes);
  const written = writeRunOutput(dir, results, output.print);
  const bad = rows.filter((row) => row.state === 'failed' || !row.summary.integrityOk || row.summary.latency.count === 0);
  let code = 0;
  if (interrupt.signal.aborted) code = 130;
  else if (rows.length === 0 || bad.length > 0) {
    output.print(`${bad.length || 'no'} row(s) failed, lost read states or measured nothing`);
    code = 1;
  }
  output.emitJson(runJson('load', results, written, code));
  return code;
}

function checkTarget(raw: string): string {
  if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d{1,5}\/?$/.test(raw)) {
    throw new UsageError(`--target must be http://HOST:PORT on this machine (127.0.0.1, localhost or [::1]), got "${raw}"`);
  }
  const port = Number(/:(\d+)\/?$/.exec(raw)![1]);
  if (port < 1 || port > 65_535) throw new UsageError(`--target's port must be from 1 to 65535, got ${port}`);
  return raw.replace(/\/$/, '');
}

/**
 * The driver --driver and --closed-loop ask for: the compiled one by default where it is built,
 * else the Node one, with a line saying why (`note`).
 */
function chooseDriver(flag: string | undefined, closedLoop: boolean): { name: ServiceLevelDriver; note?: string } {
  if (closedLoop) {
    if (flag !== undefined) throw new UsageError('--driver chooses the open-loop driver; --closed-loop drives autocannon: give one or the other');
    return { name: 'closed-loop' };
  }
  if (flag !== undefined && flag !== 'compiled' && flag !== 'node') throw new UsageError(`--driver must be compiled or node, not "${flag}"`);
  const unavailable = compiledDriverUnavailableReason();
  if (flag === 'compiled' && unavailable !== undefined) throw new UsageError(`--driver compiled: ${unavailable}`);
  if (flag === 'node') return { name: 'open-loop' };
  if (unavailable !== undefined) return { name: 'open-loop', note: `${unavailable}; using the Node driver` };
  return { name: 'open-loop-compiled' };
}

function describe(row: Row, measurement: RowMeasurement): string {
  if (row.state !== 'completed') return '';
  const { latency, achievedRate, saturated, integrityOk } = row.summary;
  const ms = (value: number): string => (value < 1 ? `${(value * 1000).toFixed(0)} µs` : `${value.toFixed(1)} ms`);
  return (
    `p50 ${ms(latency.p50Ms)}, p99 ${ms(latency.p99Ms)}, p99.9 ${ms(latency.p999Ms)}, max ${ms(latency.maxMs)}, ` +
    `${Math.round(achievedRate).toLocaleString('en-US')}/s${saturated ? ' (saturated or failed requests)' : ''}, ` +
    (measurement.drive.sendLag === undefined ? '' : `sent late by ${sendLagText(measurement.drive.sendLag)}, `) +
    `${integrityOk ? 'nothing lost' : `LOST READ STATES: ${measurement.integrity.note}`}`
  );
}

import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { resolveContender } from '../../implementations/registry.js';
import { clusterGcLogs } from '../cassandra/cluster-gc-logs.js';
import { expectedStates } from '../check/expected-states.js';
import { checkIntegrity } from '../check/integrity-check.js';
import { writeStates } from '../check/state-dump.js';
import { AllocationMeter } from '../measure/allocation-meter.js';
import { nowMs } from '../measure/clock.js';
import { isNode, V8_GC_CPU_SOURCE, withV8GcCpu } from '../measure/gc-cpu.js';
import { v8GcCycles } from '../measure/gc-cycles.js';
import { LatencyRecorder } from '../measure/latency-recorder.js';
import { runtimeIdentity } from '../measure/runtime-identity.js';
import { StallRecorder } from '../measure/stall-recorder.js';
import { startStoreGcWatch } from '../measure/store-gc-watch.js';
import { WindowSampler } from '../measure/window-sampler.js';
import type { Scenario } from '../results/scenario-schema.js';
import type { AllocationFigures, DriveOutcome, RowMeasurement, StallRecording } from '../results/schema.js';
import { createService } from '../service/create-service.js';
import { createFreshTable, dropTable, readCassandraStates } from '../store/cassandra-tables.js';
import type { CassandraTarget } from '../store/cassandra-target.js';
import type { StoreLatencyProfile } from '../store/latency-profile.js';
import type { StoreKind } from '../store/protocol.js';
import { INJECTED_STALL_EVERY_MS, SETTLE_MS } from '../tuning.js';
import { type RequestLog, readRequestLog } from '../workload/request-log.js';
import { Workload } from '../workload/workload.js';
import { drive } from './driver.js';
import type { RowProgress } from './row-progress.js';

/** Everything one child process needs to measure one (contender, scenario, repetition). */
export interface RowConfig {
  /** The registered contender's name (or a module contender's, with modulePath). */
  readonly contender: string;
  /**
   * The name reports give this row's series when it differs from the contender's: the same
   * contender on another runtime or under other V8 flags is a series of its own
   * ("naive-map · node22"). Undefined: the contender's name.
   */
  readonly label?: string;
  /** The runtime that runs the child ("node20", "bun"...); recorded on the row. */
  readonly runtime?: string;
  /** A named variant of the row's flags (GC tuning), recorded on the row. */
  readonly variant?: string;
  /** Node flags of this row alone (a tuning variant's), after the plan's and the contender's. */
  readonly extraNodeFlags?: readonly string[];
  /** A module contender's absolute path (harness/cli/choose-contenders.ts); else undefined. */
  readonly modulePath?: string | undefined;
  /** The scenario with the command line's overrides applied. */
  readonly scenario: Scenario;
  readonly repetition: number;
  /** Replay this NDJSON log instead of generating one from the scenario. */
  readonly requestsFile: string | undefined;
  readonly closedLoop: boolean;
  readonly store: StoreKind;
  /** --store cassandra's cluster; the row keeps its states in a fresh table of its own. */
  readonly cassandra?: CassandraTarget | undefined;
  /** How long the store takes to answer (--store-latency); undefined: as fast as it can. */
  readonly storeLatency?: StoreLatencyProfile | undefined;
  /** Write the final read states here as NDJSON. */
  readonly dumpStatePath: string | undefined;
  /**
   * Fault injection, for testing gates: block the measured thread for this many ms once a
   * second, a known regression the gate must catch.
   */
  readonly injectStallMs?: number;
  /**
   * Set by the runner for a contender that is a program of its own (design 'http-process'): its
   * executable, run in its bench mode instead of measuring a cache here (harness/run/bench-row.ts).
   */
  readonly benchExecutable?: string;
}

/** A message for the parent, with the structured figures of the phase it is about. */
export type Progress = (message: string, figures?: RowProgress) => void;

function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** Measures one row. Runs inside its own child process (harness/run/child-main.ts). */
export async function runOne(config: RowConfig, progress: Progress): Promise<RowMeasurement> {
  const { scenario } = config;
  if (globalThis.gc === undefined) throw new Error('run-one needs node --expose-gc');
  // No prepareFastHistograms(): the recorder counts into typed arrays and loads hdr-histogram-js
  // only to encode, after measuring; its WebAssembly would add 3 MiB to the measured heap.

  const generateStart = performance.now();
  // A replayed log warms the cache as a generated run does, from the scenario's most active
  // users (the log's own scenario when its header names one, see commands/run.ts), not from the
  // log's keys: those would make every request a hit.
  let workload: Workload | undefined = new Workload(scenario, scenario.seed);
  const log: RequestLog = config.requestsFile !== undefined ? await readRequestLog(config.requestsFile, { header: 'skip' }) : workload.generateForScenario();
  const generateMs = performance.now() - generateStart;

  const storePathPrefix = join(tmpdir(), `readstate-lab-${process.pid}-${Date.now()}`);
  // nowMs() is performance.now() read without allocating (harness/measure/clock.ts); the driver
  // and the service's clock must read the same clock, so that the scenario times they stamp
  // agree to the millisecond.
  let startMs = nowMs();
  const clock = (): number => nowMs() - startMs;
  const contender = await resolveContender(config.modulePath ?? config.contender);
  // A table of the row's own, so that no other row's or run's states are in what it checks.
  const cassandra = config.cassandra === undefined ? undefined : await createFreshTable(config.cassandra, 'run');
  // The database's own GC logs, found now so that measuring only marks and later reads them.
  const storeGcLogs = config.cassandra === undefined ? [] : clusterGcLogs(config.cassandra.contactPoints);
  const service = createService(contender, {
    scenario,
    store: config.store,
    cassandra,
    storeLatency: config.storeLatency,
    storePathPrefix,
    clock: () => clock() * scenario.timeScale,
    log,
  });
  try {
    progress(`warming ${scenario.capacity.toLocaleString('en-US')} read states`, { phase: 'warm' });
    const warmStart = performance.now();
    const footprint = await Promise.race([service.warm(workload.warmStates(scenario.capacity)), service.failed]);
    const warmMs = performance.now() - warmStart;
    workload = undefined;
    globalThis.gc();

    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const storeGcWatch = storeGcLogs.length === 0 ? undefined : startStoreGcWatch(storeGcLogs);
    startMs = nowMs();
    const recorder = new LatencyRecorder(startMs, scenario.windowSeconds * 1000);
    const forcedGc =
      scenario.forcedGc === null ? undefined : { intervalMs: (scenario.forcedGc.intervalSeconds * 1000) / scenario.timeScale, mode: scenario.forcedGc.mode };
    service.start(startMs, forcedGc);
    // Beside the GC observer: sees the thread stop on runtimes that report no GC (Bun, Deno).
    const stallRecorder = new StallRecorder(startMs, scenario.windowSeconds * 1000);
    let stalls: StallRecording | undefined;
    const injected = config.injectStallMs === undefined ? undefined : setInterval(() => blockFor(config.injectStallMs!), INJECTED_STALL_EVERY_MS);
    const sampler = new WindowSampler(scenario.windowSeconds * 1000, {
      clock,
      cacheOffHeapBytes: () => service.cacheOffHeapBytes(),
      ...(service.otherHeapsBytes === undefined ? {} : { otherHeaps: () => service.otherHeapsBytes!() }),
      completed: () => recorder.count,
      misses: () => service.counters().misses,
      storeWritesPending: () => {
        const counters = service.counters();
        return counters.writeBacks - (counters.persisted ?? counters.writeBacks);
      },
    });
    const measuring = `measuring ${log.count.toLocaleString('en-US')} requests at ${scenario.rate.toLocaleString('en-US')}/s`;
    progress(measuring, { phase: 'measure', done: 0, total: log.count });
    // Once a window, requests done and the last window's p99 for the parent's progress line: a
    // scan of one window's trimmed counts and one IPC message, microseconds a second.
    const reporter = setInterval(
      () => progress(measuring, { phase: 'measure', done: recorder.count, total: log.count, p99Ms: recorder.lastWindowQuantileMs(0.99) }),
      scenario.windowSeconds * 1000,
    );
    const durationMs = (log.count / scenario.rate) * 1000;
    let outcome: DriveOutcome;
    const missesBefore = service.counters().misses;
    const meter = new AllocationMeter();
    let allocation: AllocationFigures | undefined;
    try {
      const driven = drive({
        log,
        service,
        recorder,
        rate: scenario.rate,
        timeScale: scenario.timeScale,
        startMs,
        closedLoop: config.closedLoop,
        giveUpAfterMs: durationMs * 3 + 5_000,
        drainTimeoutMs: 30_000,
      });
      outcome = await Promise.race([driven, service.failed]);
      allocation = meter.stop(outcome.completed, service.counters().misses - missesBefore);
    } finally {
      stalls = stallRecorder.stop();
      storeGcWatch?.end();
      sampler.stop();
      clearInterval(injected);
      clearInterval(reporter);
    }
    sampler.sample();
    const finished = await Promise.race([service.finishMeasuring(), service.failed]);
    const storeGc = storeGcWatch?.read();
    const serviceNotes = service.describe === undefined ? undefined : await Promise.race([service.describe(), service.failed]);
    for (const note of serviceNotes ?? []) progress(note);

    progress('flushing and checking that no read state was lost', { phase: 'check' });
    const checkStart = performance.now();
    await Promise.race([service.flush(), service.failed]);
    const contents = await service.contents();
    // Read from Cassandra itself, by a client of the check's own, not through the service's store.
    const stored = cassandra === undefined ? contents.store : await readCassandraStates(cassandra);
    const integrity = checkIntegrity(expectedStates(log, outcome.sent), contents.cache, stored);
    if (config.dumpStatePath !== undefined) await writeStates(config.dumpStatePath, contents.cache, stored);
    const checkMs = performance.now() - checkStart;
    const counters = service.counters();
    const latency = recorder.encode();
    recorder.destroy();
    const { cachedStates, heapBytes, arrayBufferBytes, offHeapBytes } = footprint;
    const gcEvents = finished.gc.flatMap((report) => report.events).sort((a, b) => a.startMs - b.startMs);
    const forcedGcs = finished.gc.flatMap((report) => report.forced).sort((a, b) => a.startMs - b.startMs);

    return {
      drive: outcome,
      latency,
      gcEvents,
      forcedGcs,
      // The collector's CPU per window on Node: V8's worker threads plus the pauses (gc-cpu.ts).
      windows: isNode() ? withV8GcCpu(sampler.samples, sampler.v8WorkersCpuMs, gcEvents) : sampler.samples,
      gcCycles: v8GcCycles(gcEvents, forcedGcs),
      ...(isNode() ? { gcCpuSource: V8_GC_CPU_SOURCE } : {}),
      memory: {
        cachedStates,
        bytesPerEntry: cachedStates === 0 ? 0 : (heapBytes + arrayBufferBytes + offHeapBytes) / cachedStates,
        heapBytes,
        arrayBufferBytes,
        offHeapBytes,
        fullGcPauseMs: finished.fullGcPauseMs,
      },
      counters,
      integrity,
      timingsMs: { generate: generateMs, warm: warmMs, check: checkMs },
      allocation,
      stalls,
      runtimeVersion: runtimeIdentity(),
      ...(serviceNotes === undefined ? {} : { serviceNotes }),
      ...(storeGc === undefined ? {} : { storeGc }),
    };
  } finally {
    await service.close().catch(() => {});
    if (cassandra !== undefined) await dropTable(cassandra).catch(() => {});
    for (const file of readdirSync(tmpdir()).filter((name) => name.startsWith(basename(storePathPrefix)))) {
      rmSync(join(tmpdir(), file), { force: true });
    }
  }
}

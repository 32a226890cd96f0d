import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCache } from '../implementations/registry.js';
import { drive, type DriveOutcome } from './driver.js';
import { expectedStates } from './expected-states.js';
import { ForcedGcScheduler, type ForcedGc } from './forced-gc.js';
import { GcObserver, type GcEvent } from './gc-observer.js';
import { prepareFastHistograms } from './histogram.js';
import { checkIntegrity, type IntegrityResult } from './integrity-check.js';
import { LatencyRecorder, type EncodedLatencies } from './latency-recorder.js';
import { ReadStateService } from './read-state-service.js';
import { readRequestLog, type RequestLog } from './request-log.js';
import type { Scenario } from './scenario.js';
import { writeStates } from './state-dump.js';
import { StoreClient } from './store-client.js';
import type { StoreKind } from './store-protocol.js';
import { WindowSampler, type WindowSample } from './window-sampler.js';
import { Workload, warmStatesFromLog } from './workload.js';

/** Everything one child process needs to measure one (contender, scenario, repetition). */
export interface RowConfig {
  readonly implementation: string;
  /** The scenario with the command line's overrides applied. */
  readonly scenario: Scenario;
  readonly repetition: number;
  /** Replay this NDJSON log instead of generating one from the scenario. */
  readonly requestsFile: string | undefined;
  readonly closedLoop: boolean;
  readonly store: StoreKind;
  /** Write the final read states here as NDJSON. */
  readonly dumpStatePath: string | undefined;
}

/** What one child measured, raw: histograms encoded, nothing computed from them yet. */
export interface RowMeasurement {
  readonly drive: DriveOutcome;
  readonly latency: EncodedLatencies;
  readonly gcEvents: readonly GcEvent[];
  readonly forcedGcs: readonly ForcedGc[];
  readonly windows: readonly WindowSample[];
  readonly memory: MemoryFigures;
  readonly counters: ReturnType<ReadStateService['counters']>;
  readonly integrity: IntegrityResult;
  readonly timingsMs: { readonly generate: number; readonly warm: number; readonly check: number };
}

export interface MemoryFigures {
  readonly cachedStates: number;
  /** Heap, ArrayBuffer and native bytes the warmed cache added, per cached state. */
  readonly bytesPerEntry: number;
  readonly heapBytes: number;
  readonly arrayBufferBytes: number;
  readonly offHeapBytes: number;
  /** A forced full GC right after the measured load, with the churned cache in place. */
  readonly fullGcPauseMs: number;
}

/** Wall ms between the end of the warm-up and the first request, to let the GC settle. */
const SETTLE_MS = 200;
/** How often the write-back timer runs, and the most states it writes back per run. */
const WRITE_BACK_EVERY_MS = 100;
const WRITE_BACK_BATCH = 5_000;

export type Progress = (message: string) => void;

/** Measures one row. Runs inside its own child process (harness/child-main.ts). */
export async function runOne(config: RowConfig, progress: Progress): Promise<RowMeasurement> {
  const { scenario } = config;
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('run-one needs node --expose-gc');
  await prepareFastHistograms();

  const generateStart = performance.now();
  let workload: Workload | undefined;
  let log: RequestLog;
  if (config.requestsFile !== undefined) {
    log = await readRequestLog(config.requestsFile);
  } else {
    workload = new Workload(scenario, scenario.seed);
    log = workload.generate(Math.round(scenario.rate * scenario.durationSeconds), scenario.rate, scenario.seed);
  }
  const generateMs = performance.now() - generateStart;

  const storePath = join(tmpdir(), `readstate-lab-${process.pid}-${Date.now()}.sqlite`);
  const store = new StoreClient({ kind: config.store, path: storePath });
  // A failed store would leave requests waiting on loads forever: fail the row at once instead.
  const storeFailed = new Promise<never>((_, reject) => (store.onFailure = reject));
  storeFailed.catch(() => {});

  let startMs = performance.now();
  const clock = (): number => performance.now() - startMs;
  const scenarioClock = (): number => clock() * scenario.timeScale;

  gc();
  const before = process.memoryUsage();
  const service = new ReadStateService({
    makeCache: (onEvict) => createCache(config.implementation, { capacity: scenario.capacity, onEvict }),
    store,
    clock: scenarioClock,
    writeBackDelayMs: scenario.writeBackDelaySeconds * 1000,
    writeBackEveryMs: WRITE_BACK_EVERY_MS,
    writeBackBatch: WRITE_BACK_BATCH,
  });
  progress(`warming ${scenario.capacity.toLocaleString('en-US')} read states`);
  const warmStart = performance.now();
  service.warm(workload?.warmStates(scenario.capacity) ?? warmStatesFromLog(log, scenario.capacity));
  const warmMs = performance.now() - warmStart;
  gc();
  const after = process.memoryUsage();
  // Dropped only now, so that its typed arrays count in neither memory reading.
  workload = undefined;
  const cachedStates = service.cache.size;
  const offHeapBytes = service.cache.offHeapBytes();
  const heapBytes = after.heapUsed - before.heapUsed;
  const arrayBufferBytes = after.arrayBuffers - before.arrayBuffers;
  gc();

  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  startMs = performance.now();
  const recorder = new LatencyRecorder(startMs, scenario.windowSeconds * 1000);
  const gcObserver = new GcObserver(startMs);
  const forcedGc =
    scenario.forcedGc === null
      ? undefined
      : new ForcedGcScheduler((scenario.forcedGc.intervalSeconds * 1000) / scenario.timeScale, scenario.forcedGc.mode, clock);
  gcObserver.onEvent = (event) => {
    if (event.kind === 'major' && !event.forced) forcedGc?.noteMajorGc();
  };
  const sampler = new WindowSampler(scenario.windowSeconds * 1000, {
    clock,
    cacheOffHeapBytes: () => service.cache.offHeapBytes(),
    completed: () => recorder.count,
    misses: () => service.counters().misses,
  });
  progress(`measuring ${log.count.toLocaleString('en-US')} requests at ${scenario.rate.toLocaleString('en-US')}/s`);
  const durationMs = (log.count / scenario.rate) * 1000;
  let outcome: DriveOutcome;
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
    outcome = await Promise.race([driven, storeFailed]);
  } finally {
    forcedGc?.stop();
    sampler.stop();
  }
  sampler.sample();
  const fullGcStart = performance.now();
  gc();
  const fullGcPauseMs = performance.now() - fullGcStart;
  gcObserver.stop();

  progress('flushing and checking that no read state was lost');
  const checkStart = performance.now();
  await service.flush();
  const contents = await service.contents();
  const integrity = checkIntegrity(expectedStates(log, outcome.sent), contents.cache, contents.store);
  if (config.dumpStatePath !== undefined) await writeStates(config.dumpStatePath, contents.cache, contents.store);
  const checkMs = performance.now() - checkStart;
  const counters = service.counters();
  await service.close();
  rmSync(storePath, { force: true });
  rmSync(`${storePath}-wal`, { force: true });
  rmSync(`${storePath}-shm`, { force: true });
  const latency = recorder.encode();
  recorder.destroy();

  return {
    drive: outcome,
    latency,
    gcEvents: gcObserver.events,
    forcedGcs: forcedGc?.forced ?? [],
    windows: sampler.samples,
    memory: {
      cachedStates,
      bytesPerEntry: cachedStates === 0 ? 0 : (heapBytes + arrayBufferBytes + offHeapBytes) / cachedStates,
      heapBytes,
      arrayBufferBytes,
      offHeapBytes,
      fullGcPauseMs,
    },
    counters,
    integrity,
    timingsMs: { generate: generateMs, warm: warmMs, check: checkMs },
  };
}

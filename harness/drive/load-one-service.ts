import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clusterGcLogs } from '../cassandra/cluster-gc-logs.js';
import { checkAcknowledgedStates } from '../check/acknowledged-states.js';
import { spreadCycleCpu, V8_GC_CPU_SOURCE, withV8GcCpu } from '../measure/gc-cpu.js';
import { v8GcCycles } from '../measure/gc-cycles.js';
import { type GcTraceLine, goNaturalCycles, parseGcTrace } from '../measure/go-gctrace.js';
import { ProcessSampler } from '../measure/process-sampler.js';
import { startStoreGcWatch } from '../measure/store-gc-watch.js';
import type { Scenario } from '../results/scenario-schema.js';
import type { ForcedGc, GcCycle, GcEvent, GcKind, IntegrityResult, RowMeasurement, WindowSample } from '../results/schema.js';
import type { Runtime } from '../runtimes/locate.js';
import { withFreshTable } from '../store/cassandra-tables.js';
import type { CassandraTarget } from '../store/cassandra-target.js';
import { readStoredStates } from '../store/stored-states.js';
import type { RequestLog } from '../workload/request-log.js';
import type { HttpLoadOutcome } from './load-meter.js';
import { type RunningService, type ServiceProgram, startServiceProcess } from './service-process.js';

/** What `load` needs to know of a contender to start it as a service. */
export interface ServiceToStart {
  readonly name: string;
  /** A module path for a contender of the user's own; undefined for a built-in one. */
  readonly modulePath?: string;
  /** The Go or Rust binary of a reference service; undefined for a Node service. */
  readonly binary?: string;
  /** load --store cassandra's cluster: the service writes a fresh table of it instead of a SQLite file. */
  readonly cassandra?: CassandraTarget | undefined;
}

/**
 * Starts one service in its own process, loads it, stops it with SIGTERM (it writes every dirty
 * state back), then checks its store (its SQLite file, or its Cassandra table) against the
 * acknowledged requests.
 */
export async function loadOneService(
  contender: ServiceToStart,
  scenario: Scenario,
  log: RequestLog,
  folder: string,
  warmFile: string,
  load: (url: string) => Promise<HttpLoadOutcome>,
  stopSignal: AbortSignal,
  /** serve's --store-latency for a Node service, as the user gave it; undefined: none. */
  storeLatencyFlag: string | undefined,
  /** The runtime a Node service runs on; undefined: the system Node. */
  runtime: Runtime | undefined,
): Promise<RowMeasurement> {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const scenarioFile = join(folder, 'scenario.json');
  writeFileSync(scenarioFile, JSON.stringify(scenario));
  const program: ServiceProgram =
    contender.binary !== undefined
      ? { kind: 'reference', binary: contender.binary }
      : { kind: 'node-serve', contender: contender.modulePath ?? contender.name, scenarioFile, storeLatency: storeLatencyFlag, runtime };
  const dbPath = join(folder, 'states.sqlite');
  // A table of the service's own, so that the check sees no other service's (or run's) states.
  return withFreshTable(contender.cassandra, 'load', async (cassandra) => {
    let service: RunningService | undefined = await startServiceProcess({ program, scenario, warmFile, dbPath, cassandra, stopSignal });
    // A Node service's collector works on V8's worker threads too: sampled from /proc (gc-cpu.ts).
    const v8Workers = program.kind === 'node-serve' && (runtime === undefined || runtime.family === 'node');
    const sampler = new ProcessSampler(service.pid, scenario.windowSeconds * 1000, { v8Workers });
    // The database's own GC logs from here on; the load's clock starts at outcome.startMs, a
    // performance.now() reading, put on the wall clock by reading both clocks at one instant.
    const storeGcLogs = contender.cassandra === undefined ? [] : clusterGcLogs(contender.cassandra.contactPoints);
    const wallMinusMonotonic = Date.now() - performance.now();
    const storeGcWatch = storeGcLogs.length === 0 ? undefined : startStoreGcWatch(storeGcLogs);
    try {
      const outcome = await load(service.url);
      storeGcWatch?.end();
      sampler.stop();
      const stopped = await service.stop();
      service = undefined;
      let integrity: IntegrityResult;
      if (stopped.exitCode !== 0) {
        // A Go service's GC trace lines are not what it said on its way out.
        const last =
          stopped.output
            .trim()
            .split('\n')
            .filter((line) => parseGcTrace(line).length === 0)
            .pop() ?? '';
        integrity = {
          ok: false,
          statesChecked: 0,
          mismatchCount: 0,
          mismatches: [],
          note: `the service exited with ${stopped.exitCode ?? 'a signal'} at shutdown: ${last}`,
        };
      } else if (outcome.outcomes === undefined) {
        integrity = externalIntegrity();
      } else {
        integrity = checkAcknowledgedStates(log, outcome.outcomes, await readStoredStates({ dbPath, cassandra }));
      }
      const measurement = toMeasurement(outcome, sampler, integrity, parseGcTrace(stopped.output));
      if (storeGcWatch === undefined || outcome.startMs === undefined) return measurement;
      return { ...measurement, storeGc: storeGcWatch.read(outcome.startMs + wallMinusMonotonic) };
    } finally {
      sampler.stop();
      await service?.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  });
}

export function externalIntegrity(): IntegrityResult {
  return { ok: true, statesChecked: 0, mismatchCount: 0, mismatches: [], note: "not checked: the lab cannot read a --target service's store" };
}

/** The service-level figures in the same shape as an in-process row's. */
export function toMeasurement(
  outcome: HttpLoadOutcome,
  sampler: ProcessSampler | undefined,
  integrity: IntegrityResult,
  /** A Go service's GODEBUG=gctrace=1 lines (go-gctrace.ts): its natural cycles. */
  gcTrace: readonly GcTraceLine[] = [],
): RowMeasurement {
  const stats = outcome.finalStats;
  const counters = stats?.counters ?? { hits: 0, misses: 0, evictions: 0, writeBacks: 0, cacheSize: 0 };
  const failed = outcome.errors + outcome.timeouts + outcome.non2xx;
  // ServerStats' schema (load-meter.ts) checks a GC event's kind only as a string: the GcKind cast below is unchecked.
  const gcEvents = (stats?.gcEvents ?? []).map(
    (e): GcEvent => ({ startMs: e.startMs, durationMs: e.durationMs, kind: e.kind as GcKind, forced: e.forced, thread: e.thread }),
  );
  const forcedGcs = (stats?.forcedGcs ?? []).map((f): ForcedGc => ({ ...f, mode: f.mode === 'concurrent' ? 'concurrent' : 'sync' }));
  const windows = withProcessSamples(outcome.windows, sampler, outcome.startMs, stats?.collectsGarbage !== false);
  // Node (its V8 workers sampled): worker CPU plus pauses. Go: what its /stats said. Else none.
  const v8Workers = sampler?.samples.some((sample) => sample.v8WorkersCpuMs !== undefined) === true;
  const gcCpuSource = v8Workers ? V8_GC_CPU_SOURCE : stats?.gcCpu?.source;
  const cycles = withNaturalCycles(gcCyclesOf(stats, gcEvents, forcedGcs), goNaturalCycles(gcTrace, stats?.gcEvents ?? []));
  return {
    drive: { ...outcome.drive, saturated: outcome.drive.saturated || failed > 0 },
    latency: outcome.latency,
    gcEvents,
    forcedGcs,
    // Node: worker CPU plus pauses. Go: each forced cycle's CPU spread over its call (gc-cpu.ts).
    windows: v8Workers
      ? withV8GcCpu(
          windows,
          sampler!.samples.map((sample) => sample.v8WorkersCpuMs ?? Number.NaN),
          gcEvents,
        )
      : spreadCycleCpu(windows, cycles.gcCycles ?? []),
    ...cycles,
    ...(typeof gcCpuSource === 'string' ? { gcCpuSource } : {}),
    // A service without a collector says so; the report then shows "no GC", not a missing one.
    ...(stats?.collectsGarbage === false ? { collectsGarbage: false } : {}),
    memory: { cachedStates: counters.cacheSize, bytesPerEntry: Number.NaN, heapBytes: 0, arrayBufferBytes: 0, offHeapBytes: 0, fullGcPauseMs: Number.NaN },
    counters,
    integrity:
      failed === 0
        ? integrity
        : {
            ...integrity,
            note: `${integrity.note ?? ''}; ${failed} requests failed (errors ${outcome.errors}, timeouts ${outcome.timeouts}, non-2xx ${outcome.non2xx})`,
          },
    timingsMs: { generate: 0, warm: 0, check: 0 },
  };
}

function withNaturalCycles(cycles: { gcCycles?: GcCycle[] }, natural: readonly GcCycle[]): { gcCycles?: GcCycle[] } {
  if (natural.length === 0) return cycles;
  return { gcCycles: [...(cycles.gcCycles ?? []), ...natural].sort((a, b) => a.startMs - b.startMs) };
}

/** Whole GC cycles: those the service reports (go-lru), else those its V8 pauses imply (a Node service). */
function gcCyclesOf(stats: HttpLoadOutcome['finalStats'], gcEvents: readonly GcEvent[], forcedGcs: readonly ForcedGc[]): { gcCycles?: GcCycle[] } {
  if (Array.isArray(stats?.gcCycles)) {
    return {
      gcCycles: stats.gcCycles.map((cycle) => ({
        startMs: cycle.startMs,
        durationMs: cycle.durationMs,
        pauseMs: typeof cycle.pauseMs === 'number' ? cycle.pauseMs : Number.NaN,
        cpuMs: cycle.cpuMs,
        forced: cycle.forced,
        thread: cycle.thread,
        source: 'forced-call',
      })),
    };
  }
  const cycles = v8GcCycles(gcEvents, forcedGcs);
  return cycles.length === 0 ? {} : { gcCycles: cycles };
}

/**
 * The service's CPU and resident memory, sampled from outside (/proc) so that Node, Go and Rust
 * are measured alike, in place of what each says of itself.
 */
function withProcessSamples(
  windows: readonly WindowSample[],
  sampler: ProcessSampler | undefined,
  startMs: number | undefined,
  collectsGarbage: boolean,
): WindowSample[] {
  if (sampler === undefined || startMs === undefined) return [...windows];
  // A service without a collector has no heap to report: its /stats says 0, which would read as
  // the smallest heap of the run rather than as no figure.
  const heap = (bytes: number | undefined): number => (collectsGarbage ? (bytes ?? Number.NaN) : Number.NaN);
  return sampler.samples.map((sample, i) => {
    const reported = windows[i];
    return {
      atMs: sample.atMs - startMs,
      heapUsedBytes: heap(reported?.heapUsedBytes),
      heapTotalBytes: heap(reported?.heapTotalBytes),
      rssBytes: sample.rssBytes,
      externalBytes: reported?.externalBytes ?? Number.NaN,
      cacheOffHeapBytes: reported?.cacheOffHeapBytes ?? Number.NaN,
      cpuPercent: sample.cpuPercent,
      eventLoopDelayMaxMs: Number.NaN,
      eventLoopDelayP99Ms: Number.NaN,
      completed: reported?.completed ?? 0,
      misses: reported?.misses ?? 0,
      ...(reported?.gcCpuPercent === undefined ? {} : { gcCpuPercent: reported.gcCpuPercent }),
    };
  });
}

import type { ForcedGcMode, RequestType, Scenario } from './scenario-schema.js';
import { type JvmCollector, type JvmPauseKind, SCHEMA_VERSION, type StoreKind } from './schemas/plain-values.js';
import type { StoreLatencyProfile } from './schemas/store-latency.js';

/**
 * The results.json types. Raw measurements (encoded HDR histograms, GC events, samples) are
 * kept so that results merge and re-render; every summary beside them is computed from them by
 * harness/results/aggregate.ts. Files are checked against the schemas in harness/results/schemas/
 * (published as schemas/results.schema.json), and harness/results/schemas/same-as-interfaces.ts
 * fails the build when a type here and its schema differ: a field added here is added there too.
 * Bump SCHEMA_VERSION (schemas/plain-values.ts) on any change a reader would notice.
 */
export { SCHEMA_VERSION };

export interface Results {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly kind: 'run';
  readonly runId: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly environment: Environment;
  readonly settings: RunSettings;
  /** One per (contender, repetition), in the order they ran. */
  readonly rows: readonly Row[];
  /** One per contender: medians over its completed repetitions, with their spread. */
  readonly contenders: readonly ContenderSummary[];
}

export interface Environment {
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly totalMemoryBytes: number;
  readonly labVersion: string;
  /** Flags every child ran with, before a contender's own. */
  readonly nodeFlags: readonly string[];
  /** Every runtime the rows ran on (`--runtime`), with its version; absent in older files. */
  readonly runtimes?: ReadonlyArray<{ readonly name: string; readonly version: string }>;
  /** How busy the machine was while the rows ran (harness/measure/host-load.ts); absent in older files. */
  readonly hostLoad?: HostLoad;
  /** `load` only: what the driver measured against a server that costs nothing, before the rows; absent in older files. */
  readonly rulerFloor?: RulerFloor;
}

/**
 * Which driver loaded the services of a `load` run: the Node open-loop driver
 * (harness/drive/open-loop-load.ts), the compiled one (references/load-driver, run by
 * harness/drive/compiled-driver.ts), or autocannon, closed loop.
 */
export type ServiceLevelDriver = 'open-loop' | 'open-loop-compiled' | 'closed-loop';

/**
 * The ruler's floor (harness/drive/ruler-floor.ts): the run's driver, at the run's rate, against
 * a null server that answers every request at once, in a process of its own. What it measures
 * there is the driver's own share of every latency (its scheduling, its client, the loopback),
 * so a contender's figure near it says more of the driver than of the contender. Failing to
 * measure it does not fail the run: the reason is kept instead.
 */
export type RulerFloor =
  | {
      readonly state: 'measured';
      readonly driver: ServiceLevelDriver;
      /** What answered: the compiled driver's null server, or a Node one. */
      readonly server: string;
      /** Requests per second asked for: the run's rate. */
      readonly rate: number;
      /** Requests answered, and the wall ms of the load. */
      readonly completed: number;
      readonly durationMs: number;
      readonly latency: { readonly p50Ms: number; readonly p99Ms: number; readonly p999Ms: number; readonly maxMs: number };
      /** How late the driver sent; absent for the closed-loop driver, which has no due times. */
      readonly sendLag?: SendLag;
    }
  | { readonly state: 'failed'; readonly driver: ServiceLevelDriver; readonly reason: string };

/**
 * The machine's business during a run, seen by the lab's own (mostly idle) parent process: what
 * the verdict needs to say when the figures are the machine's rather than the contenders'.
 */
export interface HostLoad {
  /** The highest 1-minute load average sampled while the rows ran. */
  readonly loadAverageMax: number;
  /** How late an idle event loop's timers fired, p99 and max, in ms: the run's noise floor. */
  readonly idleLoopDelayP99Ms: number;
  readonly idleLoopDelayMaxMs: number;
  /** What the machine did to a spinning thread just before the rows ran; absent in older files. */
  readonly floor?: MachineFloor;
}

/**
 * The latency floor of this machine (harness/measure/machine-floor.ts): how often and for how
 * long it took the CPU from a thread that never stopped asking for it, and what a request that
 * cost nothing would have waited at p99 and p99.9 because of that alone.
 */
export interface MachineFloor {
  /** Wall ms the probe spun. */
  readonly probeMs: number;
  /** A pause between clock reads this long or longer counted as a gap. */
  readonly gapThresholdMs: number;
  readonly gapsPerSecond: number;
  /** Share of the probe's time the thread did not run, 0 to 1. */
  readonly takenFraction: number;
  readonly longestGapMs: number;
  readonly zeroCostP99Ms: number;
  readonly zeroCostP999Ms: number;
}

export interface RunSettings {
  readonly scenario: Scenario;
  readonly contenderNames: readonly string[];
  readonly repeat: number;
  readonly closedLoop: boolean;
  readonly store: StoreKind;
  /**
   * How long the store took to answer (--store-latency, harness/store/latency-profile.ts).
   * null (or absent, in files made before it existed): as fast as it could, the profile "none".
   */
  readonly storeLatency?: StoreLatencyProfile | null;
  /** --store cassandra's cluster as the run used it; absent for the other stores and in older files. */
  readonly cassandra?: CassandraSettings;
  readonly requestsFile: string | null;
  /** Set by `load`: the contenders ran as HTTP services under autocannon. */
  readonly serviceLevel?: {
    /** autocannon's connections (closed loop), or the open-loop driver's cap on its pool. */
    readonly connections: number;
    readonly target: string | null;
    /** Absent in files from before the open-loop driver: those were closed loop. */
    readonly driver?: ServiceLevelDriver;
  };
  /**
   * The command line that made these results, as the command received it (`run --impl ...`),
   * so a report's "reproduce" line repeats exactly what ran. Absent in version-1 files.
   */
  readonly invocation?: readonly string[];
}

/**
 * The Cassandra a run's store wrote to: the contact points every service and check was given,
 * the nodes of the lab's cluster, and the consistency level of every read and write (the Node,
 * Go and Rust stores all take the one the lab chose: ONE for one node, QUORUM for three).
 */
export interface CassandraSettings {
  readonly contactPoints: readonly string[];
  /** Nodes of the lab's cluster (cassandra status), or the hosts named when no lab cluster ran. */
  readonly nodes: number;
  readonly consistency: 'one' | 'quorum';
  /** The nodes' collector and heap as the lab started them; absent when the cluster is not the lab's. */
  readonly collector?: JvmCollector;
  readonly heap?: string;
}

interface RowBase {
  /**
   * The row's series name: the contender's name, or with runtime or variant a label of its own
   * ("naive-map · node22"), so every table and chart groups rows by it.
   */
  readonly contender: string;
  /** The runtime the row ran on ("node20", "node22", "bun", "deno"); absent in older files. */
  readonly runtime?: string;
  /** The name of a flag variant (GC tuning) the row ran under. */
  readonly variant?: string;
  readonly repetition: number;
  /** Every node flag the row's child process ran with. */
  readonly nodeFlags: readonly string[];
  readonly wallMs: number;
}

export interface CompletedRow extends RowBase {
  readonly state: 'completed';
  readonly measurement: RowMeasurement;
  readonly summary: RowSummary;
}

export interface FailedRow extends RowBase {
  readonly state: 'failed';
  readonly reason: string;
}

export type Row = CompletedRow | FailedRow;

/** Latency percentiles in milliseconds. */
export interface Percentiles {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly p9999Ms: number;
  readonly maxMs: number;
}

export interface WindowSummary {
  /** Start of the window, ms since measuring started. */
  readonly startMs: number;
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface RowSummary {
  readonly latency: Percentiles;
  readonly byType: Readonly<Record<RequestType, Percentiles>>;
  readonly windows: readonly WindowSummary[];
  readonly achievedRate: number;
  readonly saturated: boolean;
  readonly missRate: number;
  readonly gcCount: number;
  readonly gcTotalMs: number;
  readonly longestGcMs: number;
  readonly forcedGcCount: number;
  readonly bytesPerEntry: number;
  readonly heapUsedMaxBytes: number;
  readonly rssMaxBytes: number;
  readonly fullGcPauseMs: number;
  /** Bytes the measured thread allocated per request (AllocationFigures); NaN when not measured. */
  readonly bytesPerRequest: number;
  /** Scavenges of the measured thread per 100,000 requests; NaN when not measured. */
  readonly scavengesPer100k: number;
  /**
   * Bytes the measured thread allocated per store miss (AllocationFigures.bytesPerMiss, an upper
   * bound); NaN when not measured or without misses; absent in summaries made before issue 22.
   */
  readonly bytesPerMiss?: number;
  /**
   * The longest whole GC cycle (GcCycle: start of marking to the end of the pause, or of the
   * sweep where the runtime tells it), beside `longestGcMs`, which is the longest pause. NaN
   * when the row recorded no cycle; absent in summaries made before it was computed.
   */
  readonly longestGcCycleMs?: number;
  /**
   * The collector's CPU over the measured windows as a share of the process's CPU over the same
   * windows (sum of WindowSample.gcCpuPercent over sum of cpuPercent, windows with both figures
   * only), 0..1. NaN when no window has both; absent in summaries made before it was computed.
   */
  readonly gcCpuShare?: number;
  /** The highest WindowSample.gcCpuPercent of the row (share of one core); NaN when none. */
  readonly gcCpuPeakPercent?: number;
  /**
   * Percentiles of requests the cache answered at once (hit) and of requests that waited for the
   * store (miss); absent when the row did not record latency by outcome.
   */
  readonly byOutcome?: Readonly<Record<'hit' | 'miss', Percentiles>>;
  readonly integrityOk: boolean;
}

/** A figure over repetitions: the median, and the lowest and highest seen. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface ContenderSummary {
  readonly contender: string;
  readonly completed: number;
  readonly failed: number;
  /** Reasons of failed repetitions, in order. */
  readonly failures: readonly string[];
  readonly p50Ms: Spread;
  readonly p99Ms: Spread;
  readonly p999Ms: Spread;
  readonly maxMs: Spread;
  readonly achievedRate: Spread;
  readonly missRate: Spread;
  readonly gcCount: Spread;
  readonly longestGcMs: Spread;
  readonly bytesPerEntry: Spread;
  readonly heapUsedMaxBytes: Spread;
  readonly fullGcPauseMs: Spread;
  readonly bytesPerRequest: Spread;
  readonly scavengesPer100k: Spread;
  /** RowSummary.bytesPerMiss over repetitions; absent in summaries made before issue 22. */
  readonly bytesPerMiss?: Spread;
  /** RowSummary.longestGcCycleMs and gcCpuShare over repetitions; absent in older summaries. */
  readonly longestGcCycleMs?: Spread;
  readonly gcCpuShare?: Spread;
  /** p99.9 of cache hits and p99 of misses (RowSummary.byOutcome); NaN where not recorded or none happened. */
  readonly hitP999Ms: Spread;
  readonly missP99Ms: Spread;
  /** True when any repetition fell behind the target rate. */
  readonly saturated: boolean;
  /** True when every completed repetition passed the nothing-lost check. */
  readonly integrityOk: boolean;
}

/** What one child measured, raw: histograms encoded, nothing computed from them yet. */
export interface RowMeasurement {
  readonly drive: DriveOutcome;
  readonly latency: EncodedLatencies;
  readonly gcEvents: readonly GcEvent[];
  readonly forcedGcs: readonly ForcedGc[];
  readonly windows: readonly WindowSample[];
  readonly memory: MemoryFigures;
  readonly counters: ServiceCounters;
  readonly integrity: IntegrityResult;
  readonly timingsMs: { readonly generate: number; readonly warm: number; readonly check: number };
  /**
   * What the measured thread allocated on its JS heap while the load ran, and the scavenges it
   * took: the cost of the request path (service, cache, driver, recorders) in garbage. Absent in
   * results made before it was measured.
   */
  readonly allocation?: AllocationFigures;
  /** The measured thread's stalls, seen by a timer (StallRecording); absent in older results and service-level rows. */
  readonly stalls?: StallRecording;
  /** The runtime that measured, as it names itself ("v22.23.3", "bun 1.4.5", "deno 2.9.6"); absent in older results. */
  readonly runtimeVersion?: string;
  /**
   * What a service outside the measured heap says of itself, one line each (the redis
   * contenders: the server's configuration, memory and snapshot forks). Absent for the others.
   */
  readonly serviceNotes?: readonly string[];
  /**
   * False for a row measured in a program without a garbage collector (rust-btree's bench mode):
   * it has no GC events and no forced GCs to expect. Absent for every other row.
   */
  readonly collectsGarbage?: boolean;
  /**
   * Whole GC cycles, beside the pauses in `gcEvents`: one per collection whose extent the
   * runtime tells (GcCycle.source says how). Absent in older results and for rows without a GC.
   */
  readonly gcCycles?: readonly GcCycle[];
  /**
   * What WindowSample.gcCpuPercent counts for this row, in one line (the source differs per
   * runtime, see docs/methods.md, "GC pauses, cycles and CPU"). Absent where no window has it.
   */
  readonly gcCpuSource?: string;
  /**
   * The database's own collector while the row measured (--store cassandra on the lab's
   * cluster): each node's pauses and concurrent cycles from its GC log, on the row's clock.
   * Absent for the other stores, for a cluster that is not the lab's and in older results.
   */
  readonly storeGc?: StoreGc;
}

/** The store's JVM collectors over one row's measurement (harness/measure/store-gc-watch.ts). */
export interface StoreGc {
  readonly nodes: readonly StoreGcNode[];
}

/** One Cassandra node's GC while the row measured. */
export interface StoreGcNode {
  /** The node's address (127.0.0.1). */
  readonly address: string;
  readonly collector: JvmCollector;
  readonly pauses: readonly StoreGcPause[];
  readonly cycles: readonly StoreGcCycle[];
}

/** A stop-the-world pause of the node's JVM. */
export interface StoreGcPause {
  /** Milliseconds since measuring started (negative: it began just before and ended inside). */
  readonly startMs: number;
  readonly durationMs: number;
  readonly kind: JvmPauseKind;
  /** What the JVM called it ("Pause Young (Normal) (G1 Evacuation Pause)"). */
  readonly name: string;
}

/** A concurrent cycle of the node's JVM: G1's concurrent mark or undo cycle, a whole ZGC collection. */
export interface StoreGcCycle {
  /** Milliseconds since measuring started. */
  readonly startMs: number;
  readonly durationMs: number;
  readonly name: string;
}

/**
 * Allocation while measuring, on the main thread's heap only (a partition worker's heap is not
 * counted), from the first request to the last answer. Bytes come from v8.GCProfiler's heap
 * statistics around every GC: per space, used bytes before a GC minus used bytes after the
 * previous one (or at the start) is what was allocated in between. Old-space bytes the
 * concurrent sweeper frees between two GCs hide as many bytes allocated there, so this is a
 * floor, exact for the young generation, where the request path allocates.
 */
export interface AllocationFigures {
  /** Bytes allocated on the main thread's heap while measuring. */
  readonly bytes: number;
  /** Requests answered while measuring: the denominator of the per-request figures. */
  readonly requests: number;
  /** bytes / requests. */
  readonly bytesPerRequest: number;
  /** Scavenges (minor GCs) of the main thread's heap while measuring. */
  readonly scavenges: number;
  /** scavenges per 100,000 requests. */
  readonly scavengesPer100k: number;
  /** Major GCs (mark-compact, forced or not) of the main thread's heap while measuring. */
  readonly majorGcs: number;
  /**
   * Cache operations that waited for the store while measuring (a request can have several).
   * Absent in results made before issue 22, and where the service counts no misses.
   */
  readonly misses?: number;
  /**
   * bytes / misses: every byte allocated while measuring charged to the misses, an upper bound
   * of what one miss costs. Hits are not subtracted because they allocate nothing (held by
   * test/hit-path-allocates-nothing.test.ts: 500,000 hits at most 2 scavenges, under 5 bytes a
   * hit); the event-loop turns, timers and per-window samples of the run are in it. NaN (JSON
   * null) without misses; absent where `misses` is. See docs/methods.md, "Allocation".
   */
  readonly bytesPerMiss?: number;
}

/**
 * What the stall recorder (harness/measure/stall-recorder.ts) saw on the measured thread: a
 * timer that expects to fire every `tickMs` and records how late it fires. It works on every
 * runtime, including those that report no GC (Bun, Deno).
 */
export interface StallRecording {
  readonly tickMs: number;
  /** Ticks at least this late (ms) are listed in `stalls`. */
  readonly thresholdMs: number;
  /** How late every tick fired: an encoded HDR histogram, nanoseconds. */
  readonly lateness: string;
  readonly windowMs: number;
  /** The latest tick of each window (ms), the first window starting when measuring started. */
  readonly windowMaxMs: readonly number[];
  /** Every tick at least `thresholdMs` late: when it was due (ms since measuring started) and how late it came. */
  readonly stalls: ReadonlyArray<{ readonly startMs: number; readonly durationMs: number }>;
  /** Stalls beyond the number kept (tuning.ts STALLS_KEPT), counted only. */
  readonly droppedStalls?: number;
}

export interface MemoryFigures {
  readonly cachedStates: number;
  /** Heap, ArrayBuffer and native bytes the warmed cache added, per cached state. */
  readonly bytesPerEntry: number;
  readonly heapBytes: number;
  readonly arrayBufferBytes: number;
  readonly offHeapBytes: number;
  /** Forced full GCs right after the measured load, with the churned cache in place: the median of ROW_FULL_GC_SAMPLES back to back. */
  readonly fullGcPauseMs: number;
}

export type GcKind = 'minor' | 'major' | 'incremental' | 'weakcb' | 'unknown';

export interface GcEvent {
  /** Milliseconds since measuring started. */
  readonly startMs: number;
  readonly durationMs: number;
  readonly kind: GcKind;
  /** True when the lab asked for it (a scheduled forced GC). */
  readonly forced: boolean;
  /** The thread whose heap was collected: "main", or "partition 2" for a worker's own heap. */
  readonly thread: string;
}

/**
 * One garbage collection as a whole, not only its stop-the-world pauses: from the start of its
 * marking to its end as far as the runtime tells it. A concurrent collector (Go's, V8's
 * concurrent marking) runs most of a cycle beside the program, so the cycle can be 1,000 times
 * its pause; its CPU is what the program loses meanwhile (WindowSample.gcCpuPercent).
 */
export interface GcCycle {
  /** Milliseconds since measuring started, at the start of the cycle. */
  readonly startMs: number;
  /** The whole cycle, as `source` measures it. */
  readonly durationMs: number;
  /** Its stop-the-world pauses on the collected thread, summed; NaN where not matched. */
  readonly pauseMs: number;
  /** CPU the collector spent on it (every thread), where the runtime tells (Go >= 1.20). */
  readonly cpuMs?: number;
  /** True when the lab asked for it (a scheduled forced GC). */
  readonly forced: boolean;
  /** The thread whose heap was collected, as GcEvent.thread. */
  readonly thread: string;
  /**
   * How the extent was found: `forced-call` (the wall time of runtime.GC() or gc(): Go's
   * includes marking and the whole sweep; V8's is its atomic collection, concurrent sweeping
   * after it not seen), `incremental-marking` (V8: from the first incremental-marking step
   * perf_hooks reported to the end of the major pause that finished it), `atomic-pause` (V8: a
   * major GC with no incremental marking before it, all of it in its pause), `gctrace` (Go: a
   * cycle the runtime started itself, from its GODEBUG=gctrace=1 line: start of its first pause
   * to the end of its second, harness/measure/go-gctrace.ts).
   */
  readonly source: 'forced-call' | 'incremental-marking' | 'atomic-pause' | 'gctrace';
}

export interface ForcedGc {
  /** Milliseconds since measuring started. */
  readonly startMs: number;
  /** How long the lab's own call took (sync), or the time until V8 finished the GC it started. */
  readonly durationMs: number;
  readonly mode: ForcedGcMode;
  /** `concurrent` only: V8 started no major GC before the burst gave up. */
  readonly timedOut?: boolean;
}

/** The process as it was during one window of wall time. */
export interface WindowSample {
  /** Milliseconds since measuring started, at the end of the window. */
  readonly atMs: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly rssBytes: number;
  /** ArrayBuffers and other memory V8 knows of outside its heap (typed arrays, WebAssembly). */
  readonly externalBytes: number;
  /** Memory the cache allocated natively, which V8 does not see. */
  readonly cacheOffHeapBytes: number;
  /** CPU time of the whole process (every thread) over the window, as a share of one core. */
  readonly cpuPercent: number;
  readonly eventLoopDelayMaxMs: number;
  readonly eventLoopDelayP99Ms: number;
  /** Requests completed in the window, and cache misses during it. */
  readonly completed: number;
  readonly misses: number;
  /**
   * Write-backs handed to the store and not yet acknowledged at the end of the window: the
   * write-back queue's depth, the pressure on the database (with --store-latency, the writes
   * still waiting for the database's answer). Absent in results made before it was recorded.
   */
  readonly storeWritesPending?: number;
  /**
   * CPU time the garbage collector used over the window, on every thread, as a share of one core
   * (as cpuPercent; RowMeasurement.gcCpuSource says what is counted). Absent where not measured:
   * older results, rows of a program without a GC, services that report nothing of it.
   */
  readonly gcCpuPercent?: number;
}

export interface EncodedLatencies {
  /** Always nanoseconds. */
  readonly unit: 'ns';
  readonly overall: string;
  readonly byType: Record<RequestType, string>;
  /** One histogram per window of `windowMs`, the first starting when measuring started. */
  readonly windows: readonly string[];
  readonly windowMs: number;
  /**
   * By outcome: `hit` for requests the cache answered at once, `miss` for requests that waited
   * for the store (any of their operations did). Absent where the service cannot tell (the
   * partitioned service, HTTP loads) and in results made before it was recorded.
   */
  readonly byOutcome?: Readonly<Record<'hit' | 'miss', string>>;
}

export interface DriveOutcome {
  readonly targetRate: number;
  /** Requests sent per wall second, from the first due time to the last send. */
  readonly achievedRate: number;
  readonly sent: number;
  readonly completed: number;
  /** Requests of the log never sent because the run fell too far behind. */
  readonly notSent: number;
  /** Achieved rate below 95% of target: the contender (or this machine) could not keep up. */
  readonly saturated: boolean;
  /** The furthest a send fell behind its intended time, in ms. */
  readonly maxSendLagMs: number;
  /** Wall ms from the start to the last completion. */
  readonly elapsedMs: number;
  /**
   * How late the open-loop drivers wrote their requests, each from its due time: included in
   * every latency, so the driver's own share of it. Absent for autocannon (closed loop, no due
   * times), for in-process runs and in older results.
   */
  readonly sendLag?: SendLag;
}

/** Ms from each request's due time to the driver writing it, over a run's requests. */
export interface SendLag {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

export interface Mismatch {
  readonly userId: number;
  readonly channelId: number;
  /** [lastReadMessageId, mentionCount] the request log implies. */
  readonly expected: Expected;
  /** What `where` holds; null when the store does not hold the state at all. */
  readonly found: Expected | null;
  /**
   * 'not in store': the log changed the state and the store never got it; 'store': the store
   * holds another value; 'cache': the cache holds another value. (Version-1 files also used
   * 'nowhere' and 'stale store'.)
   */
  readonly where: 'cache' | 'store' | 'not in store' | 'nowhere' | 'stale store';
}

export interface IntegrityResult {
  readonly ok: boolean;
  /** Read states the request log changed. */
  readonly statesChecked: number;
  readonly mismatchCount: number;
  /** Changed read states the store does not hold as the log implies: lost. Absent before version 2. */
  readonly lostCount?: number;
  /** The first few mismatches, enough to debug with. */
  readonly mismatches: readonly Mismatch[];
  /** What was and was not checked, where the check is partial (service-level runs). */
  readonly note?: string;
}

export interface ServiceCounters {
  /** Cache operations that found their entry. */
  hits: number;
  /** Cache operations that had to load their entry from the store. */
  misses: number;
  evictions: number;
  /** States handed to the store to write back (evicted dirty or due). */
  writeBacks: number;
  /** Of those, the states the store has committed. Absent before version 2. */
  persisted?: number;
  cacheSize: number;
}

export interface MicroResults {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly kind: 'micro';
  readonly runId: string;
  readonly createdAt: string;
  readonly environment: Environment;
  readonly settings: { readonly capacity: number; readonly timeMs: number; readonly opsPerSample: number };
  readonly rows: ReadonlyArray<
    | {
        readonly contender: string;
        readonly runtime?: string;
        readonly state: 'completed';
        readonly tasks: readonly MicroTaskResult[];
        readonly fullGcMs: number;
      }
    | { readonly contender: string; readonly runtime?: string; readonly state: 'failed'; readonly reason: string }
  >;
}

export interface MicroTaskResult {
  readonly task: string;
  readonly opsPerSecond: number;
  readonly meanNsPerOp: number;
  /** p99 over batches of OPS_PER_SAMPLE operations, divided by the batch size. */
  readonly p99NsPerOp: number;
  readonly samples: number;
}

export interface SweepPoint {
  /** The series: the contender's name, or with --runtime "contender · runtime". */
  readonly contender: string;
  /** The runtime the point ran on; absent in older files. */
  readonly runtime?: string;
  readonly capacity: number;
  readonly state: 'completed' | 'failed';
  readonly reason?: string;
  readonly cachedStates?: number;
  readonly bytesPerEntry?: number;
  readonly fullGcPauseMs?: number;
  readonly longestGcMs?: number;
  readonly p99Ms?: number;
  readonly p999Ms?: number;
  readonly maxMs?: number;
  readonly achievedRate?: number;
  readonly saturated?: boolean;
  /** Share of cache operations that missed; absent in sweeps made before it was recorded. */
  readonly missRate?: number;
  /** Cache misses per wall second of the run: the database reads the cache leaves to the store. */
  readonly storeReadsPerSecond?: number;
  /** The deepest write-back queue seen at a window's end (see WindowSample.storeWritesPending). */
  readonly storeWritesPendingMax?: number;
  /** The p99 of requests that waited for the store, and of those the cache answered. */
  readonly missP99Ms?: number;
  readonly hitP99Ms?: number;
}

export interface SweepResults {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly kind: 'sweep';
  readonly runId: string;
  readonly createdAt: string;
  readonly environment: Environment;
  readonly scenario: Scenario;
  /** The store latency profile every point ran with (--store-latency); null or absent: none. */
  readonly storeLatency?: StoreLatencyProfile | null;
  readonly capacities: readonly number[];
  readonly points: readonly SweepPoint[];
}

export type AnyResults = Results | MicroResults | SweepResults;

/** What one read state must hold after a prefix of the log: [lastReadMessageId, mentionCount]. */
export type Expected = [lastRead: number, mentions: number];

import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { ReadState } from '../../implementations/contract.js';
import { parseJson } from '../json-input.js';
import { HIT, type LatencyRecorder, MISS } from '../measure/latency-recorder.js';
import { checkAgainstSchema } from '../results/check-against-schema.js';
import type { ForcedGc, GcCycle, GcEvent } from '../results/schema.js';
import { Nullable } from '../results/schemas/figures.js';
import type { RequestLog } from '../workload/request-log.js';
import { readWarmFile } from '../workload/warm-file.js';

/**
 * What a reference program's bench mode writes (references/go-lru/bench*.go,
 * references/rust-btree/src/bench*.rs), read back for a row of `run`.
 */

/** Bytes per request in the records file. */
export const BENCH_RECORD_BYTES = 16;
/** A record's status: the request was never sent (the bench gave up), or it was answered. */
export const BENCH_NOT_SENT = 0;
export const BENCH_DONE = 200;
/** A record's outcome byte. */
const OUTCOME_HIT = 0;
const OUTCOME_MISS = 1;

export interface BenchRecords {
  readonly sent: number;
  readonly completed: number;
  /** Requests completed in each window of the recorder, from the start. */
  readonly completedPerWindow: readonly number[];
}

/**
 * Reads the records file: one 16-byte record per request of the log, in log order,
 * little-endian: int64 latency in ns from the request's due time, uint32 µs from the start to
 * its completion, uint16 status (BENCH_DONE, or BENCH_NOT_SENT), uint8 outcome (0 hit, 1 miss:
 * one of its operations waited for the store), one reserved byte. Every answered request is
 * recorded in `recorder` by type and outcome, in the window it completed in. The bench sends in
 * log order, so the sent requests are a prefix of the log. Throws on a file that does not match.
 */
export function readBenchRecords(bytes: Uint8Array, log: RequestLog, recorder: LatencyRecorder): BenchRecords {
  if (bytes.length !== log.count * BENCH_RECORD_BYTES) {
    throw new Error(`the bench's records file holds ${bytes.length} bytes, not ${log.count} records of ${BENCH_RECORD_BYTES}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const windowUs = recorder.windowMs * 1000;
  const perWindow: number[] = [];
  let sent = 0;
  for (let i = 0; i < log.count; i++) {
    const at = i * BENCH_RECORD_BYTES;
    const status = view.getUint16(at + 12, true);
    if (status === BENCH_NOT_SENT) break;
    if (status !== BENCH_DONE) throw new Error(`the bench's record ${i} has status ${status}, not ${BENCH_DONE} or ${BENCH_NOT_SENT}`);
    sent++;
    // An int64 as two halves: latencies stay far below 2^53 ns, so the sum is exact.
    const latencyNs = view.getInt32(at + 4, true) * 2 ** 32 + view.getUint32(at, true);
    const outcome = view.getUint8(at + 14);
    if (latencyNs < 0 || (outcome !== OUTCOME_HIT && outcome !== OUTCOME_MISS)) {
      throw new Error(`the bench's record ${i} has latency ${latencyNs} ns and outcome ${outcome}`);
    }
    const window = Math.floor(view.getUint32(at + 8, true) / windowUs);
    recorder.recordRequest(log.type[i]!, outcome === OUTCOME_HIT ? HIT : MISS, latencyNs, window);
    while (perWindow.length <= window) perWindow.push(0);
    perWindow[window]!++;
  }
  for (let i = sent; i < log.count; i++) {
    if (view.getUint16(i * BENCH_RECORD_BYTES + 12, true) !== BENCH_NOT_SENT) throw new Error(`the bench's record ${i} was sent after request ${sent} was not`);
  }
  return { sent, completed: sent, completedPerWindow: perWindow };
}

const N = Type.Number();
const NullableArray = <T extends TSchema>(item: T) => Type.Union([Type.Array(item), Type.Null()]);

/** One window as the bench saw itself (no heap figures for a program without a GC); gcCpuMs: Go's collector CPU over the window (gcmetrics_go1*.go). */
const BenchWindow = Type.Object({
  atMs: N,
  heapUsedBytes: Type.Optional(N),
  heapTotalBytes: Type.Optional(N),
  rssBytes: N,
  misses: N,
  gcCpuMs: Type.Optional(N),
});

/**
 * summary.json, as both programs write it: `runtime` is the toolchain that built the program; Go
 * adds its forced collections as whole cycles (gcwatch.go's gcCycle) and its collector's CPU;
 * memory.heapBytes is Go's live heap the warm fill added (Rust: 0), offHeapBytes Rust's resident
 * memory it added, fullGcPauseMs Go's median forced pause after the load.
 */
const BenchSummary = Type.Object({
  runtime: Type.String(),
  // cycle: the runtime's number of the collection, as its gctrace line numbers it (go-gctrace.ts).
  gcEvents: NullableArray(Type.Object({ startMs: N, durationMs: N, forced: Type.Boolean(), cycle: Type.Optional(N) })),
  forcedGcs: NullableArray(Type.Object({ startMs: N, durationMs: N })),
  gcCycles: Type.Optional(NullableArray(Type.Object({ startMs: N, durationMs: N, pauseMs: Nullable(N), cpuMs: N, forced: Type.Boolean() }))),
  gcCpu: Type.Optional(Type.Object({ seconds: N, source: Type.String() })),
  windows: NullableArray(BenchWindow),
  memory: Type.Object({
    cachedStates: N,
    bytesPerEntry: N,
    heapBytes: N,
    offHeapBytes: Type.Optional(N),
    rssBytes: N,
    fullGcPauseMs: Type.Optional(N),
  }),
  counters: Type.Object({ hits: N, misses: N, evictions: N, writeBacks: N, persisted: N, cacheSize: N }),
  sent: N,
  lastSendMs: N,
  maxSendLagMs: N,
  elapsedMs: N,
  warmMs: N,
});
export type BenchWindow = Static<typeof BenchWindow>;
export type BenchSummary = Static<typeof BenchSummary>;

/** Parses summary.json and checks it against its schema. */
export function parseBenchSummary(text: string): BenchSummary {
  return checkAgainstSchema(BenchSummary, parseJson(text, "the bench's summary.json"), "the bench's summary.json");
}

/** The bench's GC pauses as the lab's GC events of one thread. */
export function benchGcEvents(summary: BenchSummary, thread: string): GcEvent[] {
  return (summary.gcEvents ?? []).map((event) => ({ startMs: event.startMs, durationMs: event.durationMs, kind: 'major', forced: event.forced, thread }));
}

/** The bench's forced GCs: each runtime.GC() call and its wall time (it blocks only its caller). */
export function benchForcedGcs(summary: BenchSummary): ForcedGc[] {
  return (summary.forcedGcs ?? []).map((forced) => ({ startMs: forced.startMs, durationMs: forced.durationMs, mode: 'sync' }));
}

/** The bench's whole GC cycles (Go: its forced ones, each runtime.GC() call start to end). */
export function benchGcCycles(summary: BenchSummary, thread: string): GcCycle[] {
  return (summary.gcCycles ?? []).map((cycle) => ({
    startMs: cycle.startMs,
    durationMs: cycle.durationMs,
    pauseMs: typeof cycle.pauseMs === 'number' ? cycle.pauseMs : Number.NaN,
    cpuMs: cycle.cpuMs,
    forced: cycle.forced,
    thread,
    source: 'forced-call',
  }));
}

/** The states of a final-states file (the warm-file format: 5 little-endian float64 per state). */
export function readBenchStates(bytes: Uint8Array): ReadState[] {
  return [...readWarmFile(bytes)];
}

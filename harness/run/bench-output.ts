import type { ReadState } from '../../implementations/contract.js';
import { HIT, type LatencyRecorder, MISS } from '../measure/latency-recorder.js';
import type { ForcedGc, GcCycle, GcEvent } from '../results/schema.js';
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

/** One window as the bench saw itself (no heap figures for a program without a GC). */
export interface BenchWindow {
  readonly atMs: number;
  readonly heapUsedBytes?: number;
  readonly heapTotalBytes?: number;
  readonly rssBytes: number;
  /** Cache misses so far. */
  readonly misses: number;
  /** Go: the collector's CPU over the window, in ms (gcmetrics_go1*.go). Absent for Rust and older builds. */
  readonly gcCpuMs?: number;
}

/** summary.json, as both programs write it. */
export interface BenchSummary {
  /** The toolchain that built the program ("go1.26.0", "rustc 1.95.0"). */
  readonly runtime: string;
  readonly gcEvents: ReadonlyArray<{ startMs: number; durationMs: number; forced: boolean }> | null;
  readonly forcedGcs: ReadonlyArray<{ startMs: number; durationMs: number }> | null;
  /** Go: each forced collection as a whole cycle (gcwatch.go's gcCycle). Absent for Rust and older builds. */
  readonly gcCycles?: ReadonlyArray<{ startMs: number; durationMs: number; pauseMs: number | null; cpuMs: number; forced: boolean }> | null;
  /** Go: the collector's CPU over the load, and what the toolchain's source counts. */
  readonly gcCpu?: { readonly seconds: number; readonly source: string };
  readonly windows: readonly BenchWindow[] | null;
  readonly memory: {
    readonly cachedStates: number;
    readonly bytesPerEntry: number;
    /** Go: live heap the warm fill added, after full GCs. Rust: none (0). */
    readonly heapBytes: number;
    /** Rust: resident memory the warm fill added, the estimate of its cache's size. Go: absent. */
    readonly offHeapBytes?: number;
    readonly rssBytes: number;
    /** Go: the median stop-the-world pause of forced GCs after the load. Rust: absent (no GC). */
    readonly fullGcPauseMs?: number;
  };
  readonly counters: { hits: number; misses: number; evictions: number; writeBacks: number; persisted: number; cacheSize: number };
  readonly sent: number;
  readonly lastSendMs: number;
  readonly maxSendLagMs: number;
  readonly elapsedMs: number;
  readonly warmMs: number;
}

/** Parses summary.json, checking the fields a row is built from. */
export function parseBenchSummary(text: string): BenchSummary {
  const summary = JSON.parse(text) as BenchSummary;
  const numbers: Array<[string, unknown]> = [
    ['sent', summary.sent],
    ['lastSendMs', summary.lastSendMs],
    ['maxSendLagMs', summary.maxSendLagMs],
    ['elapsedMs', summary.elapsedMs],
    ['memory.cachedStates', summary.memory?.cachedStates],
    ['memory.bytesPerEntry', summary.memory?.bytesPerEntry],
    ['counters.hits', summary.counters?.hits],
    ['counters.misses', summary.counters?.misses],
    ['counters.writeBacks', summary.counters?.writeBacks],
  ];
  const wrong = numbers.find(([, value]) => typeof value !== 'number' || !Number.isFinite(value));
  if (wrong !== undefined) throw new Error(`the bench's summary.json has no number "${wrong[0]}"`);
  return summary;
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

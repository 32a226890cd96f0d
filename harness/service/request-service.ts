import type { ReadState } from '../../implementations/contract.js';
import type { ForcedGcPlan, GcReport } from '../measure/thread-gc.js';
import type { ServiceCounters } from '../results/schema.js';
import type { RequestLog } from '../workload/request-log.js';

/**
 * What the harness needs of a service: the plain one (harness/service/read-state-service.ts, a cache
 * and a store on this thread) or a partitioned one (worker threads, each with its own heap).
 * Calls come in this order: warm, start, handle..., finishMeasuring, flush, contents, close.
 */
export interface RequestService {
  /** Creates the caches and fills them with clean states; returns what they hold. */
  warm(states: Iterable<ReadState>): Promise<Footprint>;
  /**
   * Starts the write-back timers and GC observation. `originMs` is performance.now() at the
   * start of measuring, on this thread; `forcedGc` plans the forced GCs, if any.
   */
  start(originMs: number, forcedGc: Omit<ForcedGcPlan, 'offsetMs'> | undefined): void;
  /**
   * Handles request `i` of `log` at scenario time `now` (ms). Returns undefined when it was
   * answered synchronously, or a promise when it had to wait (for the store, or a worker).
   * `now` may be floored to whole ms; the driver passes whole ms, a small integer, because a
   * fractional one would be allocated as a heap number on every call that V8 does not inline.
   */
  handle(log: RequestLog, i: number, now: number): Promise<void> | undefined;
  /**
   * The in-process driver's path, where a miss must allocate nothing: handles request `i` as
   * handle() does and returns how many of its operations wait for the store (0: answered at
   * once). Each of them, once applied, calls the sink of setAnswerSink with `i` (so a request
   * is answered when as many calls have come as submit returned), or its `failed` with why it
   * could not be applied. No promise, closure or object is made per request or per miss.
   * Optional: the driver falls back on handle() where it is absent.
   */
  submit?(log: RequestLog, i: number, now: number): number;
  /** Where submit()'s waiting operations report; set once, before the first submit(). */
  setAnswerSink?(sink: RequestAnswerSink): void;
  /**
   * Sends the store what submit() queued and applies every store answer that has arrived, now,
   * on this thread, reporting to the answer sink: the driver calls it between requests, so a
   * miss is answered without a promise, a message or an event-loop turn. While `keepPolling`
   * the store leaves answers for the next call; poll(false) before leaving this thread idle, and
   * answers wake it as messages again. Optional: where absent (a partitioned service, whose
   * answers come from its workers) the driver lets the event loop run often while misses wait.
   */
  pollStore?(keepPolling: boolean): void;
  /**
   * True when handle() returns a promise only for a request that waits for the store, so that
   * the driver can label every answer a hit (synchronous) or a miss (a promise). Absent where a
   * promise means something else too (the partitioned service always answers through a worker).
   */
  readonly asyncMeansMiss?: boolean;
  /** Stops forced GCs, times one full GC of every heap, and reports each heap's GCs. */
  finishMeasuring(): Promise<{ gc: GcReport[]; fullGcPauseMs: number }>;
  /** Writes back every dirty state and waits until the stores have applied every write. */
  flush(): Promise<void>;
  /** The caches' states and the stores' states, for the end-of-run check. */
  contents(): Promise<{ cache: ReadState[]; store: ReadState[] }>;
  counters(): ServiceCounters;
  /** Native bytes the caches hold now (for the per-window samples); 0 where unknown. */
  cacheOffHeapBytes(): number;
  /**
   * V8 heaps of this service's other threads (partition workers), now, for the per-window
   * samples: their heap is the service's too. Absent where every state is on the main thread.
   */
  otherHeapsBytes?(): { usedBytes: number; totalBytes: number };
  close(): Promise<void>;
  /**
   * Lines a service that keeps its states outside this process reports of itself after
   * measuring (configuration, memory, snapshot forks), for the results; absent elsewhere.
   */
  describe?(): Promise<readonly string[]>;
  /**
   * Rejects when the service can no longer answer (its store or a worker died), so that a run
   * fails at once instead of waiting for answers that will never come. Never resolves.
   */
  readonly failed: Promise<never>;
}

/** Told of each operation submit() left waiting, once it is applied (or has failed). */
export interface RequestAnswerSink {
  answered(i: number): void;
  failed(error: Error): void;
}

/** What the warmed caches hold, measured on the heaps they live on, after forced GCs. */
export interface Footprint {
  readonly cachedStates: number;
  readonly heapBytes: number;
  readonly arrayBufferBytes: number;
  /** Native memory the caches report themselves. */
  readonly offHeapBytes: number;
}

export function addFootprints(parts: readonly Footprint[]): Footprint {
  return {
    cachedStates: parts.reduce((n, p) => n + p.cachedStates, 0),
    heapBytes: parts.reduce((n, p) => n + p.heapBytes, 0),
    arrayBufferBytes: parts.reduce((n, p) => n + p.arrayBufferBytes, 0),
    offHeapBytes: parts.reduce((n, p) => n + p.offHeapBytes, 0),
  };
}

export function addCounters(parts: readonly ServiceCounters[]): ServiceCounters {
  const sum = (pick: (c: ServiceCounters) => number): number => parts.reduce((n, c) => n + pick(c), 0);
  return {
    hits: sum((c) => c.hits),
    misses: sum((c) => c.misses),
    evictions: sum((c) => c.evictions),
    writeBacks: sum((c) => c.writeBacks),
    persisted: sum((c) => c.persisted ?? 0),
    cacheSize: sum((c) => c.cacheSize),
  };
}

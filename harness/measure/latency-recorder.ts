import { REQUEST_TYPES, type RequestType } from '../results/scenario-schema.js';
import type { EncodedLatencies } from '../results/schema.js';
import { COUNTS_LENGTH, encodeCounts, slotOf, valueAt } from './hdr-counts.js';

/** How a request was answered: from the cache, or after waiting for the store. */
export const OUTCOMES = ['hit', 'miss'] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** Indexes of OUTCOMES, for `recordRequest`. */
export const HIT = 0;
export const MISS = 1;
/** For `recordRequest` from a service that cannot tell (the partitioned one): no outcome recorded. */
export const NO_OUTCOME = -1;

/** A finished window's counts, trimmed to the slots between its first and last non-zero one. */
interface FinishedWindow {
  readonly from: number;
  readonly counts: Uint32Array;
}

/**
 * Records each request's latency by request type, by outcome (hit or miss, when the caller
 * knows it) and in the window of wall time it completed in (for the over-time charts); the
 * overall histogram is the sum of the per-type ones. Every histogram is a preallocated
 * Uint32Array of HDR counts (about 124 KiB, off the JS heap), so recording is one index
 * computation and two or three increments: no allocation, no call into WebAssembly (which
 * cost about 18 ns a record, three records a request). A window's counts are trimmed and
 * copied once, when the next window starts.
 */
export class LatencyRecorder {
  /** Counts per request type, REQUEST_TYPES order, COUNTS_LENGTH slots each. */
  readonly #byType = new Uint32Array(REQUEST_TYPES.length * COUNTS_LENGTH);
  /** Counts per outcome, OUTCOMES order. */
  readonly #byOutcome = new Uint32Array(OUTCOMES.length * COUNTS_LENGTH);
  /** Counts of the current window, `#window`. */
  readonly #windowCounts = new Uint32Array(COUNTS_LENGTH);
  #window = 0;
  /** Windows before `#window`; undefined where no request completed. */
  readonly #finished: Array<FinishedWindow | undefined> = [];
  #count = 0;
  #outcomes = 0;
  /** performance.now() at which window 0 starts. */
  readonly startMs: number;
  readonly windowMs: number;

  constructor(startMs: number, windowMs: number) {
    this.startMs = startMs;
    this.windowMs = windowMs;
    this.#prime();
  }

  /**
   * `type` indexes REQUEST_TYPES; `completedAtMs` is a performance.now() reading. For callers
   * that do not know the request's outcome (the HTTP load generators, micro's harness task).
   */
  record(type: number, latencyMs: number, completedAtMs: number): void {
    const index = slotOf(Math.round(latencyMs * 1e6));
    this.#byType[type * COUNTS_LENGTH + index]!++;
    this.#countInWindow(this.windowOf(completedAtMs), index);
    this.#count++;
  }

  /**
   * The open-loop driver's call: every argument a small integer, so that nothing is boxed on
   * the way in. `type` indexes REQUEST_TYPES, `outcome` OUTCOMES (HIT or MISS, or NO_OUTCOME);
   * `latencyNs` is whole nanoseconds; `window` is `windowOf(completedAtMs)`, or the same
   * computed inline (a negative one counts in window 0).
   */
  recordRequest(type: number, outcome: number, latencyNs: number, window: number): void {
    const index = slotOf(latencyNs);
    this.#byType[type * COUNTS_LENGTH + index]!++;
    if (outcome >= 0) {
      this.#byOutcome[outcome * COUNTS_LENGTH + index]!++;
      this.#outcomes++;
    }
    this.#countInWindow(window > 0 ? window : 0, index);
    this.#count++;
  }

  /** The window a performance.now() reading falls in (the first one for earlier readings). */
  windowOf(atMs: number): number {
    const window = Math.floor((atMs - this.startMs) / this.windowMs);
    return window > 0 ? window : 0;
  }

  get count(): number {
    return this.#count;
  }

  /**
   * A quantile (0.99 for p99) of the last finished window that saw a request, in ms; NaN before
   * one finished. For live progress: it reads only that window's trimmed counts, never the
   * full-range arrays, so the measured thread spends microseconds on it.
   */
  lastWindowQuantileMs(quantile: number): number {
    for (let w = this.#window - 1; w >= 0; w--) {
      const finished = this.#finished[w];
      if (finished === undefined) continue;
      let total = 0;
      for (let i = 0; i < finished.counts.length; i++) total += finished.counts[i]!;
      const rank = Math.max(1, Math.ceil(quantile * total));
      let seen = 0;
      for (let i = 0; i < finished.counts.length; i++) {
        seen += finished.counts[i]!;
        if (seen >= rank) return valueAt(finished.from + i) / 1e6;
      }
    }
    return Number.NaN;
  }

  encode(): EncodedLatencies {
    const overall = new Uint32Array(COUNTS_LENGTH);
    for (let type = 0; type < REQUEST_TYPES.length; type++) {
      const counts = this.#byType.subarray(type * COUNTS_LENGTH, (type + 1) * COUNTS_LENGTH);
      for (let i = 0; i < COUNTS_LENGTH; i++) overall[i]! += counts[i]!;
    }
    const windows: string[] = [];
    if (this.#count > 0) {
      for (let w = 0; w < this.#window; w++) {
        const finished = this.#finished[w];
        windows.push(finished === undefined ? encodeCounts(new Uint32Array(0), 0) : encodeCounts(finished.counts, finished.from));
      }
      windows.push(encodeCounts(this.#windowCounts, 0));
    }
    return {
      unit: 'ns',
      overall: encodeCounts(overall, 0),
      byType: {
        message: this.#encodedType('message'),
        ack: this.#encodedType('ack'),
        open: this.#encodedType('open'),
        reconnect: this.#encodedType('reconnect'),
      } satisfies Record<RequestType, string>,
      windows,
      windowMs: this.windowMs,
      ...(this.#outcomes === 0
        ? {}
        : {
            byOutcome: { hit: this.#encodedOutcome('hit'), miss: this.#encodedOutcome('miss') } satisfies Record<Outcome, string>,
          }),
    };
  }

  /** Nothing to release (the counts are plain typed arrays); kept for callers that still call it. */
  destroy(): void {}

  /** One request type's counts, encoded. */
  #encodedType(type: RequestType): string {
    const i = REQUEST_TYPES.indexOf(type);
    return encodeCounts(this.#byType.subarray(i * COUNTS_LENGTH, (i + 1) * COUNTS_LENGTH), 0);
  }

  /** One outcome's counts, encoded. */
  #encodedOutcome(outcome: Outcome): string {
    const i = OUTCOMES.indexOf(outcome);
    return encodeCounts(this.#byOutcome.subarray(i * COUNTS_LENGTH, (i + 1) * COUNTS_LENGTH), 0);
  }

  #countInWindow(window: number, index: number): void {
    if (window === this.#window) this.#windowCounts[index]!++;
    else this.#countInOtherWindow(window, index);
  }

  /** A request that completed in a later window (the first of a new second) or an earlier one. */
  #countInOtherWindow(window: number, index: number): void {
    if (window > this.#window) {
      this.#finishWindow(window);
      this.#windowCounts[index]!++;
      return;
    }
    // A request completing in a window already finished: out of order, so rare.
    const finished = this.#finished[window];
    if (finished !== undefined && index >= finished.from && index < finished.from + finished.counts.length) {
      finished.counts[index - finished.from]!++;
      return;
    }
    const from = finished === undefined ? index : Math.min(index, finished.from);
    const to = finished === undefined ? index + 1 : Math.max(index + 1, finished.from + finished.counts.length);
    const counts = new Uint32Array(to - from);
    if (finished !== undefined) counts.set(finished.counts, finished.from - from);
    counts[index - from]!++;
    this.#finished[window] = { from, counts };
  }

  /**
   * Records into a new window and into a finished one, then forgets it all. V8 deoptimizes
   * optimized code that reaches a path it has never seen run; recording runs inside the
   * driver's optimized loop, and a deoptimized loop runs in the interpreter, where every float
   * is a new heap number, until V8 optimizes it again. Running the window paths once here, before
   * anything is measured, keeps the first new window (at 1 s) from doing that.
   */
  #prime(): void {
    this.recordRequest(0, HIT, 1, 0);
    this.recordRequest(0, NO_OUTCOME, 1, 1); // a new window, after a non-empty one
    this.recordRequest(0, HIT, 1, 0); // a finished window, in its range
    this.recordRequest(0, MISS, 1e6, 0); // a finished window, out of its range
    this.recordRequest(0, HIT, 1, 3); // a new window, after an empty one
    this.#byType.fill(0);
    this.#byOutcome.fill(0);
    this.#windowCounts.fill(0);
    this.#finished.length = 0;
    this.#window = 0;
    this.#count = 0;
    this.#outcomes = 0;
  }

  /** Keeps the current window's non-zero range, clears it, and moves on to `next`. */
  #finishWindow(next: number): void {
    const counts = this.#windowCounts;
    let from = 0;
    while (from < COUNTS_LENGTH && counts[from] === 0) from++;
    let to = COUNTS_LENGTH;
    while (to > from && counts[to - 1] === 0) to--;
    this.#finished[this.#window] = from === to ? undefined : { from, counts: counts.slice(from, to) };
    counts.fill(0, from, to);
    while (this.#finished.length < next) this.#finished.push(undefined);
    this.#window = next;
  }
}

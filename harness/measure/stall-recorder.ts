import { performance } from 'node:perf_hooks';
import type { StallRecording } from '../results/schema.js';
import { STALL_THRESHOLD_MS, STALL_TICK_MS, STALLS_KEPT } from '../tuning.js';
import { HdrCounts } from './hdr-counts.js';

/**
 * A jHiccup-style meter on the measured thread: a timer that expects to fire every
 * STALL_TICK_MS and records how late each tick comes. A tick can only be late when the thread
 * could not run JavaScript: a GC pause, a long synchronous call, the machine taking the CPU
 * away. Unlike perf_hooks' GC entries it needs nothing from the runtime, so Bun and Deno runs,
 * whose runtimes report no GC, still show when the process stopped and for how long.
 *
 * It runs on the thread it measures, not in a worker: a worker has a heap of its own that the
 * measured thread's GC does not stop. Each tick is a clock read, a histogram record and a
 * comparison; it allocates when it lists a stall or closes a window. (2,000 ticks beside an
 * event loop turning on its own: no heap growth beyond the loop's own 2.3-2.5 MB, measured.)
 */
export class StallRecorder {
  readonly #originMs: number;
  readonly #windowMs: number;
  /** Counted into a typed array: hdr-histogram-js on the measured heap would lengthen every forced GC. */
  readonly #lateness = new HdrCounts();
  readonly #windowMaxMs: number[] = [];
  readonly #stalls: Array<{ startMs: number; durationMs: number }> = [];
  #dropped = 0;
  #lastTickMs: number;
  #windowIndex = 0;
  #windowMax = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** `originMs`: performance.now() when measuring started, the zero of every time recorded. */
  constructor(originMs: number, windowMs: number) {
    this.#originMs = originMs;
    this.#windowMs = windowMs;
    this.#lastTickMs = performance.now();
    this.#timer = setInterval(() => this.#tick(), STALL_TICK_MS);
  }

  #tick(): void {
    const now = performance.now();
    const dueMs = this.#lastTickMs + STALL_TICK_MS;
    const lateMs = Math.max(0, now - dueMs);
    this.#lastTickMs = now;
    this.#lateness.recordNs(Math.round(lateMs * 1e6));
    // The stall belongs to the window in which the tick was due: that is when the thread stopped.
    const window = Math.floor(Math.max(0, dueMs - this.#originMs) / this.#windowMs);
    while (this.#windowIndex < window) {
      this.#windowMaxMs.push(this.#windowMax);
      this.#windowMax = 0;
      this.#windowIndex++;
    }
    if (lateMs > this.#windowMax) this.#windowMax = lateMs;
    if (lateMs >= STALL_THRESHOLD_MS) {
      if (this.#stalls.length < STALLS_KEPT) this.#stalls.push({ startMs: dueMs - this.#originMs, durationMs: lateMs });
      else this.#dropped++;
    }
  }

  /** Stops the timer; what it recorded, with the last tick's lateness checked first. */
  stop(): StallRecording {
    if (this.#timer !== undefined) {
      this.#tick();
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.#windowMaxMs.push(this.#windowMax);
    }
    const lateness = this.#lateness.encode();
    return {
      tickMs: STALL_TICK_MS,
      thresholdMs: STALL_THRESHOLD_MS,
      lateness,
      windowMs: this.#windowMs,
      windowMaxMs: [...this.#windowMaxMs],
      stalls: [...this.#stalls],
      ...(this.#dropped > 0 ? { droppedStalls: this.#dropped } : {}),
    };
  }
}

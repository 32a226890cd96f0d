import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ForcedGcMode } from './scenario.js';

/**
 * Makes `gc()` callable in a process started without --expose-gc (a user's own `serve`): the
 * flag can still be set at run time, and a new context then gets the function.
 */
export function ensureGc(): void {
  if (typeof globalThis.gc === 'function') return;
  setFlagsFromString('--expose-gc');
  globalThis.gc = runInNewContext('gc') as typeof globalThis.gc;
}

export interface ForcedGc {
  /** Milliseconds since measuring started. */
  readonly startMs: number;
  /** How long the lab's own call took (sync), or the time until V8 finished the GC it started. */
  readonly durationMs: number;
  readonly mode: ForcedGcMode;
}

/** Size of one burst of garbage in `concurrent` mode: a large-object-space array of pointers. */
const PRESSURE_ARRAY_LENGTH = 1 << 19; // 4 MiB each
/** Bursts per event-loop turn: enough to outrun the heap limit in a few hundred ms. */
const PRESSURE_BURSTS_PER_TURN = 4;
/** Give up on V8 starting a major GC after this many wall milliseconds. */
const PRESSURE_TIMEOUT_MS = 10_000;

/**
 * The "2-minute GC": a forced major GC every `intervalMs` of wall time.
 *
 * - `sync`: `gc()`, a full stop-the-world mark-compact, like the worst case of a forced GC.
 * - `concurrent`: V8 has no call that starts its concurrent marking (`gc({ execution: 'async' })`
 *   only runs the same atomic GC later, see ../shared/FINDINGS.md). So the lab makes V8 start
 *   one itself: it allocates short-lived large arrays, a few per event-loop turn, until V8's own
 *   heuristics begin a major GC, which uses incremental marking with concurrent marker threads.
 *   The requests keep running meanwhile. The cost measured includes the allocation burst.
 */
export class ForcedGcScheduler {
  readonly forced: ForcedGc[] = [];
  #timer: NodeJS.Timeout;
  readonly #mode: ForcedGcMode;
  readonly #clock: () => number;
  #pressureStart: number | undefined;

  /**
   * Forces the first GC `offsetMs` after now, then one every `intervalMs`. Partitions use
   * different offsets so that their GCs are staggered rather than simultaneous.
   */
  constructor(intervalMs: number, mode: ForcedGcMode, clock: () => number, offsetMs = intervalMs) {
    if (typeof globalThis.gc !== 'function') throw new Error('forced GC needs node --expose-gc');
    this.#mode = mode;
    this.#clock = clock;
    this.#timer = setTimeout(() => {
      this.#force();
      this.#timer = setInterval(() => this.#force(), intervalMs);
    }, offsetMs);
  }

  /** Tells the scheduler V8 ran a major GC, ending a `concurrent` burst. */
  noteMajorGc(): void {
    if (this.#pressureStart === undefined) return;
    const startMs = this.#pressureStart;
    this.#pressureStart = undefined;
    this.forced.push({ startMs, durationMs: this.#clock() - startMs, mode: 'concurrent' });
  }

  stop(): void {
    clearTimeout(this.#timer);
    clearInterval(this.#timer);
    this.#pressureStart = undefined;
  }

  #force(): void {
    const startMs = this.#clock();
    if (this.#mode === 'sync') {
      globalThis.gc!();
      this.forced.push({ startMs, durationMs: this.#clock() - startMs, mode: 'sync' });
      return;
    }
    if (this.#pressureStart !== undefined) return;
    this.#pressureStart = startMs;
    const burst = (): void => {
      if (this.#pressureStart !== startMs) return;
      if (this.#clock() - startMs > PRESSURE_TIMEOUT_MS) {
        this.#pressureStart = undefined;
        return;
      }
      for (let i = 0; i < PRESSURE_BURSTS_PER_TURN; i++) new Array(PRESSURE_ARRAY_LENGTH).fill(i);
      setImmediate(burst);
    };
    burst();
  }
}

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ForcedGcMode } from '../results/scenario-schema.js';
import type { ForcedGc } from '../results/schema.js';
import { PRESSURE_ARRAY_LENGTH, PRESSURE_STEP_MS, PRESSURE_TIMEOUT_MS } from '../tuning.js';
import { runtimeGlobal } from './runtime-identity.js';

/**
 * Makes `gc()` callable in a process started without --expose-gc (a user's own `serve`): the
 * flag can still be set at run time, and a new context then gets the function.
 */
export function ensureGc(): void {
  if (typeof globalThis.gc === 'function') return;
  setFlagsFromString('--expose-gc');
  // With --expose-gc set, a new context's `gc` is V8's gc function; vm types what it returns as any.
  globalThis.gc = runInNewContext('gc') as typeof globalThis.gc;
}

/**
 * A full, stop-the-world collection on whatever runtime this is: `gc()` on Node (--expose-gc)
 * and Deno (--v8-flags=--expose-gc), `Bun.gc(true)` on Bun (its synchronous full collection,
 * JavaScriptCore's). Throws when the runtime offers neither.
 */
export function collectFully(): void {
  const bun = runtimeGlobal('Bun');
  if (bun !== undefined && 'gc' in bun && typeof bun.gc === 'function') {
    bun.gc(true);
    return;
  }
  if (typeof globalThis.gc !== 'function') throw new Error('a forced GC needs --expose-gc (Node, Bun) or --v8-flags=--expose-gc (Deno)');
  globalThis.gc();
}

/**
 * How long a full GC of this thread takes now, in ms: the pause a forced GC of what the heap
 * holds costs, the median of `samples` back-to-back collections (one is at the mercy of a single
 * scheduler hiccup on a shared machine; micro reports a median too). 0 where no GC can be forced
 * (the process lacks --expose-gc).
 */
export function timeFullGc(samples = 1): number {
  if (typeof globalThis.gc !== 'function' && runtimeGlobal('Bun') === undefined) return 0;
  const pauses: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    collectFully();
    pauses.push(performance.now() - start);
  }
  return pauses.sort((a, b) => a - b)[samples >> 1]!;
}

/**
 * The "2-minute GC": a forced major GC every `intervalMs` of wall time.
 *
 * - `sync`: `gc()`, a full stop-the-world mark-compact, like the worst case of a forced GC.
 * - `concurrent`: V8 has no call that starts its concurrent marking (`gc({ execution: 'async' })`
 *   only runs the same atomic GC later, measured here). So the lab makes V8 start
 *   one itself: it allocates a large array every few milliseconds and keeps them all alive, so
 *   that they survive scavenges into the old generation, until V8's own heuristics begin a major
 *   GC, with incremental marking and concurrent marker threads; then it lets them go. (Arrays
 *   dropped at once would die young in a scavenge and never push V8 to a major GC.) Requests
 *   keep being served meanwhile; the cost measured includes the allocation burst.
 */
export class ForcedGcScheduler {
  readonly forced: ForcedGc[] = [];
  #timer: NodeJS.Timeout;
  readonly #mode: ForcedGcMode;
  readonly #clock: () => number;
  #pressureStart: number | undefined;
  /** The burst's arrays, alive until V8's major GC: what pushes the old generation up. */
  #retained: unknown[] = [];

  /**
   * Forces the first GC `offsetMs` after now, then one every `intervalMs`. Partitions use
   * different offsets so that their GCs are staggered rather than simultaneous.
   */
  constructor(intervalMs: number, mode: ForcedGcMode, clock: () => number, offsetMs = intervalMs) {
    if (typeof globalThis.gc !== 'function' && !('Bun' in globalThis)) throw new Error('forced GC needs --expose-gc (Deno: --v8-flags=--expose-gc)');
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
    this.#endBurst(false);
  }

  stop(): void {
    clearTimeout(this.#timer);
    clearInterval(this.#timer);
    this.#pressureStart = undefined;
    this.#retained = [];
  }

  #endBurst(timedOut: boolean): void {
    const startMs = this.#pressureStart!;
    this.#pressureStart = undefined;
    this.#retained = [];
    this.forced.push({ startMs, durationMs: this.#clock() - startMs, mode: 'concurrent', ...(timedOut ? { timedOut } : {}) });
  }

  #force(): void {
    const startMs = this.#clock();
    if (this.#mode === 'sync') {
      collectFully();
      this.forced.push({ startMs, durationMs: this.#clock() - startMs, mode: 'sync' });
      return;
    }
    if (this.#pressureStart !== undefined) return;
    this.#pressureStart = startMs;
    const step = (): void => {
      if (this.#pressureStart !== startMs) return;
      if (this.#clock() - startMs > PRESSURE_TIMEOUT_MS) return this.#endBurst(true);
      this.#retained.push(new Array(PRESSURE_ARRAY_LENGTH).fill(this.#retained.length));
      setTimeout(step, PRESSURE_STEP_MS);
    };
    step();
  }
}

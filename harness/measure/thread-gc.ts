import type { ForcedGcMode } from '../results/scenario-schema.js';
import type { ForcedGc, GcEvent } from '../results/schema.js';
import { ForcedGcScheduler } from './forced-gc.js';
import { GcObserver } from './gc-observer.js';

export interface ForcedGcPlan {
  readonly intervalMs: number;
  readonly mode: ForcedGcMode;
  /** Wall ms after the start at which this thread's first forced GC falls. */
  readonly offsetMs: number;
}

/** What one thread's heap went through while measuring. */
export interface GcReport {
  readonly thread: string;
  readonly events: readonly GcEvent[];
  readonly forced: readonly ForcedGc[];
}

/**
 * GC observation for one thread (one V8 heap): every pause it reports, and, when planned, the
 * forced GCs of the "2-minute GC" schedule. A service runs one per heap it owns.
 */
export class ThreadGc {
  readonly #observer: GcObserver;
  readonly #forced: ForcedGcScheduler | undefined;
  readonly #thread: string;

  /** `originMs` is this thread's performance.now() at the shared start of measuring. */
  constructor(thread: string, originMs: number, plan: ForcedGcPlan | undefined) {
    this.#thread = thread;
    this.#observer = new GcObserver(originMs, thread);
    const clock = (): number => performance.now() - originMs;
    this.#forced = plan === undefined ? undefined : new ForcedGcScheduler(plan.intervalMs, plan.mode, clock, plan.offsetMs);
    this.#observer.onEvent = (event) => {
      // A concurrent-mode burst ends when V8 runs the major GC the burst provoked.
      if (event.kind === 'major' && !event.forced) this.#forced?.noteMajorGc();
    };
  }

  /** Stops forcing GCs. Observation goes on until `report`, so the final full GC is seen too. */
  stopForcing(): void {
    this.#forced?.stop();
  }

  /** What happened so far, while observation goes on. */
  snapshot(): GcReport {
    return { thread: this.#thread, events: [...this.#observer.events], forced: [...(this.#forced?.forced ?? [])] };
  }

  report(): GcReport {
    this.stopForcing();
    this.#observer.stop();
    return { thread: this.#thread, events: this.#observer.events, forced: this.#forced?.forced ?? [] };
  }
}

import { loadavg } from 'node:os';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { HostLoad } from '../results/schema.js';

/** How often the 1-minute load average is read: it moves slowly, and a read is one small file. */
const LOAD_SAMPLE_MS = 5_000;

/**
 * The idle timer's period. monitorEventLoopDelay records the whole time between two timer
 * callbacks, period included (an idle loop reads about 10.1 ms), so lateness is that less this.
 */
const RESOLUTION_MS = 10;

/**
 * Watches the machine from the lab's parent process while the rows run in their children. While
 * a child measures, the parent does nothing but wait, so how late its timers fire then is what
 * the machine alone imposes on a thread that wants to run (the noise floor); the caller marks
 * those spans with `measuring()`, so the parent's own work between rows (spawning, aggregating)
 * is not counted. The load average, sampled throughout, says whether other processes competed
 * for the cores. Neither costs the measured child anything.
 */
export class HostLoadMonitor {
  readonly #delay: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  readonly #timer: NodeJS.Timeout;
  #loadAverageMax = loadavg()[0] ?? Number.NaN;

  constructor() {
    this.#timer = setInterval(() => this.#sampleLoad(), LOAD_SAMPLE_MS);
    this.#timer.unref();
  }

  /** A child started (true) or stopped (false) measuring: the noise floor counts only those spans. */
  measuring(on: boolean): void {
    if (on) this.#delay.enable();
    else this.#delay.disable();
  }

  /** Stops watching; returns what was seen. */
  stop(): HostLoad {
    clearInterval(this.#timer);
    this.#delay.disable();
    return this.snapshot();
  }

  /** What was seen so far (a sweep records it with each capacity's results). */
  snapshot(): HostLoad {
    this.#sampleLoad();
    const seen = this.#delay.count > 0;
    return {
      loadAverageMax: this.#loadAverageMax,
      idleLoopDelayP99Ms: seen ? lateness(this.#delay.percentile(99)) : Number.NaN,
      idleLoopDelayMaxMs: seen ? lateness(this.#delay.max) : Number.NaN,
    };
  }

  #sampleLoad(): void {
    const now = loadavg()[0];
    if (now !== undefined && !(now <= this.#loadAverageMax)) this.#loadAverageMax = now;
  }
}

/** ms a timer fired late, from the interval the histogram recorded in ns. */
function lateness(intervalNs: number): number {
  return Math.max(0, intervalNs / 1e6 - RESOLUTION_MS);
}

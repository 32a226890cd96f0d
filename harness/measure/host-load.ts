import { loadavg } from 'node:os';
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';
import type { HostLoad, MachineFloor } from '../results/schema.js';
import { measureMachineFloor } from './machine-floor.js';

/** How often the 1-minute load average is read: it moves slowly, and a read is one small file. */
const LOAD_SAMPLE_MS = 5_000;

/** The idle timer's period: how often the parent asks to run while a child measures. */
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
  /**
   * How late each idle tick fired, in ns. A timer of its own rather than monitorEventLoopDelay:
   * that one, disabled between rows and enabled again, records the whole gap as one interval
   * (tens of seconds), and it counts the period itself in every interval.
   */
  readonly #lateness: RecordableHistogram = createHistogram();
  #idleTimer: NodeJS.Timeout | undefined;
  #lastTickMs = 0;
  readonly #timer: NodeJS.Timeout;
  #loadAverageMax = loadavg()[0] ?? Number.NaN;
  #floor: MachineFloor | undefined;

  constructor() {
    this.#timer = setInterval(() => this.#sampleLoad(), LOAD_SAMPLE_MS);
    this.#timer.unref();
  }

  /** A child started (true) or stopped (false) measuring: the noise floor counts only those spans. */
  measuring(on: boolean): void {
    if (on && this.#idleTimer === undefined) {
      this.#lastTickMs = performance.now();
      this.#idleTimer = setInterval(() => this.#tick(), RESOLUTION_MS);
      this.#idleTimer.unref();
    } else if (!on && this.#idleTimer !== undefined) {
      clearInterval(this.#idleTimer);
      this.#idleTimer = undefined;
    }
  }

  /**
   * Spins for `probeMs` (a second unless the user shortened it: floorProbeMs) to measure the
   * machine's latency floor (measure/machine-floor.ts). Call it before the first row starts: it
   * takes a core, and the result describes the whole run.
   */
  probeFloor(probeMs: number): void {
    this.#floor = measureMachineFloor(probeMs);
  }

  /** Stops watching; returns what was seen. */
  stop(): HostLoad {
    clearInterval(this.#timer);
    this.measuring(false);
    return this.snapshot();
  }

  /** What was seen so far (a sweep records it with each capacity's results). */
  snapshot(): HostLoad {
    this.#sampleLoad();
    const seen = this.#lateness.count > 0;
    return {
      loadAverageMax: this.#loadAverageMax,
      idleLoopDelayP99Ms: seen ? this.#lateness.percentile(99) / 1e6 : Number.NaN,
      idleLoopDelayMaxMs: seen ? this.#lateness.max / 1e6 : Number.NaN,
      ...(this.#floor === undefined ? {} : { floor: this.#floor }),
    };
  }

  #tick(): void {
    const now = performance.now();
    const lateMs = now - this.#lastTickMs - RESOLUTION_MS;
    this.#lastTickMs = now;
    // A histogram records whole numbers from 1: an early or punctual tick is 1 ns late.
    this.#lateness.record(Math.max(1, Math.round(lateMs * 1e6)));
  }

  #sampleLoad(): void {
    const now = loadavg()[0];
    if (now !== undefined && !(now <= this.#loadAverageMax)) this.#loadAverageMax = now;
  }
}

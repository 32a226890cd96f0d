import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { WindowSample } from '../results/schema.js';
import { isNode, V8WorkerThreads } from './gc-cpu.js';

export interface SampleSources {
  readonly clock: () => number;
  readonly cacheOffHeapBytes: () => number;
  readonly completed: () => number;
  readonly misses: () => number;
  /** Write-backs handed to the store and not yet acknowledged (the pressure on the database). */
  readonly storeWritesPending?: () => number;
  /** Heaps of the service's other threads (partition workers), added to this thread's. */
  readonly otherHeaps?: () => { usedBytes: number; totalBytes: number };
}

/**
 * Samples memory, CPU and event-loop delay once a window. The sampling itself runs on the
 * measured thread, so it is kept to a handful of syscalls a second.
 */
export class WindowSampler {
  readonly samples: WindowSample[] = [];
  readonly #timer: NodeJS.Timeout;
  readonly #delay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  readonly #sources: SampleSources;
  #lastCpu = process.cpuUsage();
  #lastAt: number;
  #lastCompleted = 0;
  #lastMisses = 0;
  /**
   * CPU of V8's worker threads in each window, in ms (gc-cpu.ts), on Node only (NaN where /proc
   * cannot tell): with the window's GC pauses, the collector's CPU (withV8GcCpu).
   */
  readonly v8WorkersCpuMs: number[] = [];
  readonly #v8Workers: V8WorkerThreads | undefined = isNode() ? new V8WorkerThreads('self') : undefined;
  #lastWorkersMs = this.#v8Workers?.cpuMs() ?? Number.NaN;

  constructor(windowMs: number, sources: SampleSources) {
    this.#sources = sources;
    this.#lastAt = sources.clock();
    this.#delay.enable();
    this.#timer = setInterval(() => this.sample(), windowMs);
  }

  sample(): void {
    const at = this.#sources.clock();
    const cpu = process.cpuUsage(this.#lastCpu);
    const memory = process.memoryUsage();
    const other = this.#sources.otherHeaps?.() ?? { usedBytes: 0, totalBytes: 0 };
    const completed = this.#sources.completed();
    const misses = this.#sources.misses();
    const elapsedMs = Math.max(at - this.#lastAt, 1e-3);
    this.samples.push({
      atMs: at,
      heapUsedBytes: memory.heapUsed + other.usedBytes,
      heapTotalBytes: memory.heapTotal + other.totalBytes,
      rssBytes: memory.rss,
      externalBytes: memory.external,
      cacheOffHeapBytes: this.#sources.cacheOffHeapBytes(),
      cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
      eventLoopDelayMaxMs: this.#delay.count > 0 ? this.#delay.max / 1e6 : 0,
      eventLoopDelayP99Ms: this.#delay.count > 0 ? this.#delay.percentile(99) / 1e6 : 0,
      completed: completed - this.#lastCompleted,
      misses: misses - this.#lastMisses,
      ...(this.#sources.storeWritesPending === undefined ? {} : { storeWritesPending: this.#sources.storeWritesPending() }),
    });
    if (this.#v8Workers !== undefined) {
      const workersMs = this.#v8Workers.cpuMs();
      this.v8WorkersCpuMs.push(workersMs - this.#lastWorkersMs);
      this.#lastWorkersMs = workersMs;
    }
    this.#delay.reset();
    this.#lastCpu = process.cpuUsage();
    this.#lastAt = at;
    this.#lastCompleted = completed;
    this.#lastMisses = misses;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#delay.disable();
  }
}

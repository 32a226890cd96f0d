import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { cpuTicks, V8WorkerThreads } from './gc-cpu.js';

/** CPU and memory of another process over one window, read from outside it. */
export interface ProcessSample {
  /** performance.now() at the end of the window. */
  readonly atMs: number;
  /** CPU time of the whole process (every thread) over the window, as a share of one core. */
  readonly cpuPercent: number;
  readonly rssBytes: number;
  /**
   * CPU of the process's V8 worker threads over the window, in ms (gc-cpu.ts): the collector's
   * share beside the pauses. Only for a Node process, when asked for; NaN where /proc cannot tell.
   */
  readonly v8WorkersCpuMs?: number;
}

/** Linux's clock ticks per second for /proc CPU times (getconf CLK_TCK; 100 on every Linux we run on). */
const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

/**
 * Samples a process's CPU time and resident memory from /proc once a window, from outside: the
 * same figures for a Node server, a Go binary and a Rust one, whatever each reports about
 * itself. Linux only; elsewhere every sample is NaN.
 */
export class ProcessSampler {
  readonly samples: ProcessSample[] = [];
  readonly #pid: number;
  readonly #timer: NodeJS.Timeout;
  #lastTicks: number;
  #lastMs = performance.now();
  readonly #v8Workers: V8WorkerThreads | undefined;
  #lastWorkersMs = Number.NaN;

  /** `v8Workers`: the process is Node's; sample its V8 worker threads' CPU too. */
  constructor(pid: number, windowMs: number, options: { readonly v8Workers?: boolean } = {}) {
    this.#pid = pid;
    this.#lastTicks = this.#cpuTicks();
    if (options.v8Workers === true) {
      this.#v8Workers = new V8WorkerThreads(pid);
      this.#lastWorkersMs = this.#v8Workers.cpuMs();
    }
    this.#timer = setInterval(() => this.sample(), windowMs);
    this.#timer.unref();
  }

  sample(): void {
    const now = performance.now();
    const ticks = this.#cpuTicks();
    const cpuPercent = ((ticks - this.#lastTicks) / TICKS_PER_SECOND / ((now - this.#lastMs) / 1000)) * 100;
    const workersMs = this.#v8Workers?.cpuMs();
    this.samples.push({
      atMs: now,
      cpuPercent,
      rssBytes: this.#rssBytes(),
      ...(workersMs === undefined ? {} : { v8WorkersCpuMs: workersMs - this.#lastWorkersMs }),
    });
    if (workersMs !== undefined) this.#lastWorkersMs = workersMs;
    this.#lastTicks = ticks;
    this.#lastMs = now;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** utime + stime of every thread, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
  #cpuTicks(): number {
    try {
      return cpuTicks(readFileSync(`/proc/${this.#pid}/stat`, 'utf8'));
    } catch {
      return Number.NaN;
    }
  }

  #rssBytes(): number {
    try {
      return Number(readFileSync(`/proc/${this.#pid}/statm`, 'utf8').split(' ')[1]) * PAGE_BYTES;
    } catch {
      return Number.NaN;
    }
  }
}

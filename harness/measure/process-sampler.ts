import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** CPU and memory of another process over one window, read from outside it. */
export interface ProcessSample {
  /** performance.now() at the end of the window. */
  readonly atMs: number;
  /** CPU time of the whole process (every thread) over the window, as a share of one core. */
  readonly cpuPercent: number;
  readonly rssBytes: number;
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

  constructor(pid: number, windowMs: number) {
    this.#pid = pid;
    this.#lastTicks = this.#cpuTicks();
    this.#timer = setInterval(() => this.sample(), windowMs);
    this.#timer.unref();
  }

  sample(): void {
    const now = performance.now();
    const ticks = this.#cpuTicks();
    const cpuPercent = ((ticks - this.#lastTicks) / TICKS_PER_SECOND / ((now - this.#lastMs) / 1000)) * 100;
    this.samples.push({ atMs: now, cpuPercent, rssBytes: this.#rssBytes() });
    this.#lastTicks = ticks;
    this.#lastMs = now;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** utime + stime of every thread, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
  #cpuTicks(): number {
    try {
      const stat = readFileSync(`/proc/${this.#pid}/stat`, 'utf8');
      // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[11]) + Number(fields[12]);
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

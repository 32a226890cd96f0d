import { readdirSync, readFileSync } from 'node:fs';
import type { GcCycle, GcEvent, WindowSample } from '../results/schema.js';

/** Linux's clock ticks per second for /proc CPU times (getconf CLK_TCK). */
const TICKS_PER_SECOND = 100;
/** Node's V8 platform worker pool when --v8-pool-size is not given. */
const DEFAULT_V8_POOL_SIZE = 4;

/** What WindowSample.gcCpuPercent counts on a Node row (RowMeasurement.gcCpuSource). */
export const V8_GC_CPU_SOURCE =
  "node: CPU of V8's platform worker threads (/proc/PID/task/TID/stat utime+stime: concurrent marking, parallel scavenging and compaction helpers, concurrent sweeping, and any compile job V8 runs there) plus every GC pause perf_hooks reported in the window (the collected thread's own time in GC)";

/** True on Node itself, where V8's worker threads are laid out as V8WorkerThreads expects; false on Bun and Deno. */
export function isNode(): boolean {
  return process.versions.bun === undefined && !('Deno' in globalThis);
}

/**
 * V8's platform worker threads of a Node process, where its collector marks and sweeps beside
 * the program (and helps inside a pause). Node 20 names no thread on Linux (every comm is
 * "node"), so they are found by creation order, which thread ids follow: the main thread (tid ==
 * pid), Node's delayed-task scheduler thread, then the `--v8-pool-size` workers (4 by default;
 * src/node_platform.cc, WorkerThreadsTaskRunner). Where threads are named "V8 ..." (as Chromium
 * names them), the names decide instead. Linux only: elsewhere, and for a process that is gone,
 * cpuMs() is NaN.
 */
export class V8WorkerThreads {
  readonly #pid: number | 'self';
  readonly tids: readonly number[];

  constructor(pid: number | 'self') {
    this.#pid = pid;
    this.tids = findV8Workers(pid);
  }

  /** utime + stime of the workers so far, in ms; NaN when /proc cannot tell. */
  cpuMs(): number {
    if (this.tids.length === 0) return Number.NaN;
    let ticks = 0;
    for (const tid of this.tids) {
      try {
        ticks += cpuTicks(readFileSync(`/proc/${this.#pid}/task/${tid}/stat`, 'utf8'));
      } catch {
        return Number.NaN;
      }
    }
    return (ticks / TICKS_PER_SECOND) * 1000;
  }
}

/** utime + stime (fields 14 and 15) of a /proc stat line, in clock ticks. */
export function cpuTicks(stat: string): number {
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function findV8Workers(pid: number | 'self'): number[] {
  try {
    const tids = readdirSync(`/proc/${pid}/task`)
      .map(Number)
      .sort((a, b) => a - b);
    const named = tids.filter((tid) => readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').startsWith('V8 '));
    if (named.length > 0) return named;
    const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const nodeOptions = environment.find((entry) => entry.startsWith('NODE_OPTIONS='))?.slice('NODE_OPTIONS='.length);
    const poolSize = v8PoolSize(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'), nodeOptions);
    // tids[0] is the main thread, tids[1] the delayed-task scheduler.
    return tids.slice(2, 2 + poolSize);
  } catch {
    return [];
  }
}

/** --v8-pool-size from a command line (or NODE_OPTIONS), else Node's default. */
export function v8PoolSize(argv: readonly string[], nodeOptions: string | undefined): number {
  const words = [...argv, ...(nodeOptions ?? '').split(/\s+/)];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const value = word.startsWith('--v8-pool-size=') ? word.slice('--v8-pool-size='.length) : word === '--v8-pool-size' ? words[i + 1] : undefined;
    const size = Number(value);
    if (value !== undefined && Number.isInteger(size) && size > 0) return size;
  }
  return DEFAULT_V8_POOL_SIZE;
}

/** Milliseconds of the given pauses that fall within (fromMs, toMs]. */
export function pauseMsWithin(events: readonly GcEvent[], fromMs: number, toMs: number): number {
  let total = 0;
  for (const event of events) {
    const overlap = Math.min(toMs, event.startMs + event.durationMs) - Math.max(fromMs, event.startMs);
    if (overlap > 0) total += overlap;
  }
  return total;
}

/**
 * Windows with the collector's CPU (WindowSample.gcCpuPercent) of a V8 process: its worker
 * threads' CPU over each window (`workerCpuMs[i]`, NaN where not read) plus the GC pauses that
 * fell in it, as a share of one core. A window without a worker figure gets no gcCpuPercent.
 */
export function withV8GcCpu(windows: readonly WindowSample[], workerCpuMs: readonly number[], events: readonly GcEvent[]): WindowSample[] {
  let fromMs = 0;
  return windows.map((window, i) => {
    const lengthMs = window.atMs - fromMs;
    const workers = workerCpuMs[i] ?? Number.NaN;
    const pauses = pauseMsWithin(events, fromMs, window.atMs);
    fromMs = window.atMs;
    if (!Number.isFinite(workers) || !(lengthMs > 0)) return window;
    return { ...window, gcCpuPercent: ((workers + pauses) / lengthMs) * 100 };
  });
}

/**
 * Go's GC CPU counters move only at a cycle's mark termination, so the CPU of a forced cycle
 * that marked for 2 s lands in the one window it ended in. For every cycle that knows its own
 * CPU (GcCycle.cpuMs, measured over the runtime.GC() call), this takes that CPU back out of the
 * windows it landed in (the window the call ended in, then earlier ones within the call) and
 * spreads it evenly over the call's span, so that GC CPU over time shows the marking where it
 * ran. The total is unchanged; windows without a GC CPU figure are left alone. Cycles the
 * runtime started itself cannot be spread (their start is not known) and stay where they ended.
 */
export function spreadCycleCpu(windows: readonly WindowSample[], cycles: readonly GcCycle[]): WindowSample[] {
  const bounds = windows.map((window, i) => ({ from: i === 0 ? 0 : windows[i - 1]!.atMs, to: window.atMs }));
  const cpuMs = windows.map((window, i) =>
    typeof window.gcCpuPercent === 'number' && Number.isFinite(window.gcCpuPercent)
      ? (window.gcCpuPercent / 100) * (bounds[i]!.to - bounds[i]!.from)
      : undefined,
  );
  for (const cycle of cycles) {
    const start = cycle.startMs;
    const end = cycle.startMs + cycle.durationMs;
    if (!(typeof cycle.cpuMs === 'number' && cycle.cpuMs > 0 && end > start)) continue;
    let last = bounds.findIndex((b) => b.to >= end);
    if (last < 0) last = bounds.length - 1;
    let taken = 0;
    for (let i = last; i >= 0 && taken < cycle.cpuMs && bounds[i]!.to > start; i--) {
      const available = cpuMs[i];
      if (available === undefined) continue;
      const take = Math.min(available, cycle.cpuMs - taken);
      cpuMs[i] = available - take;
      taken += take;
    }
    // Back over the windows the call spanned, in proportion to the time it spent in each.
    const spans = bounds.map((b, i) => (cpuMs[i] === undefined ? 0 : Math.max(0, Math.min(b.to, end) - Math.max(b.from, start))));
    const spanned = spans.reduce((total, span) => total + span, 0);
    if (spanned === 0) {
      if (taken > 0) cpuMs[last] = (cpuMs[last] ?? 0) + taken;
      continue;
    }
    spans.forEach((span, i) => {
      if (span > 0) cpuMs[i] = cpuMs[i]! + (taken * span) / spanned;
    });
  }
  return windows.map((window, i) => {
    const ms = cpuMs[i];
    const lengthMs = bounds[i]!.to - bounds[i]!.from;
    return ms === undefined || !(lengthMs > 0) ? window : { ...window, gcCpuPercent: (ms / lengthMs) * 100 };
  });
}

import { performance } from 'node:perf_hooks';
import type { WindowSample } from '../results/schema.js';

/** What GET /stats answers (harness/serve/server.ts); outside services may not have it. */
export interface ServerStats {
  readonly counters: { hits: number; misses: number; evictions: number; writeBacks: number; cacheSize: number };
  readonly memory: { heapUsedBytes: number; heapTotalBytes: number; rssBytes: number; externalBytes: number; cacheOffHeapBytes: number };
  /** `cycle`: the Go runtime's number of the collection, as its GODEBUG=gctrace=1 line numbers it. */
  readonly gcEvents: Array<{ startMs: number; durationMs: number; kind: string; forced: boolean; thread: string; cycle?: number }>;
  readonly forcedGcs: Array<{ startMs: number; durationMs: number; mode: string }>;
  readonly uptimeMs: number;
  /** go-lru: its forced collections as whole cycles (references/go-lru/gcwatch.go); absent elsewhere. */
  /** false from a service with no garbage collector (rust-btree); absent from the others. */
  readonly collectsGarbage?: boolean;
  readonly gcCycles?: Array<{ startMs: number; durationMs: number; pauseMs: number | null; cpuMs: number; forced: boolean; thread: string }>;
  /** go-lru: the collector's CPU since the service started, and what it counts; absent elsewhere. */
  readonly gcCpu?: { readonly seconds: number; readonly source: string };
}

/** GET /stats of the service at `url`, or undefined when it does not answer it. */
async function fetchStats(url: string): Promise<ServerStats | undefined> {
  try {
    const response = await fetch(`${url}/stats`, { signal: AbortSignal.timeout(5_000) });
    return response.ok ? ((await response.json()) as ServerStats) : undefined;
  } catch {
    return undefined;
  }
}

/** /stats may also give the server's CPU time so far, as process.cpuUsage() does (µs). */
type StatsWithCpu = ServerStats & { readonly cpu?: { readonly user: number; readonly system: number } };

/**
 * GET /stats, when the service has it and it looks like ours (harness/serve/server.ts): another
 * service may answer that path with something else, which must not fail the run.
 */
async function fetchServerStats(url: string): Promise<StatsWithCpu | undefined> {
  const stats = (await fetchStats(url)) as Partial<StatsWithCpu> | undefined;
  if (stats === undefined || stats === null || typeof stats !== 'object') return undefined;
  const ok =
    typeof stats.uptimeMs === 'number' &&
    typeof stats.counters?.misses === 'number' &&
    typeof stats.memory?.heapUsedBytes === 'number' &&
    Array.isArray(stats.gcEvents) &&
    Array.isArray(stats.forcedGcs);
  return ok ? (stats as StatsWithCpu) : undefined;
}

/**
 * What a load driver learns from the service's own GET /stats, the same for every driver: one
 * window sample per poll (memory, misses, requests completed, CPU where the service reports
 * it), and at the end its GC events shifted onto the load's clock.
 */
export class StatsWindows {
  readonly windows: WindowSample[] = [];
  readonly #url: string;
  readonly #completed: () => number;
  #startMs = 0;
  #serverUptimeAtStart = 0;
  #timer: NodeJS.Timeout | undefined;
  #polling = false;
  #lastCompleted = 0;
  #lastMisses = 0;
  #lastCpu: StatsWithCpu['cpu'];
  #lastUptimeMs: number | undefined;
  #lastGcCpuSeconds: number | undefined;

  /** `completed` counts the requests the driver has had answered so far. */
  constructor(url: string, completed: () => number) {
    this.#url = url;
    this.#completed = completed;
  }

  /** Reads the service's stats before the load; call it just before request 0 is due. */
  async prepare(): Promise<void> {
    const stats = await fetchServerStats(this.#url);
    // The server times its GCs from its own start: this shifts them onto the load's clock.
    this.#serverUptimeAtStart = stats?.uptimeMs ?? 0;
    this.#lastMisses = stats?.counters.misses ?? 0;
    this.#lastCpu = stats?.cpu;
    this.#lastUptimeMs = stats?.uptimeMs;
    this.#lastGcCpuSeconds = stats?.gcCpu?.seconds;
  }

  /** Polls once per window from `startMs` (a performance.now() reading) on. */
  start(startMs: number, windowMs: number): void {
    this.#startMs = startMs;
    this.#timer = setInterval(() => this.#poll(), windowMs);
  }

  /** Stops polling and returns the service's final stats, its times on the load's clock. */
  async finish(): Promise<ServerStats | undefined> {
    clearInterval(this.#timer);
    const stats = await fetchServerStats(this.#url);
    if (stats === undefined) return undefined;
    const shift = <T extends { startMs: number }>(event: T): T => ({ ...event, startMs: event.startMs - this.#serverUptimeAtStart });
    return {
      ...stats,
      gcEvents: stats.gcEvents.map(shift),
      forcedGcs: stats.forcedGcs.map(shift),
      ...(Array.isArray(stats.gcCycles) ? { gcCycles: stats.gcCycles.map(shift) } : {}),
    };
  }

  #poll(): void {
    if (this.#polling) return; // a stalled server: one poll at a time
    this.#polling = true;
    void fetchServerStats(this.#url).then((stats) => {
      this.#polling = false;
      if (stats === undefined) return;
      const completed = this.#completed();
      const { cpu } = stats;
      const lastCpu = this.#lastCpu;
      const lastUptimeMs = this.#lastUptimeMs;
      const cpuPercent =
        cpu !== undefined && lastCpu !== undefined && lastUptimeMs !== undefined && stats.uptimeMs > lastUptimeMs
          ? ((cpu.user + cpu.system - lastCpu.user - lastCpu.system) / 1000 / (stats.uptimeMs - lastUptimeMs)) * 100
          : Number.NaN;
      // The collector's CPU the service reports of itself (go-lru), over the same uptime.
      const gcSeconds = typeof stats.gcCpu?.seconds === 'number' ? stats.gcCpu.seconds : undefined;
      const lastGcSeconds = this.#lastGcCpuSeconds;
      const gcCpuPercent =
        gcSeconds !== undefined && lastGcSeconds !== undefined && lastUptimeMs !== undefined && stats.uptimeMs > lastUptimeMs
          ? (((gcSeconds - lastGcSeconds) * 1000) / (stats.uptimeMs - lastUptimeMs)) * 100
          : undefined;
      this.windows.push({
        atMs: performance.now() - this.#startMs,
        heapUsedBytes: stats.memory.heapUsedBytes,
        heapTotalBytes: stats.memory.heapTotalBytes,
        rssBytes: stats.memory.rssBytes,
        externalBytes: stats.memory.externalBytes,
        cacheOffHeapBytes: stats.memory.cacheOffHeapBytes,
        cpuPercent,
        eventLoopDelayMaxMs: 0,
        eventLoopDelayP99Ms: 0,
        completed: completed - this.#lastCompleted,
        misses: stats.counters.misses - this.#lastMisses,
        ...(gcCpuPercent === undefined ? {} : { gcCpuPercent }),
      });
      this.#lastGcCpuSeconds = gcSeconds;
      this.#lastCompleted = completed;
      this.#lastMisses = stats.counters.misses;
      this.#lastCpu = cpu;
      this.#lastUptimeMs = stats.uptimeMs;
    });
  }
}

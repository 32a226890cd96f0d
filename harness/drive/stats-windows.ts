import { performance } from 'node:perf_hooks';
import { type Static, Type } from '@sinclair/typebox';
import { matchesSchema } from '../results/check-against-schema.js';
import type { WindowSample } from '../results/schema.js';
import { Nullable } from '../results/schemas/figures.js';

const N = Type.Number();

/**
 * What GET /stats answers (harness/serve/server.ts, and the Go and Rust services alike); outside
 * services may not have it. gcEvents' `cycle` is the Go runtime's number of the collection, as
 * its GODEBUG=gctrace=1 line numbers it; `collectsGarbage` is false from a service with no garbage
 * collector (rust-btree); go-lru adds its forced collections as whole cycles
 * (references/go-lru/gcwatch.go) and its collector's CPU since it started; `cpu` is the server's
 * CPU time so far, as process.cpuUsage() gives it (µs).
 */
const ServerStats = Type.Object({
  counters: Type.Object({ hits: N, misses: N, evictions: N, writeBacks: N, cacheSize: N }),
  memory: Type.Object({ heapUsedBytes: N, heapTotalBytes: N, rssBytes: N, externalBytes: N, cacheOffHeapBytes: N }),
  gcEvents: Type.Array(Type.Object({ startMs: N, durationMs: N, kind: Type.String(), forced: Type.Boolean(), thread: Type.String(), cycle: Type.Optional(N) })),
  forcedGcs: Type.Array(Type.Object({ startMs: N, durationMs: N, mode: Type.String() })),
  uptimeMs: N,
  collectsGarbage: Type.Optional(Type.Boolean()),
  gcCycles: Type.Optional(
    Type.Array(Type.Object({ startMs: N, durationMs: N, pauseMs: Nullable(N), cpuMs: N, forced: Type.Boolean(), thread: Type.String() })),
  ),
  gcCpu: Type.Optional(Type.Object({ seconds: N, source: Type.String() })),
  cpu: Type.Optional(Type.Object({ user: N, system: N })),
});
export type ServerStats = Static<typeof ServerStats>;

/**
 * GET /stats of the service at `url`, when it answers it with what our services answer (the
 * schema above); another service may answer that path with something else, which must not fail
 * the run, so anything else is undefined.
 */
async function fetchServerStats(url: string): Promise<ServerStats | undefined> {
  try {
    const response = await fetch(`${url}/stats`, { signal: AbortSignal.timeout(5_000) });
    const stats: unknown = response.ok ? await response.json() : undefined;
    return matchesSchema(ServerStats, stats) ? stats : undefined;
  } catch {
    return undefined;
  }
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
  #lastCpu: ServerStats['cpu'];
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

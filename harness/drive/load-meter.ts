import { performance } from 'node:perf_hooks';
import { type Static, Type } from '@sinclair/typebox';
import { LatencyRecorder } from '../measure/latency-recorder.js';
import { matchesSchema } from '../results/check-against-schema.js';
import { prepareFastHistograms } from '../results/histogram.js';
import type { DriveOutcome, EncodedLatencies, WindowSample } from '../results/schema.js';
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

/** What a load came to, whichever driver ran it. */
export interface HttpLoadOutcome {
  readonly drive: DriveOutcome;
  readonly latency: EncodedLatencies;
  readonly windows: WindowSample[];
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  /** The server's /stats at the end, when it has that endpoint, its times shifted to the load's clock. */
  readonly finalStats: ServerStats | undefined;
  /**
   * What each request of the log came to (check/acknowledged-states.ts: NOT_SENT, ANSWERED_2XX
   * or UNCERTAIN), for the nothing-lost check of the service's store.
   */
  readonly outcomes?: Uint8Array;
  /** performance.now() when request 0 fell due: where the load's clock starts. */
  readonly startMs?: number;
}

/**
 * The load's clock as a driver sees it: request 0 falls due at `startMs` (a performance.now()
 * reading), which is `startUnixMs` on the wall clock for a driver in another process; each
 * answer is timed into `recorder`.
 */
export interface LoadClock {
  readonly startMs: number;
  readonly startUnixMs: number;
  readonly recorder: LatencyRecorder;
}

/** What the meter measured around a load, beside what the driver itself counted (`sends`). */
export interface MeteredLoad<T> extends Pick<HttpLoadOutcome, 'latency' | 'windows' | 'finalStats'> {
  readonly sends: T;
  readonly startMs: number;
}

/**
 * What every driver does around its load, in one place: the service's /stats read just before
 * request 0 falls due (now, or `leadMs` ahead for a driver that needs time to start) and polled
 * once a window from then on, a latency recorder on the same clock for `load` to time its
 * answers into, and at the end the polls stopped, the service's last /stats read and the
 * latencies encoded. Requests completed per window are the recorder's count.
 */
export async function meterLoad<T>(
  service: { readonly url: string; readonly windowMs: number; readonly leadMs?: number },
  load: (clock: LoadClock) => Promise<T>,
): Promise<MeteredLoad<T>> {
  await prepareFastHistograms();
  const stats = new StatsWindows(service.url, () => recorder.count);
  await stats.prepare();
  const { startMs, startUnixMs } = service.leadMs === undefined ? { startMs: performance.now(), startUnixMs: Date.now() } : sharedOrigin(service.leadMs);
  // The polls run on timers, so the first one comes after the recorder below exists.
  stats.start(startMs, service.windowMs);
  const recorder = new LatencyRecorder(startMs, service.windowMs);
  let sends: T;
  try {
    sends = await load({ startMs, startUnixMs, recorder });
  } finally {
    stats.stop();
  }
  const finalStats = await stats.finish();
  return { sends, startMs, latency: recorder.encode(), windows: stats.windows, finalStats };
}

/**
 * A wall-clock instant `leadMs` ahead, for the binary (Unix ms), and the performance.now()
 * reading of the same instant, for this process. Date.now() moves in whole milliseconds: both
 * clocks are read just after it ticks, so they agree to within microseconds, not up to a
 * millisecond; waiting for the tick takes at most a millisecond.
 */
function sharedOrigin(leadMs: number): { readonly startUnixMs: number; readonly startMs: number } {
  const before = Date.now();
  let wall = Date.now();
  while (wall === before) wall = Date.now();
  const now = performance.now();
  const lead = Math.round(leadMs);
  return { startUnixMs: wall + lead, startMs: now + lead };
}

/**
 * What a load driver learns from the service's own GET /stats, the same for every driver: one
 * window sample per poll (memory, misses, requests completed, CPU where the service reports
 * it), and at the end its GC events shifted onto the load's clock.
 */
class StatsWindows {
  readonly windows: WindowSample[] = [];
  readonly #url: string;
  readonly #completed: () => number;
  #startMs = 0;
  #serverUptimeAtStart = 0;
  #timer: NodeJS.Timeout | undefined;
  #firstPoll: NodeJS.Timeout | undefined;
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

  /** Polls once per window from `startMs` (a performance.now() reading, now or ahead) on. */
  start(startMs: number, windowMs: number): void {
    this.#startMs = startMs;
    const poll = (): void => {
      this.#timer = setInterval(() => this.#poll(), windowMs);
    };
    const untilStartMs = startMs - performance.now();
    if (untilStartMs > 0) this.#firstPoll = setTimeout(poll, untilStartMs);
    else poll();
  }

  stop(): void {
    clearTimeout(this.#firstPoll);
    clearInterval(this.#timer);
  }

  /** Returns the service's final stats, its times on the load's clock. */
  async finish(): Promise<ServerStats | undefined> {
    this.stop();
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

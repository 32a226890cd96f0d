import { describeError } from '../errors.js';
import { percentilesOfEncoded } from '../results/aggregate.js';
import type { RulerFloor, ServiceLevelDriver } from '../results/schema.js';
import { RULER_FLOOR_MAX_MS } from '../tuning.js';
import type { RequestLog } from '../workload/request-log.js';
import type { HttpLoadOutcome } from './load-meter.js';
import { startNullServer } from './null-server.js';

export interface RulerFloorOptions {
  /** The driver `load` measures with, as results name it. */
  readonly driver: ServiceLevelDriver;
  /** The run's request log: the floor replays its first requests, the same mix and sizes. */
  readonly log: RequestLog;
  /** The run's rate and duration: the floor runs at that rate for at most RULER_FLOOR_MAX_MS. */
  readonly rate: number;
  readonly durationSeconds: number;
  /** Loads `url` with `log` exactly as the rows are loaded: the same driver, the same settings. */
  readonly load: (url: string, log: RequestLog) => Promise<HttpLoadOutcome>;
}

/**
 * The ruler's floor: the run's driver against a null server (./null-server.ts) that answers
 * every request at once, at the run's rate, before the first row. What it measures there is
 * what the driver adds to every latency (how late it sends, its HTTP client, the loopback, the
 * machine): a contender's figure near it says little about the contender. Never throws: a floor
 * that could not be measured comes back as `failed`, with the reason.
 */
export async function measureRulerFloor(options: RulerFloorOptions): Promise<RulerFloor> {
  const { driver, rate } = options;
  const durationMs = Math.min(RULER_FLOOR_MAX_MS, options.durationSeconds * 1000);
  const count = Math.min(options.log.count, Math.max(1, Math.round((rate * durationMs) / 1000)));
  try {
    const server = await startNullServer();
    let outcome: HttpLoadOutcome;
    try {
      outcome = await options.load(server.url, { ...options.log, count });
    } finally {
      await server.stop();
    }
    const latency = percentilesOfEncoded(outcome.latency.overall);
    if (latency.count === 0) {
      return { state: 'failed', driver, reason: `the null server answered none of ${count} requests (${outcome.errors} errors, ${outcome.timeouts} timeouts)` };
    }
    return {
      state: 'measured',
      driver,
      server: server.description,
      rate,
      completed: latency.count,
      durationMs: outcome.drive.elapsedMs,
      latency: { p50Ms: latency.p50Ms, p99Ms: latency.p99Ms, p999Ms: latency.p999Ms, maxMs: latency.maxMs },
      ...(outcome.drive.sendLag === undefined ? {} : { sendLag: outcome.drive.sendLag }),
    };
  } catch (error) {
    return { state: 'failed', driver, reason: describeError(error) };
  }
}

import { performance } from 'node:perf_hooks';
import type { LatencyRecorder } from '../measure/latency-recorder.js';
import type { RequestService } from '../service/request-service.js';
import type { RequestLog } from '../workload/request-log.js';
import type { DriveOutcome } from '../results/schema.js';
import { SATURATION_THRESHOLD, MAX_TURN_MS } from '../tuning.js';

export interface DriveOptions {
  readonly log: RequestLog;
  readonly service: Pick<RequestService, 'handle'>;
  readonly recorder: LatencyRecorder;
  /** Requests per wall second. */
  readonly rate: number;
  /** Scenario ms per wall ms. */
  readonly timeScale: number;
  /** performance.now() at which request 0 is due. */
  readonly startMs: number;
  /**
   * Closed loop: one request at a time, each sent only when the previous one has finished, and
   * timed from when it was sent. This is what a naive benchmark does; it hides every stall
   * (coordinated omission) and is here to show by how much.
   */
  readonly closedLoop: boolean;
  /** Stop sending when this many wall ms have passed, even if the log is not done. */
  readonly giveUpAfterMs: number;
  /** Fail if requests are still unanswered this long after the last one was sent. */
  readonly drainTimeoutMs: number;
}

/**
 * Replays a request log open-loop: request i is due at startMs + i / rate, whatever happened
 * to the ones before it, and its latency is measured from that intended time. A pause of the
 * process (a GC, a Map rebuild) therefore shows up in the latency of every request that fell
 * due during it, as it would for the clients of a real service.
 */
export function drive(options: DriveOptions): Promise<DriveOutcome> {
  const { log, service, recorder, rate, timeScale, startMs, closedLoop } = options;
  const intervalMs = 1000 / rate;
  const types = log.type;
  let next = 0;
  let inFlight = 0;
  let completed = 0;
  let lastSendMs = startMs;
  let maxSendLagMs = 0;
  let sendingDone = false;

  return new Promise((resolve, reject) => {
    let drainTimer: NodeJS.Timeout | undefined;
    const finishIfDone = (): void => {
      if (!sendingDone || inFlight > 0) return;
      clearTimeout(drainTimer);
      const sendSpanMs = Math.max(lastSendMs - startMs, intervalMs);
      const achievedRate = next <= 1 ? rate : Math.min(rate, (next - 1) / (sendSpanMs / 1000));
      resolve({
        targetRate: rate,
        achievedRate,
        sent: next,
        completed,
        notSent: log.count - next,
        saturated: achievedRate < rate * SATURATION_THRESHOLD || next < log.count,
        maxSendLagMs,
        elapsedMs: performance.now() - startMs,
      });
    };

    const stopSending = (): void => {
      sendingDone = true;
      drainTimer = setTimeout(() => {
        reject(new Error(`${inFlight} requests were still unanswered ${options.drainTimeoutMs} ms after the last send`));
      }, options.drainTimeoutMs);
      finishIfDone();
    };

    const turn = (): void => {
      const turnStart = performance.now();
      const elapsed = turnStart - startMs;
      if (elapsed > options.giveUpAfterMs) return stopSending();
      const scenarioNow = elapsed * timeScale;
      const due = Math.min(log.count, Math.floor(elapsed / intervalMs) + 1);
      while (next < due && !(closedLoop && inFlight > 0)) {
        const i = next++;
        const intended = startMs + i * intervalMs;
        const sentAt = performance.now();
        if (sentAt - intended > maxSendLagMs) maxSendLagMs = sentAt - intended;
        lastSendMs = sentAt;
        // Open loop times from when the request was due; closed loop from when it was sent.
        const timedFrom = closedLoop ? sentAt : intended;
        const pending = service.handle(log, i, scenarioNow);
        if (pending === undefined) {
          const done = performance.now();
          recorder.record(types[i]!, done - timedFrom, done);
          completed++;
        } else {
          inFlight++;
          pending.then(() => {
            const done = performance.now();
            recorder.record(types[i]!, done - timedFrom, done);
            completed++;
            inFlight--;
            if (closedLoop && !sendingDone) setImmediate(turn);
            finishIfDone();
          }, reject);
        }
        if ((next & 31) === 0 && performance.now() - turnStart > MAX_TURN_MS) break;
      }
      if (next >= log.count) return stopSending();
      if (closedLoop && inFlight > 0) return; // the completion schedules the next turn
      const untilNextDue = startMs + next * intervalMs - performance.now();
      // Timers are only as precise as a millisecond; spin through setImmediate below that.
      if (untilNextDue > 2) setTimeout(turn, untilNextDue - 1);
      else setImmediate(turn);
    };
    turn();
  });
}

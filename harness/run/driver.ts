import { nowMs } from '../measure/clock.js';
import { HIT, type LatencyRecorder, MISS, NO_OUTCOME } from '../measure/latency-recorder.js';
import type { DriveOutcome } from '../results/schema.js';
import type { RequestService } from '../service/request-service.js';
import { MAX_TURN_MS, MISS_POLL_MS, SATURATION_THRESHOLD, SPIN_TURN_MS } from '../tuning.js';
import type { RequestLog } from '../workload/request-log.js';

export interface DriveOptions {
  readonly log: RequestLog;
  readonly service: Pick<RequestService, 'handle'> & Partial<Pick<RequestService, 'asyncMeansMiss' | 'submit' | 'setAnswerSink' | 'pollStore'>>;
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

/** Timers are only as precise as a millisecond: a request due sooner than this is waited for by spinning. */
const TIMER_PRECISION_MS = 2;

/** Slots of the driver's Float64Array of times (ms): see `drive`. */
const LAST_SEND = 0;
const MAX_LAG = 1;
const SPIN_UNTIL = 2;
const SPIN_DEADLINE = 3;
const SPUN_TO = 4;
/** Closed loop: when the one request in flight was sent. */
const SENT_AT = 5;

/**
 * Busy-waits until times[SPIN_UNTIL] or times[SPIN_DEADLINE], whichever comes first, and leaves
 * the time it stopped at in times[SPUN_TO]. A function of its own, with one path and no float
 * argument or result: V8 optimizes it on its own within milliseconds and never has reason to
 * deoptimize it, so waiting never runs in the interpreter, where every float is a new heap
 * number (a spinning interpreter allocates hundreds of megabytes a second).
 */
function spinUntilDue(times: Float64Array): void {
  const until = times[SPIN_UNTIL]!;
  const deadline = times[SPIN_DEADLINE]!;
  let t = nowMs();
  while (t < until && t < deadline) t = nowMs();
  times[SPUN_TO] = t;
}

/**
 * spinUntilDue, polling the store between clock reads (RequestService.pollStore), so that a
 * store answer is applied and its request timed while the driver waits, not a turn later.
 */
function spinPollingUntilDue(times: Float64Array, pollStore: (keepPolling: boolean) => void): void {
  const until = times[SPIN_UNTIL]!;
  const deadline = times[SPIN_DEADLINE]!;
  let t = nowMs();
  while (t < until && t < deadline) {
    pollStore(true);
    t = nowMs();
  }
  times[SPUN_TO] = t;
}

/**
 * Replays a request log open-loop: request i is due at startMs + i / rate, whatever happened
 * to the ones before it, and its latency is measured from that intended time. A pause of the
 * process (a GC, a Map rebuild) therefore shows up in the latency of every request that fell
 * due during it, as it would for the clients of a real service.
 *
 * A request answered at once (a cache hit) allocates nothing here: the clock is
 * harness/measure/clock.ts, the recorder takes small integers, the doubles that change per
 * request live in a Float64Array (a double stored in a closure variable is a new heap number
 * each time), and the driver waits for the next due request by spinning inside one event-loop
 * turn rather than by a setImmediate per request (each turn of the event loop costs about 350
 * bytes). A service with pollStore() has its store answers polled while the driver waits and
 * between requests, so a miss costs no turn either. While it waits it lets the event loop run
 * every SPIN_TURN_MS, or, for a service without pollStore(), every MISS_POLL_MS while a request
 * waits for the store; when it is behind, after MAX_TURN_MS of sending.
 */
export function drive(options: DriveOptions): Promise<DriveOutcome> {
  const { log, service, recorder, rate, timeScale, startMs, closedLoop } = options;
  const intervalMs = 1000 / rate;
  const types = log.type;
  const count = log.count;
  const hitOutcome = service.asyncMeansMiss === true ? HIT : NO_OUTCOME;
  const missOutcome = service.asyncMeansMiss === true ? MISS : NO_OUTCOME;
  const windowStartMs = recorder.startMs;
  const windowMs = recorder.windowMs;
  /** Last send, furthest a send fell behind its due time, and spinUntilDue's slots (ms). */
  const times = new Float64Array(6);
  times[LAST_SEND] = startMs;
  let next = 0;
  let inFlight = 0;
  let completed = 0;
  let sendingDone = false;

  return new Promise((resolve, reject) => {
    let drainTimer: NodeJS.Timeout | undefined;
    const finishIfDone = (): void => {
      if (!sendingDone || inFlight > 0) return;
      clearTimeout(drainTimer);
      const sendSpanMs = Math.max(times[LAST_SEND]! - startMs, intervalMs);
      const achievedRate = next <= 1 ? rate : Math.min(rate, (next - 1) / (sendSpanMs / 1000));
      resolve({
        targetRate: rate,
        achievedRate,
        sent: next,
        completed,
        notSent: count - next,
        saturated: achievedRate < rate * SATURATION_THRESHOLD || next < count,
        maxSendLagMs: times[MAX_LAG]!,
        elapsedMs: nowMs() - startMs,
      });
    };

    const stopSending = (): void => {
      sendingDone = true;
      stopPolling();
      drainTimer = setTimeout(() => {
        reject(new Error(`${inFlight} requests were still unanswered ${options.drainTimeoutMs} ms after the last send`));
      }, options.drainTimeoutMs);
      finishIfDone();
    };

    /**
     * A service with submit() (store misses without a promise, request-service.ts) reports each
     * operation left waiting with the request's index; the request is answered when the last of
     * them is. remaining[i] counts them: one array for the run, nothing allocated per miss.
     */
    const submit = service.submit !== undefined && service.setAnswerSink !== undefined;
    const remaining = submit ? new Int32Array(count) : undefined;
    /** Polls the store's answers (submit()'s only: a promise would settle a turn later anyway). */
    const pollStore = submit && service.pollStore !== undefined ? service.pollStore.bind(service) : undefined;
    /** Stops polling: store answers wake the event loop again while the driver is away. */
    const stopPolling = (): void => pollStore?.(false);
    if (submit) {
      service.setAnswerSink!({
        answered: (i) => {
          if (--remaining![i]! > 0) return;
          const done = nowMs();
          const timedFrom = closedLoop ? times[SENT_AT]! : startMs + i * intervalMs;
          recorder.recordRequest(types[i]!, missOutcome, Math.round((done - timedFrom) * 1e6), recorder.windowOf(done));
          completed++;
          inFlight--;
          if (closedLoop && !sendingDone) setImmediate(turn);
          finishIfDone();
        },
        failed: reject,
      });
    }

    /** A request that waited (for the store, or a worker) is timed when its promise settles. */
    const waitFor = (pending: Promise<void>, i: number, timedFrom: number): void => {
      inFlight++;
      pending.then(() => {
        const done = nowMs();
        recorder.recordRequest(types[i]!, missOutcome, Math.round((done - timedFrom) * 1e6), recorder.windowOf(done));
        completed++;
        inFlight--;
        if (closedLoop && !sendingDone) setImmediate(turn);
        finishIfDone();
      }, reject);
    };

    const turn = (): void => {
      let t = nowMs();
      const turnStart = t;
      if (t - startMs > options.giveUpAfterMs) return stopSending();
      while (next < count) {
        if (closedLoop && inFlight > 0) break;
        const dueMs = startMs + next * intervalMs;
        if (t < dueMs) {
          // Not due yet: spin for it in this turn, unless it is far off or the event loop has
          // something to deliver (a store answer, a timer).
          const deadline = turnStart + (inFlight > 0 && pollStore === undefined ? MISS_POLL_MS : SPIN_TURN_MS);
          if (dueMs - t > TIMER_PRECISION_MS || t >= deadline) break;
          times[SPIN_UNTIL] = dueMs;
          times[SPIN_DEADLINE] = deadline;
          if (pollStore !== undefined) spinPollingUntilDue(times, pollStore);
          else spinUntilDue(times);
          t = times[SPUN_TO]!;
          continue;
        }
        const i = next++;
        if (t - dueMs > times[MAX_LAG]!) times[MAX_LAG] = t - dueMs;
        times[LAST_SEND] = t;
        // Open loop times from when the request was due; closed loop from when it was sent.
        const timedFrom = closedLoop ? t : dueMs;
        times[SENT_AT] = t;
        if (submit) {
          const waiting = service.submit!(log, i, Math.floor((t - startMs) * timeScale));
          t = nowMs();
          if (waiting === 0) {
            recorder.recordRequest(types[i]!, hitOutcome, Math.round((t - timedFrom) * 1e6), Math.floor((t - windowStartMs) / windowMs));
            completed++;
          } else {
            remaining![i] = waiting;
            inFlight++;
          }
          // Sends the load at once (and answers any that came back) even when behind.
          if (pollStore !== undefined && inFlight > 0) pollStore(true);
          if (t - turnStart > MAX_TURN_MS) break;
          continue;
        }
        const pending = service.handle(log, i, Math.floor((t - startMs) * timeScale));
        t = nowMs();
        if (pending === undefined) {
          recorder.recordRequest(types[i]!, hitOutcome, Math.round((t - timedFrom) * 1e6), Math.floor((t - windowStartMs) / windowMs));
          completed++;
        } else {
          waitFor(pending, i, timedFrom);
        }
        // Behind (after a pause, or a contender slower than the rate): send for at most
        // MAX_TURN_MS before letting the event loop run, as the driver always has. Not every
        // MISS_POLL_MS: for a contender that cannot keep up, that would be a turn of the event
        // loop, and a store batch, for every request or two.
        if (t - turnStart > MAX_TURN_MS) break;
      }
      if (next >= count) return stopSending();
      if (closedLoop && inFlight > 0) return stopPolling(); // the completion schedules the next turn
      const untilNextDue = startMs + next * intervalMs - t;
      // Back at once (setImmediate): answers can wait in the ring that long. Not so after a timer.
      if (untilNextDue > TIMER_PRECISION_MS) {
        stopPolling();
        setTimeout(turn, untilNextDue - 1);
      } else setImmediate(turn);
    };
    turn();
  });
}

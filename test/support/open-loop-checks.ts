import type { OpenLoopOutcome } from '../../harness/drive/open-loop-load.js';
import { decodeHistogram } from '../../harness/results/histogram.js';
import type { EncodedLatencies } from '../../harness/results/schema.js';
import { ACK, MESSAGE, OPEN, RECONNECT, type RequestLog, RequestLogBuilder } from '../../harness/workload/request-log.js';

// What the tests of both open-loop drivers (Node and compiled) send and read back.

/** `count` requests: mostly reads (GET), some acks and messages (POST with a body); every `reconnectEvery`-th a reconnect. */
export function mixedLog(count: number, reconnectEvery = 0): RequestLog {
  const builder = new RequestLogBuilder();
  for (let i = 0; i < count; i++) {
    if (reconnectEvery > 0 && i % reconnectEvery === reconnectEvery - 1) builder.add(RECONNECT, i % 500, 0, 0, [1, 2, 3]);
    else if (i % 10 < 7) builder.add(OPEN, i % 500, i % 7, 0, []);
    else if (i % 10 < 9) builder.add(ACK, i % 500, i % 7, 2 ** 50 + i, []);
    else builder.add(MESSAGE, i % 500, i % 7, 2 ** 50 + i, [1, 2]);
  }
  return builder.build();
}

export interface Figures {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Share of requests that took 100 ms or more. */
  over100Ms: number;
}

export function figures(latency: EncodedLatencies): Figures {
  const histogram = decodeHistogram(latency.overall);
  const count = histogram.totalCount;
  // The lowest percentile at 100 ms or more, by bisection (values are ns, to within 0.1%).
  let low = 0;
  let high = 100;
  for (let step = 0; step < 40; step++) {
    const middle = (low + high) / 2;
    if (histogram.getValueAtPercentile(middle) >= 100e6) high = middle;
    else low = middle;
  }
  const result = {
    count,
    p50Ms: histogram.getValueAtPercentile(50) / 1e6,
    p99Ms: histogram.getValueAtPercentile(99) / 1e6,
    maxMs: histogram.maxValue / 1e6,
    over100Ms: count === 0 || histogram.maxValue < 100e6 ? 0 : (100 - high) / 100,
  };
  histogram.destroy();
  return result;
}

/** A driver's outcome in one line, for assertion messages. */
export function describeRun(outcome: OpenLoopOutcome): string {
  return JSON.stringify({ drive: outcome.drive, pool: outcome.pool, errors: outcome.errors, timeouts: outcome.timeouts, non2xx: outcome.non2xx });
}

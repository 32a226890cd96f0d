import { performance } from 'node:perf_hooks';
import type autocannon from 'autocannon';
import { ANSWERED_2XX, UNCERTAIN } from '../check/acknowledged-states.js';
import type { RequestLog } from '../workload/request-log.js';
import { fellBehind } from './drive-figures.js';
import { httpRequestAt } from './http-request.js';
import { type HttpLoadOutcome, meterLoad } from './load-meter.js';

export interface HttpLoadOptions {
  readonly url: string;
  readonly log: RequestLog;
  readonly rate: number;
  readonly connections: number;
  readonly windowMs: number;
  /** Seconds before autocannon gives up on one request. */
  readonly timeoutSeconds: number;
}

/**
 * Replays a request log against an HTTP read-state service with autocannon at a constant
 * overall rate. Latency is timed here, in microseconds, from when autocannon builds a request
 * (just before writing it) to its response: autocannon's own histogram resolves whole
 * milliseconds. Each connection waits for its response before its next request, so a server
 * stall delays the requests queued behind it only as far as the connections allow; the report
 * says so.
 */
export async function runHttpLoad(options: HttpLoadOptions): Promise<HttpLoadOutcome> {
  const { log } = options;
  let next = 0;
  let non2xx = 0;
  type Context = { pending?: Array<{ index: number; type: number; sentAt: number }> };
  const outcomes = new Uint8Array(log.count);
  // Loaded here, not at the top: only `load --closed-loop` uses it, and every CLI process reaches
  // this module (about 110 ms of start-up each).
  const { default: autocannon } = await import('autocannon');
  const { sends, ...metered } = await meterLoad({ url: options.url, windowMs: options.windowMs }, async ({ startMs, recorder }) => {
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      autocannon(
        {
          url: options.url,
          connections: options.connections,
          overallRate: options.rate,
          amount: log.count,
          timeout: options.timeoutSeconds,
          requests: [
            {
              // A whole new request each time: autocannon reuses the object it passes in, and a GET
              // built from a POST's keeps that POST's content-length, which hangs the connection.
              setupRequest: (_request: autocannon.Request, context: Context) => {
                const i = next++ % log.count;
                const http = httpRequestAt(log, i);
                const pending = (context.pending ??= []);
                pending.push({ index: i, type: log.type[i]!, sentAt: performance.now() });
                outcomes[i] = UNCERTAIN;
                return http.body === undefined
                  ? { method: http.method, path: http.path, headers: {} }
                  : { method: http.method, path: http.path, headers: { 'content-type': 'application/json' }, body: http.body };
              },
              onResponse: (status: number, _body: string, context: Context) => {
                const sent = context.pending?.shift();
                if (status < 200 || status >= 300) non2xx++;
                if (sent === undefined) return;
                if (status >= 200 && status < 300) outcomes[sent.index] = ANSWERED_2XX;
                const now = performance.now();
                recorder.record(sent.type, now - sent.sentAt, now);
              },
            },
          ],
        },
        (error, done) => (error ? reject(error) : resolve(done)),
      );
    });
    return { result, elapsedMs: performance.now() - startMs, completed: recorder.count };
  });
  const { result, elapsedMs, completed } = sends;
  const achievedRate = completed / (elapsedMs / 1000);
  return {
    drive: {
      targetRate: options.rate,
      achievedRate: Math.min(achievedRate, options.rate),
      sent: Math.min(next, log.count),
      completed,
      notSent: Math.max(0, log.count - next),
      saturated: fellBehind({ targetRate: options.rate, achievedRate }),
      maxSendLagMs: 0,
      elapsedMs,
    },
    ...metered,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx,
    outcomes,
  };
}

import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { ANSWERED_2XX, UNCERTAIN } from '../check/acknowledged-states.js';
import { LatencyRecorder } from '../measure/latency-recorder.js';
import { prepareFastHistograms } from '../results/histogram.js';
import type { DriveOutcome, EncodedLatencies, WindowSample } from '../results/schema.js';
import { type RequestLog, requestAt } from '../workload/request-log.js';
import { fellBehind } from './drive-figures.js';
import { type ServerStats, StatsWindows } from './stats-windows.js';

export interface HttpLoadOptions {
  readonly url: string;
  readonly log: RequestLog;
  readonly rate: number;
  readonly connections: number;
  readonly windowMs: number;
  /** Seconds before autocannon gives up on one request. */
  readonly timeoutSeconds: number;
}

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

/** One request of the log as the HTTP API takes it. */
export function httpRequestAt(log: RequestLog, i: number): { method: 'GET' | 'POST'; path: string; body?: string } {
  const request = requestAt(log, i);
  switch (request.type) {
    case 'message': {
      const { authorId, channelId, messageId, mentions } = request;
      return { method: 'POST', path: '/messages', body: JSON.stringify({ authorId, channelId, messageId, mentions }) };
    }
    case 'ack': {
      const { userId, channelId, messageId } = request;
      return { method: 'POST', path: '/acks', body: JSON.stringify({ userId, channelId, messageId }) };
    }
    case 'open':
      return { method: 'GET', path: `/read-states/${request.userId}/${request.channelId}` };
    case 'reconnect':
      return { method: 'POST', path: `/users/${request.userId}/reconnect`, body: JSON.stringify({ channelIds: request.channelIds }) };
  }
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
  await prepareFastHistograms();
  const { log } = options;
  const stats = new StatsWindows(options.url, () => recorder.count);
  await stats.prepare();
  const startMs = performance.now();
  const recorder = new LatencyRecorder(startMs, options.windowMs);
  stats.start(startMs, options.windowMs);
  let next = 0;
  let non2xx = 0;

  type Context = { pending?: Array<{ index: number; type: number; sentAt: number }> };
  const outcomes = new Uint8Array(log.count);
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
  const elapsedMs = performance.now() - startMs;
  const finalStats = await stats.finish();
  const latency = recorder.encode();
  const completed = recorder.count;
  recorder.destroy();
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
    latency,
    windows: stats.windows,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx,
    finalStats,
    outcomes,
    startMs,
  };
}

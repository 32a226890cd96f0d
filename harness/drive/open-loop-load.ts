import { once } from 'node:events';
import { Agent, type ClientRequest, createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ANSWERED_2XX, UNCERTAIN } from '../check/acknowledged-states.js';
import { describeError, errorCode } from '../errors.js';
import { LatencyRecorder } from '../measure/latency-recorder.js';
import type { DriveOutcome } from '../results/schema.js';
import {
  MAX_TURN_MS,
  OPEN_LOOP_DRAIN_TIMEOUT_MS,
  OPEN_LOOP_MAX_CONNECTIONS,
  OPEN_LOOP_TIMEOUT_MS,
  OPEN_LOOP_TIMEOUT_SWEEP_MS,
  OPEN_LOOP_WARM_UP_RATE,
  OPEN_LOOP_WARM_UP_REQUESTS,
} from '../tuning.js';
import type { RequestLog } from '../workload/request-log.js';
import { openLoopDriveOutcome } from './drive-figures.js';
import { httpRequestAt } from './http-request.js';
import { type HttpLoadOutcome, meterLoad } from './load-meter.js';
import { SendLagCounts } from './send-lag.js';

// ---- options and results ----

export interface OpenLoopOptions {
  /** http://host:port of the service, no trailing slash. */
  readonly url: string;
  readonly log: RequestLog;
  /** Requests per second: request i is due at start + i / rate. */
  readonly rate: number;
  /** Width of the latency windows, and how often GET /stats is polled. */
  readonly windowMs: number;
  /** Most connections open at once (default OPEN_LOOP_MAX_CONNECTIONS). */
  readonly maxConnections?: number;
  /** Ms from writing a request to giving up on its answer (default OPEN_LOOP_TIMEOUT_MS). */
  readonly timeoutMs?: number;
  /** Ms after the last due time to wait for answers still out (default OPEN_LOOP_DRAIN_TIMEOUT_MS). */
  readonly drainTimeoutMs?: number;
  /** Warm the driver's HTTP client up first, against a throwaway local server (default true). */
  readonly warmUp?: boolean;
  /** Test hook: request i was written to a connection `atMs` ms after request 0 fell due. */
  readonly onSend?: (i: number, atMs: number) => void;
}

/** How the connection pool behaved: the client's own share of the latencies. */
export interface PoolFigures {
  /** The cap the pool was allowed to grow to. */
  readonly maxConnections: number;
  /**
   * The most connections carrying a request at once. The pool only grows when every connection
   * is busy, so this is also how many connections it opened.
   */
  readonly peakConnections: number;
  /** TCP connections that carried an answer: above peakConnections when idle ones were closed and reopened. */
  readonly socketsOpened: number;
  /** Requests that fell due with every connection busy at the cap, and waited in the FIFO queue. */
  readonly waited: number;
  /** Sum and largest of those waits, from the sender taking the request up to writing it. */
  readonly totalWaitMs: number;
  readonly longestWaitMs: number;
  /**
   * Mean ms from a request's due time to the sender taking it up: the send loop's timer
   * granularity (about half a millisecond when idle), included in every latency.
   */
  readonly meanSendLagMs: number;
}

export interface OpenLoopOutcome extends HttpLoadOutcome {
  readonly pool: PoolFigures;
}

// ---- the connection pool ----

/**
 * Why one keep-alive Agent with maxSockets: 1 per connection, rather than one shared
 * Agent({ keepAlive: true, maxSockets: maxConnections }): a shared agent queues a request that
 * finds every socket busy in its own `agent.requests`, where its wait is invisible, and tells of
 * the socket it finally got only a tick later ('socket' event), after the rest of the send turn.
 * Here the pool and its FIFO queue are ours: a request waits only in our queue, and the wait is
 * timed exactly; we know which request each connection carries, so one sweep over the pool
 * finds timeouts and the drain can abort exactly what is left. Each connection's agent still
 * does the HTTP/1.1 keep-alive work: reconnecting when the server closed the socket, and
 * honouring the server's Keep-Alive timeout hint. One request at a time per connection, no
 * pipelining. A queued request handed to a connection in the previous answer's 'end' handler
 * waits in that agent for one tick, until the socket is released ('free' is emitted on the next
 * tick), and then reuses the same socket rather than opening another.
 */
class Connection {
  readonly agent: Agent;
  /** The request this connection carries, and its answer once it started; undefined when idle. */
  req: ClientRequest | undefined = undefined;
  res: IncomingMessage | undefined = undefined;
  index = -1;
  writtenAt = 0;
  /** The socket of the last answer, to count reconnects. */
  socket: Socket | null = null;

  constructor(readonly run: OpenLoopRun) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 1, noDelay: true });
  }
}

/** Connection of a request or answer: shared listeners, no closure per request. */
const CONNECTION = Symbol('open-loop connection');
// Requests and answers carry their connection under a symbol only this file holds.
declare module 'node:http' {
  interface ClientRequest {
    [CONNECTION]?: Connection;
  }
  interface IncomingMessage {
    [CONNECTION]?: Connection;
  }
}

function onResponse(this: ClientRequest, res: IncomingMessage): void {
  const connection = this[CONNECTION];
  if (connection === undefined || connection.req !== this) {
    res.resume();
    return;
  }
  connection.res = res;
  res[CONNECTION] = connection;
  if (res.socket !== connection.socket) {
    connection.socket = res.socket;
    connection.run.socketsOpened++;
  }
  res.on('end', onResponseEnd);
  res.resume();
}

function onResponseEnd(this: IncomingMessage): void {
  const connection = this[CONNECTION];
  if (connection === undefined || connection.res !== this) return;
  connection.run.answered(connection, this.statusCode ?? 0);
}

function onRequestError(this: ClientRequest): void {
  const connection = this[CONNECTION];
  if (connection === undefined || connection.req !== this) return;
  connection.run.failed(connection);
}

/** Closed before its answer ended (its 'error' may not come): a connection error. */
function onRequestClose(this: ClientRequest): void {
  const connection = this[CONNECTION];
  if (connection === undefined || connection.req !== this) return;
  const res = connection.res;
  if (res?.complete) connection.run.answered(connection, res.statusCode ?? 0);
  else connection.run.failed(connection);
}

const JSON_HEADERS = { 'content-type': 'application/json' };

// ---- one run ----

class OpenLoopRun {
  readonly #log: RequestLog;
  readonly #types: Uint8Array;
  readonly #host: string;
  readonly #port: number;
  /** The URL's own path, if any, before each request's (as /stats is fetched below it). */
  readonly #basePath: string;
  readonly #rate: number;
  readonly #intervalMs: number;
  readonly #maxConnections: number;
  readonly #timeoutMs: number;
  readonly #drainTimeoutMs: number;
  readonly #onSend: ((i: number, atMs: number) => void) | undefined;
  readonly #recorder: LatencyRecorder;
  readonly startMs: number;
  /** What each request of the log came to: check/acknowledged-states.ts's codes. */
  readonly outcomes: Uint8Array;

  readonly #connections: Connection[] = [];
  /** Idle connections, most recently used on top: keeps the busy set on warm sockets. */
  readonly #idle: Connection[] = [];
  /** Next request the sender takes up; requests [#queueHead, #next) wait for a connection, FIFO. */
  #next = 0;
  #queueHead = 0;
  /** When the sender took up each queued request, in a ring indexed by request & mask. */
  #queuedAt = new Float64Array(1024);
  #inFlight = 0;

  sent = 0;
  completed = 0;
  errors = 0;
  timeouts = 0;
  non2xx = 0;
  notSent = 0;
  socketsOpened = 0;
  #waited = 0;
  #totalWaitMs = 0;
  #longestWaitMs = 0;
  readonly #sendLag = new SendLagCounts();
  #lastSentAt: number;
  #lastSentLagMs = 0;

  #sendingDone = false;
  #finished = false;
  #turnTimer: NodeJS.Timeout | undefined;
  #turnImmediate: NodeJS.Immediate | undefined;
  #drainTimer: NodeJS.Timeout | undefined;
  readonly #sweepTimer: NodeJS.Timeout;
  readonly #resolve: () => void;
  readonly done: Promise<void>;
  finishedAt = 0;

  constructor(options: OpenLoopOptions, recorder: LatencyRecorder, startMs: number) {
    const url = new URL(options.url);
    if (url.protocol !== 'http:') throw new Error(`the open-loop driver speaks plain HTTP only, not ${url.protocol}`);
    this.#host = url.hostname.replace(/^\[|\]$/g, '');
    this.#port = Number(url.port || 80);
    this.#basePath = url.pathname.replace(/\/+$/, '');
    this.#log = options.log;
    this.#types = options.log.type;
    this.#rate = options.rate;
    this.#intervalMs = 1000 / options.rate;
    this.#maxConnections = options.maxConnections ?? OPEN_LOOP_MAX_CONNECTIONS;
    this.#timeoutMs = options.timeoutMs ?? OPEN_LOOP_TIMEOUT_MS;
    this.#drainTimeoutMs = options.drainTimeoutMs ?? OPEN_LOOP_DRAIN_TIMEOUT_MS;
    this.#onSend = options.onSend;
    this.#recorder = recorder;
    this.startMs = startMs;
    this.outcomes = new Uint8Array(options.log.count);
    this.#lastSentAt = startMs;
    let resolve!: () => void;
    this.done = new Promise<void>((r) => (resolve = r));
    this.#resolve = resolve;
    const sweepMs = Math.max(1, Math.min(OPEN_LOOP_TIMEOUT_SWEEP_MS, this.#timeoutMs / 4));
    this.#sweepTimer = setInterval(() => this.#sweep(), sweepMs);
  }

  /** Sends every request that has fallen due, for at most MAX_TURN_MS, then sleeps until the next one is due. */
  readonly turn = (): void => {
    this.#turnTimer = undefined;
    this.#turnImmediate = undefined;
    if (this.#sendingDone) return;
    const count = this.#log.count;
    const turnStart = performance.now();
    const due = Math.min(count, Math.floor((turnStart - this.startMs) / this.#intervalMs) + 1);
    while (this.#next < due) {
      const i = this.#next++;
      const now = performance.now();
      this.#sendLag.record(now - (this.startMs + i * this.#intervalMs));
      if (this.#queueHead === i) {
        // Nothing queued before it: straight onto an idle connection, or a new one below the cap.
        const connection = this.#idle.pop() ?? this.#open();
        if (connection !== undefined) {
          this.#queueHead++;
          this.#write(connection, i, now);
        } else {
          this.#enqueue(i, now);
        }
      } else {
        this.#enqueue(i, now);
      }
      if ((this.#next & 15) === 0 && performance.now() - turnStart > MAX_TURN_MS) break;
    }
    if (this.#next >= count) {
      this.#sendingDone = true;
      const lastDueAt = this.startMs + (count - 1) * this.#intervalMs;
      this.#drainTimer = setTimeout(() => this.#abortAll(), Math.max(0, lastDueAt + this.#drainTimeoutMs - performance.now()));
      this.#finishIfDone();
      return;
    }
    const untilNextDue = this.startMs + this.#next * this.#intervalMs - performance.now();
    // Behind: go on at once, after pending I/O. Ahead: sleep on a timer (never spin: the server
    // under test may need every core); timers resolve a millisecond, so a send may be up to
    // about a millisecond late, and its latency, timed from the due time, says so.
    if (untilNextDue <= 0) this.#turnImmediate = setImmediate(this.turn);
    else this.#turnTimer = setTimeout(this.turn, Math.max(1, Math.floor(untilNextDue)));
  };

  #open(): Connection | undefined {
    if (this.#connections.length >= this.#maxConnections) return undefined;
    const connection = new Connection(this);
    this.#connections.push(connection);
    return connection;
  }

  #enqueue(i: number, now: number): void {
    const queued = i - this.#queueHead;
    if (queued >= this.#queuedAt.length) {
      // Grow the ring, keeping each entry at index & mask of the larger ring.
      const bigger = new Float64Array(this.#queuedAt.length * 2);
      const oldMask = this.#queuedAt.length - 1;
      const newMask = bigger.length - 1;
      for (let j = this.#queueHead; j < i; j++) bigger[j & newMask] = this.#queuedAt[j & oldMask]!;
      this.#queuedAt = bigger;
    }
    this.#queuedAt[i & (this.#queuedAt.length - 1)] = now;
  }

  #write(connection: Connection, i: number, now: number): void {
    const { method, path, body } = httpRequestAt(this.#log, i);
    connection.index = i;
    connection.writtenAt = now;
    connection.res = undefined;
    this.#inFlight++;
    this.sent++;
    this.outcomes[i] = UNCERTAIN;
    this.#lastSentAt = now;
    this.#lastSentLagMs = now - (this.startMs + i * this.#intervalMs);
    let req: ClientRequest;
    try {
      req = httpRequest({
        agent: connection.agent,
        host: this.#host,
        port: this.#port,
        method,
        path: this.#basePath === '' ? path : this.#basePath + path,
        headers: body === undefined ? undefined : JSON_HEADERS,
      });
    } catch {
      connection.req = undefined;
      this.#inFlight--;
      this.errors++;
      this.#release(connection);
      return;
    }
    req[CONNECTION] = connection;
    connection.req = req;
    req.on('response', onResponse);
    req.on('error', onRequestError);
    req.on('close', onRequestClose);
    req.end(body);
    this.#onSend?.(i, now - this.startMs);
  }

  answered(connection: Connection, status: number): void {
    const now = performance.now();
    const i = connection.index;
    this.#recorder.record(this.#types[i]!, now - (this.startMs + i * this.#intervalMs), now);
    this.completed++;
    if (status < 200 || status >= 300) this.non2xx++;
    else this.outcomes[i] = ANSWERED_2XX;
    this.#done(connection);
  }

  failed(connection: Connection): void {
    this.errors++;
    this.#done(connection);
  }

  #done(connection: Connection): void {
    connection.req = undefined;
    connection.res = undefined;
    this.#inFlight--;
    this.#release(connection);
    this.#finishIfDone();
  }

  /** Hands a free connection the oldest queued request, or back to the idle stack. */
  #release(connection: Connection): void {
    if (this.#queueHead < this.#next && !this.#finished) {
      const i = this.#queueHead++;
      const now = performance.now();
      const wait = now - this.#queuedAt[i & (this.#queuedAt.length - 1)]!;
      this.#waited++;
      this.#totalWaitMs += wait;
      if (wait > this.#longestWaitMs) this.#longestWaitMs = wait;
      this.#write(connection, i, now);
    } else {
      this.#idle.push(connection);
    }
  }

  #sweep(): void {
    const now = performance.now();
    for (const connection of this.#connections) {
      if (connection.req !== undefined && now - connection.writtenAt > this.#timeoutMs) this.#abort(connection, true);
    }
  }

  /** Gives up on the request a connection carries: a timeout. */
  #abort(connection: Connection, handOn: boolean): void {
    const req = connection.req!;
    connection.req = undefined;
    connection.res = undefined;
    this.#inFlight--;
    this.timeouts++;
    req.destroy();
    if (handOn) this.#release(connection);
    this.#finishIfDone();
  }

  /** The drain ran out: whatever is still out or queued is a timeout. */
  #abortAll(): void {
    this.#drainTimer = undefined;
    const queued = this.#next - this.#queueHead;
    this.timeouts += queued;
    this.notSent += queued + (this.#log.count - this.#next);
    this.#queueHead = this.#next;
    for (const connection of this.#connections) if (connection.req !== undefined) this.#abort(connection, false);
    this.#finishIfDone();
  }

  #finishIfDone(): void {
    if (this.#finished || !this.#sendingDone || this.#inFlight > 0 || this.#queueHead < this.#next) return;
    this.#finished = true;
    this.finishedAt = performance.now();
    clearInterval(this.#sweepTimer);
    clearTimeout(this.#drainTimer);
    for (const connection of this.#connections) connection.agent.destroy();
    this.#resolve();
  }

  drive(): DriveOutcome {
    return openLoopDriveOutcome({
      rate: this.#rate,
      count: this.#log.count,
      sent: this.sent,
      completed: this.completed,
      notSent: this.notSent,
      lastSendMs: this.#lastSentAt - this.startMs,
      lastSendLagMs: this.#lastSentLagMs,
      elapsedMs: this.finishedAt - this.startMs,
      sendLag: this.#sendLag.figures(),
    });
  }

  pool(): PoolFigures {
    return {
      maxConnections: this.#maxConnections,
      peakConnections: this.#connections.length,
      socketsOpened: this.socketsOpened,
      waited: this.#waited,
      totalWaitMs: this.#totalWaitMs,
      longestWaitMs: this.#longestWaitMs,
      meanSendLagMs: this.#sendLag.meanMs,
    };
  }

  /** Stops sending at once (used on an unexpected failure of the caller). */
  stop(): void {
    this.#sendingDone = true;
    clearTimeout(this.#turnTimer);
    clearImmediate(this.#turnImmediate);
  }
}

/**
 * Replays a request log against an HTTP read-state service open-loop, at a constant rate:
 * request i is due at start + i / rate whatever became of the ones before it, is written as
 * soon as it is due (on an idle connection, or a new one while the pool is below its cap), and
 * its latency is timed from its due time, in microseconds. A server stall therefore shows in
 * every request that fell due during it, as it would for the clients of a real service, unlike
 * the closed-loop autocannon driver (./closed-loop-load.ts), where a stall delays only the one
 * request each connection has out. The sender sleeps on a timer between turns and sends all
 * that fell due each turn (a millisecond's worth, spread evenly, never a second's burst).
 * Answers of any status are timed (non-2xx are also counted); errors and timeouts are counted
 * and timed nowhere. Run it in a process of its own, apart from the server.
 */
export async function runOpenLoopLoad(options: OpenLoopOptions): Promise<OpenLoopOutcome> {
  if (!(options.rate > 0)) throw new Error(`rate must be above 0, not ${options.rate}`);
  if (options.log.count === 0) throw new Error('the request log is empty');
  await checkListening(options.url);
  if (options.warmUp ?? true) await warmUpClient(options);
  const { sends: run, ...metered } = await meterLoad({ url: options.url, windowMs: options.windowMs }, async ({ startMs, recorder }) => {
    const run = new OpenLoopRun(options, recorder, startMs);
    try {
      run.turn();
      await run.done;
    } finally {
      run.stop();
    }
    return run;
  });
  return {
    drive: run.drive(),
    ...metered,
    errors: run.errors,
    timeouts: run.timeouts,
    non2xx: run.non2xx,
    outcomes: run.outcomes,
    pool: run.pool(),
  };
}

/** Runs the start of the log through the client code against a throwaway server in this process. */
async function warmUpClient(options: OpenLoopOptions): Promise<void> {
  const ok = '{"ok":true}';
  const server = createServer((request, response) => {
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': ok.length });
      response.end(ok);
    });
    request.resume();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the warm-up server is not listening on a TCP port');
    const { port } = address;
    const log = { ...options.log, count: Math.min(options.log.count, OPEN_LOOP_WARM_UP_REQUESTS) };
    const recorder = new LatencyRecorder(performance.now(), 1000);
    const run = new OpenLoopRun(
      {
        url: `http://127.0.0.1:${port}`,
        log,
        rate: OPEN_LOOP_WARM_UP_RATE,
        windowMs: 1000,
        maxConnections: options.maxConnections,
        timeoutMs: 5_000,
        drainTimeoutMs: 5_000,
      },
      recorder,
      performance.now(),
    );
    run.turn();
    await run.done;
    recorder.destroy();
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/**
 * One connection before the load, so that a service that is not there is said plainly
 * ("connection refused: URL", as the compiled driver says it) instead of as a row of errors
 * with latency figures that measured nothing.
 */
async function checkListening(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
  try {
    await once(socket, 'connect');
  } catch (error) {
    if (errorCode(error) === 'ECONNREFUSED') throw new Error(`connection refused: ${url}`);
    throw new Error(`cannot connect to ${url}: ${describeError(error)}`);
  } finally {
    socket.destroy();
  }
}

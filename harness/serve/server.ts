import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ReadState } from '../../implementations/contract.js';
import { type ContenderInfo, createFrom } from '../../implementations/index.js';
import { describeError } from '../errors.js';
import { type ForcedGcPlan, ThreadGc } from '../measure/thread-gc.js';
import { encodeHistogram, type Histogram, prepareFastHistograms, recordingHistogram } from '../results/histogram.js';
import { ReadStateService } from '../service/read-state-service.js';
import type { CassandraTarget } from '../store/cassandra-target.js';
import { StoreClient, StoreUnavailableError } from '../store/client.js';
import type { StoreLatencyProfile } from '../store/latency-profile.js';
import type { StoreKind } from '../store/protocol.js';
import { SERVER_REQUEST_TIMEOUT_MS, SHUTDOWN_DEADLINE_MS, WRITE_BACK_BATCH, WRITE_BACK_EVERY_MS } from '../tuning.js';
import {
  API_ROUTES,
  type ApiCall,
  ApiError,
  type ApiRoute,
  checkRequestHead,
  MAX_BODY_BYTES,
  MAX_HEADER_BYTES,
  matchRoute,
  parseCall,
  parserRefusal,
} from './api.js';

/** The part of the shutdown deadline kept for closing the store after the write-back. */
const STORE_CLOSE_SHARE_MS = 1_000;
/** The least time the store is given to close, even past the deadline. */
const STORE_CLOSE_LEAST_MS = 250;

export interface ServerOptions {
  /** The cache contender to serve, resolved (registered or a module). */
  readonly cache: ContenderInfo;
  readonly capacity: number;
  readonly store: StoreKind;
  /** --store cassandra's cluster and table. */
  readonly cassandra?: CassandraTarget | undefined;
  /** How long the store takes to answer (--store-latency); undefined: as fast as it can. */
  readonly storeLatency?: StoreLatencyProfile | undefined;
  /** The SQLite file; a restart on the same file serves the same read states. */
  readonly dbPath: string;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly timeScale: number;
  readonly writeBackDelayMs: number;
  readonly forcedGc: ForcedGcPlan | undefined;
  /** Clean states to fill the cache with before listening. */
  readonly warmStates: Iterable<ReadState>;
  /** Where the server says what it must (the store failing and recovering): one line each. */
  readonly log: (line: string) => void;
}

/** How a shutdown ended: every dirty state written, or how many could not be. */
export interface ShutdownOutcome {
  readonly unwritten: number;
  readonly cause?: string;
}

/**
 * The read-state service over HTTP/1.1 JSON (harness/serve/api.ts), on the same service layer
 * as the in-process harness. It times every request it serves, per route, and reports that,
 * its GCs and its memory at GET /stats.
 */
export class ReadStateServer {
  readonly #service: ReadStateService;
  readonly #http: Server;
  readonly #gc: ThreadGc;
  readonly #latency: Map<ApiRoute, Histogram>;
  readonly #startedAt = performance.now();
  readonly #contender: string;
  readonly #log: (line: string) => void;
  #inFlight = 0;
  #closing: Promise<ShutdownOutcome> | undefined;
  #drained: (() => void) | undefined;

  private constructor(options: ServerOptions, service: ReadStateService) {
    this.#contender = options.cache.name;
    this.#log = options.log;
    this.#service = service;
    this.#latency = new Map(API_ROUTES.map((route) => [route, recordingHistogram()]));
    const origin = performance.now();
    service.start(origin, undefined);
    this.#gc = new ThreadGc('main', origin, options.forcedGc);
    // Host is checked in #serve (docs/http-contract.md), so that its 400 has the JSON error body.
    this.#http = createServer({ maxHeaderSize: MAX_HEADER_BYTES, requireHostHeader: false }, (request, response) => void this.#serve(request, response));
    // What Node's parser refuses before a request exists (a bad request line, bad framing, headers
    // too large) is answered here, with the same JSON error body as everything else.
    this.#http.on('clientError', (error: Error & { code?: string; rawPacket?: Buffer }, socket) => {
      const { status, message } = parserRefusal(error.code, error.rawPacket);
      const body = JSON.stringify({ error: message });
      // A body whose framing breaks mid-way (a bad chunk) fails a request that already has a response.
      // Node's undocumented field: the response the socket is answering, if any; no public API gives it.
      const pending = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
      if (pending && !pending.headersSent && pending.writable) {
        pending.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
        pending.end(body, () => socket.destroy());
      } else if (!pending && socket.writable) {
        socket.end(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        );
      } else socket.destroy();
    });
    this.#http.keepAliveTimeout = 5_000;
    this.#http.requestTimeout = SERVER_REQUEST_TIMEOUT_MS;
    this.#http.headersTimeout = Math.min(this.#http.headersTimeout, SERVER_REQUEST_TIMEOUT_MS);
  }

  /**
   * Opens and checks the store, fills the cache, then listens. Any failure (a database that
   * cannot be opened or written, a port in use, an address that cannot be bound) rejects with
   * one line, after releasing what was started, so the process can exit.
   */
  static async start(options: ServerOptions): Promise<ReadStateServer> {
    await prepareFastHistograms();
    const started = performance.now();
    const clock = (): number => (performance.now() - started) * options.timeScale;
    const service = new ReadStateService({
      onStoreStatus: (status) =>
        options.log(
          status.failing === undefined
            ? `store recovered: ${status.pending} read states still to write`
            : `store failing, writes refused with 503 until it recovers: ${status.failing.cause}`,
        ),
      makeCache: (onEvict) => createFrom(options.cache, { capacity: options.capacity, onEvict }),
      store: new StoreClient({ kind: options.store, path: options.dbPath, cassandra: options.cassandra, latency: options.storeLatency, latencySeed: 1 }),
      clock,
      writeBackDelayMs: options.writeBackDelayMs,
      writeBackEveryMs: WRITE_BACK_EVERY_MS,
      writeBackBatch: WRITE_BACK_BATCH,
    });
    try {
      await service.warm(options.warmStates);
    } catch (error) {
      await service.close().catch(() => {});
      throw error;
    }
    const server = new ReadStateServer(options, service);
    try {
      await new Promise<void>((resolve, reject) => {
        server.#http.once('error', reject);
        server.#http.listen(options.port, options.host, () => resolve());
      });
    } catch (error) {
      server.#gc.report();
      await service.close().catch(() => {});
      throw new Error(`cannot listen on ${options.host}:${options.port}: ${describeError(error)}`);
    }
    return server;
  }

  get url(): string {
    const address = this.#http.address();
    if (address === null || typeof address === 'string') throw new Error('the server is not listening on a TCP port');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /**
   * Stops accepting connections, gives the requests in flight half the deadline to finish, then
   * closes every connection (a stalled upload cannot hold the process), writes every dirty read
   * state back and closes the store. If the store cannot take them all by the deadline, says how
   * many it could not write. Never rejects, and is safe to call more than once.
   */
  shutdown(deadlineMs = SHUTDOWN_DEADLINE_MS): Promise<ShutdownOutcome> {
    this.#closing ??= this.#shutdown(deadlineMs);
    return this.#closing;
  }

  async #shutdown(deadlineMs: number): Promise<ShutdownOutcome> {
    const deadline = performance.now() + deadlineMs;
    const remaining = (): number => Math.max(0, deadline - performance.now());
    let cause: string | undefined;
    try {
      const closed = new Promise<void>((resolve) => this.#http.close(() => resolve()));
      this.#http.closeIdleConnections();
      // A request still running after its share of the deadline (an upload that stalled, a client
      // that stopped reading) was never answered, so nothing it carried was acknowledged: its
      // connection is closed and the shutdown goes on without it.
      if (this.#inFlight > 0 && !(await settlesWithin(new Promise<void>((resolve) => (this.#drained = resolve)), remaining() / 2))) {
        this.#log(
          `${this.#inFlight} ${this.#inFlight === 1 ? 'request' : 'requests'} still in flight after ${Math.round(deadlineMs / 2000)} s: closing their connections`,
        );
      }
      this.#http.closeAllConnections();
      await settlesWithin(closed, remaining());
      this.#gc.report();
    } catch (error) {
      this.#log(`closing the connections failed, writing back anyway: ${describeError(error)}`);
    }
    // Whatever happened to the connections, every dirty state is handed to the store, in the
    // deadline less the time kept for closing it, so that a store that cannot take them (a
    // database gone) still leaves the process its deadline.
    try {
      await withDeadline(this.#service.flush(), Math.max(0, remaining() - STORE_CLOSE_SHARE_MS));
    } catch (error) {
      cause = describeError(error);
    }
    const status = this.#service.storeStatus();
    const unwritten = status.pending;
    // The store is closed even at the deadline (a moment at least), so that its worker thread is
    // told to stop; whatever it still holds then is counted in `unwritten` above.
    await withDeadline(this.#service.close(), Math.max(remaining(), STORE_CLOSE_LEAST_MS)).catch((error: unknown) => {
      cause ??= `the store did not close: ${describeError(error)}`;
    });
    for (const histogram of this.#latency.values()) histogram.destroy();
    return unwritten === 0 ? { unwritten } : { unwritten, cause: cause ?? status.failing?.cause ?? 'the store did not take them in time' };
  }

  async #serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const arrived = performance.now();
    this.#inFlight++;
    let route: ApiRoute | undefined;
    try {
      const head = checkRequestHead(request);
      if (head.asteriskOptions) {
        request.resume();
        response.writeHead(200, { 'content-length': 0 });
        response.end();
        return;
      }
      const matched = matchRoute(request.method ?? 'GET', head.path);
      route = matched.route;
      const failing = this.#service.storeStatus().failing;
      if (failing !== undefined && (route === 'message' || route === 'ack')) {
        request.resume();
        throw new ApiError(503, `store failing, writes refused until it recovers: ${failing.cause}`);
      }
      const body = await readBody(request, response);
      const call = parseCall(matched.route, matched.params, body);
      reply(response, 200, await this.#perform(call));
    } catch (error) {
      if (error instanceof ApiError) reply(response, error.status, { ...error.extra, error: error.message });
      else if (error instanceof StoreUnavailableError) reply(response, 503, { error: error.message });
      else reply(response, 500, { error: describeError(error) });
    } finally {
      if (route !== undefined && response.statusCode < 400) {
        this.#latency.get(route)!.recordValue(Math.max(1, Math.round((performance.now() - arrived) * 1e6)));
      }
      if (--this.#inFlight === 0) this.#drained?.();
    }
  }

  async #perform(call: ApiCall): Promise<unknown> {
    const service = this.#service;
    switch (call.route) {
      case 'message': {
        const waits = [service.ack(call.authorId, call.channelId, call.messageId), ...call.mentions.map((user) => service.mention(user, call.channelId))];
        await Promise.all(waits);
        return { ok: true };
      }
      case 'ack':
        await service.ack(call.userId, call.channelId, call.messageId);
        return service.readState(call.userId, call.channelId);
      case 'read':
        return service.readState(call.userId, call.channelId);
      case 'reconnect':
        return { readStates: await Promise.all(call.channelIds.map((channel) => service.readState(call.userId, channel))) };
      case 'health': {
        const failing = service.storeStatus().failing;
        if (failing !== undefined) throw new ApiError(503, `store failing: ${failing.cause}`, { status: 'store-failing' });
        return { status: this.#closing === undefined ? 'ok' : 'closing', contender: this.#contender, cached: service.counters().cacheSize };
      }
      case 'stats':
        return this.#stats();
    }
  }

  #stats(): unknown {
    const gc = this.#gc.snapshot();
    const memory = process.memoryUsage();
    return {
      contender: this.#contender,
      uptimeMs: performance.now() - this.#startedAt,
      counters: this.#service.counters(),
      memory: {
        heapUsedBytes: memory.heapUsed,
        heapTotalBytes: memory.heapTotal,
        rssBytes: memory.rss,
        externalBytes: memory.external,
        cacheOffHeapBytes: this.#service.cacheOffHeapBytes(),
      },
      gcEvents: gc.events,
      forcedGcs: gc.forced,
      /** Service time per route, from arrival to response, as encoded HDR histograms of ns. */
      latency: Object.fromEntries([...this.#latency].map(([route, histogram]) => [route, encodeHistogram(histogram)])),
    };
  }
}

function readBody(request: IncomingMessage, response: ServerResponse): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      request.resume();
      reject(new ApiError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners('data');
        request.resume();
        reject(new ApiError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
    // A body whose framing broke is answered by the clientError handler and its request then
    // emits nothing more: the response's close settles it, so it leaves the in-flight count.
    response.once('close', () => {
      if (!request.complete) reject(new ApiError(400, 'the body ended before it was complete'));
    });
  });
}

function reply(response: ServerResponse, status: number, value: unknown): void {
  if (response.headersSent) return;
  const body = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** Whether `work` settled (either way) within `ms`; never rejects. */
function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return withDeadline(work, ms).then(
    () => true,
    (error: unknown) => !(error instanceof DeadlineError),
  );
}

class DeadlineError extends Error {}

/** Resolves when `work` does, or rejects with a DeadlineError once `ms` have passed. */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new DeadlineError(`not done within the ${Math.round(ms)} ms left before the deadline`)), ms)),
  );
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { ReadState } from '../../implementations/contract.js';
import { timeFullGc } from '../measure/forced-gc.js';
import { type ForcedGcPlan, type GcReport, ThreadGc } from '../measure/thread-gc.js';
import type { ServiceCounters } from '../results/schema.js';
import type { StoreClient } from '../store/client.js';
import { ROW_FULL_GC_SAMPLES } from '../tuning.js';
import { ACK, MESSAGE, OPEN, RECONNECT, type RequestLog } from '../workload/request-log.js';
import { ABANDON_SCRIPT, BATCH_SCRIPT, DRAIN_SCRIPT, LOAD_SCRIPT, pendingKey, REDIS_KEYS } from './redis-scripts.js';
import { type RedisPersistence, type RunningRedis, startRedisServer } from './redis-server-process.js';
import type { Footprint, RequestService } from './request-service.js';

export interface RedisServiceOptions {
  readonly persistence: RedisPersistence;
  /** The most read states the Redis cache holds. */
  readonly capacity: number;
  /** The database behind the cache: what is evicted or due is written back here. */
  readonly store: StoreClient;
  /** Scenario milliseconds now; never goes backwards. */
  readonly clock: () => number;
  readonly writeBackDelayMs: number;
  readonly writeBackEveryMs: number;
  readonly writeBackBatch: number;
}

/** States sent to Redis per command while warming: big enough to be quick, small enough not to block it. */
const WARM_CHUNK = 5_000;
/**
 * The most operations one batch script call carries: Redis runs a script to the end before
 * anything else, so a bound keeps one call from holding it (about a few hundred µs here).
 */
const BATCH_OPERATIONS = 256;
/** Entries read per HSCAN for the end-of-run check. */
const SCAN_COUNT = 10_000;

type Kind = 'r' | 'a' | 'm';
type Sha = { batch: string; load: string; abandon: string; drain: string };
/** This turn's operations, four arguments each, and the requests they belong to (operation ranges). */
type Batch = {
  readonly keys: string[];
  readonly operations: Array<string | number>;
  readonly ids: number[];
  readonly requests: Array<{ first: number; end: number; resolve: () => void; reject: (error: Error) => void }>;
};
type Waiter = { resolve: () => void; reject: (error: Error) => void };

/**
 * The out-of-process cache: read states live in a redis-server the service starts (on a free
 * loopback port, configuration in redis-server-process.ts), and every operation is applied by a
 * Lua script (redis-scripts.ts). One script call carries the operations of every request sent in
 * the same event-loop turn, so a turn costs one network round trip and one script run, sent on
 * ioredis' auto-pipelined connection. The Node heap holds no read state, so a forced GC of it is
 * short; each request pays a round trip instead.
 *
 * Order: every call goes through one connection, and Redis runs scripts one at a time in the
 * order they arrive, so operations on an entry take effect in the order requests sent them. An
 * operation on an absent entry is queued inside Redis (the entry's pending list) by the same
 * script that found it absent; the first one to open the list makes this service load the state
 * from the store and send the insert, which applies the queue atomically. Why no update is lost:
 * the entry is absent from that first miss until the insert (only the insert adds it), and a
 * dirty victim's write-back is handed to the store as soon as the reply that evicted it arrives,
 * which is before the reply of any later miss; the store applies writes before later loads.
 */
export class RedisService implements RequestService {
  readonly #options: RedisServiceOptions;
  readonly #store: StoreClient;
  #server: RunningRedis | undefined;
  #redis: Redis | undefined;
  #sha: Sha | undefined;
  /** Entries being loaded, with the operations (their requests' promises) that wait for it. */
  readonly #loading = new Map<string, Waiter[]>();
  #timer: NodeJS.Timeout | undefined;
  #batch: Batch | undefined;
  #draining = false;
  #gc: ThreadGc | undefined;
  #hits = 0;
  #misses = 0;
  #inserted = 0;
  #evictions = 0;
  #serverBytes = 0;
  #memoryReadAt = 0;
  #fail: (error: Error) => void = () => {};
  readonly failed: Promise<never>;

  constructor(options: RedisServiceOptions) {
    this.#options = options;
    this.#store = options.store;
    this.failed = new Promise<never>((_, reject) => {
      this.#fail = reject;
      options.store.onFatal = reject;
      options.store.onStatusChange = (status) => {
        if (status.failing !== undefined) reject(new Error(`the store is failing: ${status.failing.cause}`));
      };
    });
    this.failed.catch(() => {});
  }

  get #client(): Redis {
    if (this.#redis === undefined) throw new Error('the service must be warmed before use');
    return this.#redis;
  }

  /** Starts redis-server, connects, loads the scripts and fills the cache (oldest first). */
  async warm(states: Iterable<ReadState>): Promise<Footprint> {
    await this.#store.ready();
    const server = await startRedisServer(this.#options.persistence);
    this.#server = server;
    server.died.catch((error: Error) => this.#fail(error));
    // Loaded here, not at the top: every row's child imports this file through create-service,
    // and ioredis' ~2 MB of heap would lengthen every other contender's full-GC pause.
    const { Redis } = await import('ioredis');
    const redis = new Redis({
      host: '127.0.0.1',
      port: server.port,
      enableAutoPipelining: true,
      // A lost connection is a failed run, never a silent retry that could reorder operations.
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: false,
      lazyConnect: true,
    });
    this.#redis = redis;
    redis.on('error', (error: Error) => this.#fail(new Error(`redis: ${error.message}`)));
    await redis.connect();
    redis.on('end', () => this.#fail(new Error('redis: the connection closed')));
    this.#sha = {
      batch: stringReply(await redis.script('LOAD', BATCH_SCRIPT), 'SCRIPT LOAD'),
      load: stringReply(await redis.script('LOAD', LOAD_SCRIPT), 'SCRIPT LOAD'),
      abandon: stringReply(await redis.script('LOAD', ABANDON_SCRIPT), 'SCRIPT LOAD'),
      drain: stringReply(await redis.script('LOAD', DRAIN_SCRIPT), 'SCRIPT LOAD'),
    };
    const before = await this.#usedMemory();
    let tick = 0;
    let fields: string[] = [];
    let ranks: Array<string | number> = [];
    const send = async (): Promise<void> => {
      if (fields.length === 0) return;
      // exec() answers each command's error instead of throwing it.
      const replies = await redis
        .pipeline()
        .hset('state', ...fields)
        .zadd('lru', ...ranks)
        .exec();
      const failure = replies?.find(([error]) => error !== null)?.[0];
      if (failure) throw new Error(`redis: filling the cache failed: ${failure.message}`);
      fields = [];
      ranks = [];
    };
    for (const state of states) {
      if (tick >= this.#options.capacity) break;
      const entry = `${state.userId}:${state.channelId}`;
      fields.push(entry, `${state.lastReadMessageId},${state.mentionCount},${state.updatedAt}`);
      ranks.push(++tick, entry);
      if (fields.length >= WARM_CHUNK * 2) await send();
    }
    await send();
    await redis.set('tick', tick);
    this.#inserted = await redis.hlen('state');
    this.#serverBytes = await this.#usedMemory();
    return { cachedStates: this.#inserted, heapBytes: 0, arrayBufferBytes: 0, offHeapBytes: this.#serverBytes - before };
  }

  start(originMs: number, forcedGc: Omit<ForcedGcPlan, 'offsetMs'> | undefined): void {
    this.#timer = setInterval(() => this.#writeBackDue(), this.#options.writeBackEveryMs);
    this.#gc = new ThreadGc('main', originMs, forcedGc === undefined ? undefined : { ...forcedGc, offsetMs: forcedGc.intervalMs });
  }

  /**
   * Adds the request's operations to this turn's batch (redis-scripts.ts BATCH_SCRIPT), sent as
   * one script call once the turn's requests are in; answered when Redis has answered the batch,
   * or, for an operation that missed, once the load of its entry has applied it.
   */
  handle(log: RequestLog, i: number, now: number): Promise<void> {
    const at = Math.floor(now);
    const type = log.type[i]!;
    const from = log.listStart[i]!;
    const first = type === RECONNECT ? from : from - 1;
    const end = type === ACK || type === OPEN ? from : log.listStart[i + 1]!;
    const batch = this.#openBatch();
    const firstOperation = batch.ids.length / 2;
    for (let k = first; k < end; k++) {
      const kind: Kind = k < from ? (type === OPEN ? 'r' : 'a') : type === MESSAGE ? 'm' : 'r';
      const userId = k >= from && type === MESSAGE ? log.list[k]! : log.userId[i]!;
      const channelId = k >= from && type === RECONNECT ? log.list[k]! : log.channelId[i]!;
      const entry = `${userId}:${channelId}`;
      batch.keys.push(pendingKey(entry));
      batch.operations.push(entry, kind, kind === 'a' ? log.messageId[i]! : 0, at);
      batch.ids.push(userId, channelId);
    }
    return new Promise<void>((resolve, reject) => batch.requests.push({ first: firstOperation, end: batch.ids.length / 2, resolve, reject }));
  }

  /** The batch this turn's requests join; sent in a microtask, or at once when it is full. */
  #openBatch(): Batch {
    let batch = this.#batch;
    if (batch !== undefined && batch.ids.length / 2 >= BATCH_OPERATIONS) {
      this.#sendBatch();
      batch = undefined;
    }
    if (batch === undefined) {
      batch = { keys: [...REDIS_KEYS], operations: [], ids: [], requests: [] };
      this.#batch = batch;
      queueMicrotask(() => {
        if (this.#batch === batch) this.#sendBatch();
      });
    }
    return batch;
  }

  #sendBatch(): void {
    const batch = this.#batch;
    if (batch === undefined) return;
    this.#batch = undefined;
    this.#client.evalsha(this.#sha!.batch, batch.keys.length, ...batch.keys, ...batch.operations).then(
      (reply) => {
        // The batch script's own reply (redis-scripts.ts): one number per operation.
        const answers = reply as number[];
        for (const request of batch.requests) {
          let waits: Array<Promise<void>> | undefined;
          for (let j = request.first; j < request.end; j++) {
            const answer = answers[j]!;
            if (answer === 0) {
              this.#hits++;
              continue;
            }
            this.#misses++;
            (waits ??= []).push(this.#afterLoad(String(batch.operations[4 * j]), batch.ids[2 * j]!, batch.ids[2 * j + 1]!, answer));
          }
          if (waits === undefined) request.resolve();
          else Promise.all(waits).then(() => request.resolve(), request.reject);
        }
      },
      (error: Error) => {
        for (const request of batch.requests) request.reject(error);
        this.#fail(new Error(`redis: a batch failed: ${error.message}`));
      },
    );
  }

  async finishMeasuring(): Promise<{ gc: GcReport[]; fullGcPauseMs: number }> {
    this.#gc?.stopForcing();
    const fullGcPauseMs = timeFullGc(ROW_FULL_GC_SAMPLES);
    return { gc: this.#gc === undefined ? [] : [this.#gc.report()], fullGcPauseMs };
  }

  /** Writes back every dirty state, then waits for the store to commit them. */
  async flush(): Promise<void> {
    while ((await this.#drain('+inf', this.#options.writeBackBatch)) > 0);
    await this.#store.settled();
  }

  async contents(): Promise<{ cache: ReadState[]; store: ReadState[] }> {
    const cache: ReadState[] = [];
    let cursor = '0';
    do {
      const [next, pairs] = await this.#client.hscan('state', cursor, 'COUNT', SCAN_COUNT);
      for (let j = 0; j < pairs.length; j += 2) cache.push(parseState(pairs[j]!, pairs[j + 1]!));
      cursor = next;
    } while (cursor !== '0');
    return { cache, store: await this.#store.dump() };
  }

  counters(): ServiceCounters {
    return {
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
      writeBacks: this.#store.status().handed,
      persisted: this.#store.status().persisted,
      cacheSize: this.#inserted - this.#evictions,
    };
  }

  /** The Redis server's memory (used_memory), as last read: a second ago at most while measuring. */
  cacheOffHeapBytes(): number {
    return this.#serverBytes;
  }

  /** The redis-server's process id while it runs (for the tests that check it is stopped). */
  get serverPid(): number | undefined {
    return this.#server?.pid;
  }

  /** The server's configuration and what it reported of itself (forks, memory), one line each. */
  async describe(): Promise<string[]> {
    const server = this.#server;
    if (server === undefined || this.#redis === undefined) return [];
    const info = parseInfo(await this.#redis.info('everything'));
    const forks = Number(info.total_forks ?? 0);
    // "calls=N,usec=T,usec_per_call=U,...": the time Redis itself spent in the scripts, so the
    // rest of a request's latency is the round trip, the client and the Node side's queueing.
    const scripts = /calls=(\d+),usec=\d+,usec_per_call=([\d.]+)/.exec(info.cmdstat_evalsha ?? '');
    return [
      `redis-server ${info.redis_version ?? '?'} on 127.0.0.1:${server.port}: ${server.configuration.map((arg) => (arg === '' ? "''" : arg.includes(' ') ? `'${arg}'` : arg)).join(' ')}`,
      `redis memory: used ${info.used_memory_human ?? '?'}, rss ${info.used_memory_rss_human ?? '?'}; ${info.total_commands_processed ?? '?'} commands`,
      scripts === null ? 'redis scripts: no calls' : `redis scripts: ${scripts[1]} calls, ${scripts[2]} µs each inside the server (EVALSHA, INFO commandstats)`,
      forks === 0
        ? 'redis forks: none (no snapshot taken)'
        : `redis forks: ${forks} snapshots (${info.rdb_saves ?? forks} saved), the last fork blocked the server ${(Number(info.latest_fork_usec ?? 0) / 1000).toFixed(1)} ms`,
    ];
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#gc?.report();
    const redis = this.#redis;
    if (redis !== undefined) {
      redis.removeAllListeners('end');
      redis.removeAllListeners('error');
      redis.on('error', () => {});
      redis.disconnect();
    }
    await this.#server?.stop();
    await this.#store.close();
  }

  /**
   * Waits for the load of an entry an operation missed; `queued` is the length of the entry's
   * pending list once the operation joined it. Length 1: this operation opened the list, so it
   * starts the load. Any load of an earlier list has already been inserted (its reply came first).
   */
  #afterLoad(entry: string, userId: number, channelId: number, queued: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter = { resolve, reject };
      if (queued === 1) {
        this.#loading.set(entry, [waiter]);
        this.#load(entry, userId, channelId);
        return;
      }
      const waiting = this.#loading.get(entry);
      if (waiting === undefined) reject(new Error(`redis: an operation on ${entry} queued behind a load that was never started`));
      else waiting.push(waiter);
    });
  }

  #load(entry: string, userId: number, channelId: number): void {
    this.#store.load(userId, channelId, (stored, error) => {
      const redis = this.#client;
      const sha = this.#sha!;
      const release = (failure?: Error): void => {
        const waiting = this.#loading.get(entry) ?? [];
        this.#loading.delete(entry);
        for (const waiter of waiting) {
          if (failure === undefined) waiter.resolve();
          else waiter.reject(failure);
        }
      };
      if (error !== undefined) {
        redis.evalsha(sha.abandon, 5, ...REDIS_KEYS, pendingKey(entry)).then(
          () => release(error),
          (cause: Error) => release(cause),
        );
        return;
      }
      const value = stored === undefined ? '' : `${stored.lastReadMessageId},${stored.mentionCount},${stored.updatedAt}`;
      const now = Math.floor(this.#options.clock());
      redis.evalsha(sha.load, 5, ...REDIS_KEYS, pendingKey(entry), entry, value, this.#options.capacity, now).then(
        (reply) => {
          // The load script's own reply (redis-scripts.ts): evictions, then entry and value pairs.
          const result = reply as Array<number | string>;
          this.#inserted++;
          this.#evictions += Number(result[0]);
          for (let j = 1; j < result.length; j += 2) this.#store.write(parseState(String(result[j]), String(result[j + 1])));
          release();
        },
        (cause: Error) => {
          release(cause);
          this.#fail(new Error(`redis: inserting ${entry} failed: ${cause.message}`));
        },
      );
    });
  }

  /** The write-back timer: one drain at a time; also refreshes the server's memory figure. */
  #writeBackDue(): void {
    if (this.#draining || this.#redis === undefined) return;
    this.#draining = true;
    const due = this.#options.clock() - this.#options.writeBackDelayMs;
    // The server's memory for the per-window samples, read once a second at most: INFO costs
    // the server more than a script call, and the samples are a second apart.
    const readMemory = performance.now() - this.#memoryReadAt >= 1000;
    if (readMemory) this.#memoryReadAt = performance.now();
    Promise.all([
      this.#drain(String(due), this.#options.writeBackBatch),
      readMemory ? this.#usedMemory().then((bytes) => (this.#serverBytes = bytes)) : undefined,
    ])
      .catch((error: Error) => this.#fail(new Error(`redis: write-back failed: ${error.message}`)))
      .finally(() => (this.#draining = false));
  }

  /** Hands due dirty entries (at most `max`) to the store; resolves with how many. */
  async #drain(olderThan: string, max: number): Promise<number> {
    const pairs = stringsReply(await this.#client.evalsha(this.#sha!.drain, 5, ...REDIS_KEYS, 'pending:', olderThan, max), 'the drain script');
    for (let j = 0; j < pairs.length; j += 2) this.#store.write(parseState(pairs[j]!, pairs[j + 1]!));
    return pairs.length / 2;
  }

  async #usedMemory(): Promise<number> {
    const info = parseInfo(await this.#client.info('memory'));
    return Number(info.used_memory ?? 0);
  }
}

/** A reply that must be a string (a script's sha); anything else is a failed Redis. */
function stringReply(reply: unknown, what: string): string {
  if (typeof reply !== 'string') throw new Error(`redis: ${what} replied ${String(reply)}, not a string`);
  return reply;
}

/** A reply that must be an array of strings (the drain script's entry and value pairs). */
function stringsReply(reply: unknown, what: string): string[] {
  if (!Array.isArray(reply) || !reply.every((item): item is string => typeof item === 'string'))
    throw new Error(`redis: ${what} replied ${String(reply)}, not strings`);
  return reply;
}

/** "user:channel" and "lastRead,mentions,updatedAt" back into a state. */
function parseState(entry: string, value: string): ReadState {
  const [userId, channelId] = entry.split(':');
  const [lastRead, mentions, updatedAt] = value.split(',');
  return {
    userId: Number(userId),
    channelId: Number(channelId),
    lastReadMessageId: Number(lastRead),
    mentionCount: Number(mentions),
    updatedAt: Number(updatedAt),
  };
}

/** INFO's "name:value" lines as a record. */
function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

import { emptyState, type ReadState, type ReadStateCache, type StateSink } from '../../implementations/contract.js';
import { timeFullGc } from '../measure/forced-gc.js';
import { type ForcedGcPlan, type GcReport, ThreadGc } from '../measure/thread-gc.js';
import type { ServiceCounters } from '../results/schema.js';
import type { StoreClient, StoreStatus } from '../store/client.js';
import { ROW_FULL_GC_SAMPLES } from '../tuning.js';
import { ACK, MESSAGE, OPEN, RECONNECT, type RequestLog } from '../workload/request-log.js';
import type { Footprint, RequestService } from './request-service.js';

export interface ServiceOptions {
  /** Creates the cache, given the sink its evicted dirty states must go to. */
  readonly makeCache: (onEvict: StateSink) => ReadStateCache;
  readonly store: StoreClient;
  /** Scenario milliseconds now; never goes backwards. */
  readonly clock: () => number;
  /** A dirty state is written back this many scenario ms after its last update. */
  readonly writeBackDelayMs: number;
  /** How often (wall ms) the write-back timer runs. */
  readonly writeBackEveryMs: number;
  /** The most states one timer run writes back, so one run cannot stall the service. */
  readonly writeBackBatch: number;
  /** Only operations on users it owns are applied (a partition); all of them by default. */
  readonly owns?: (userId: number) => boolean;
  /** Name of this thread in GC reports. */
  readonly thread?: string;
  /** Called when the store starts failing and when it recovers. */
  readonly onStoreStatus?: (status: StoreStatus) => void;
  /** Wall ms after the start of this thread's first forced GC (partitions stagger them). */
  readonly forcedGcOffsetMs?: (intervalMs: number) => number;
}

const READ = -1;
type Operation = typeof READ | typeof ACK | typeof MESSAGE;
const ownsEveryone = (): boolean => true;

/**
 * Turns requests into cache operations. A miss loads the state from the store (or starts a
 * fresh one), inserts it, then applies the operation; later operations on a key that is still
 * loading wait behind it in order, so no update is applied twice or lost.
 */
export class ReadStateService implements RequestService {
  readonly #options: ServiceOptions;
  readonly #store: StoreClient;
  readonly #clock: () => number;
  readonly #owns: (userId: number) => boolean;
  #cache: ReadStateCache | undefined;
  readonly #scratch: ReadState = emptyState();
  /**
   * Keys being loaded (loadingKey), each with the operations waiting for it, oldest first. A
   * dictionary-mode object, not a Map: keys come and go with every miss, and a Map under that
   * churn keeps its garbage alive through scavenges (store/in-flight.ts says how).
   */
  readonly #loading: Record<string, Array<(error?: Error) => void> | undefined> = Object.create(null);
  readonly #writeBack = (state: ReadState): void => this.#store.write(state);
  #timer: NodeJS.Timeout | undefined;
  #gc: ThreadGc | undefined;
  #closed = false;
  /** A promise from handle() always means a wait for the store: the driver labels it a miss. */
  readonly asyncMeansMiss = true;
  #hits = 0;
  #misses = 0;
  #inserted = 0;
  readonly failed: Promise<never>;

  constructor(options: ServiceOptions) {
    this.#options = options;
    this.#store = options.store;
    this.#clock = options.clock;
    this.#owns = options.owns ?? ownsEveryone;
    // A measured run cannot go on without its store: it fails when the store dies or starts
    // failing. A server instead keeps serving and answers 503 (harness/serve/server.ts).
    this.failed = new Promise<never>((_, reject) => {
      options.store.onFatal = reject;
      options.store.onStatusChange = (status) => {
        if (status.failing !== undefined) reject(new Error(`the store is failing: ${status.failing.cause}`));
        options.onStoreStatus?.(status);
      };
    });
    this.failed.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection
  }

  get #ready(): ReadStateCache {
    if (this.#cache === undefined) throw new Error('the service must be warmed before use');
    return this.#cache;
  }

  /**
   * Creates the cache and fills it. Memory is read before the cache exists and after the fill,
   * each time after a full GC where `gc` is exposed, so the footprint counts only the cache.
   */
  async warm(states: Iterable<ReadState>): Promise<Footprint> {
    await this.#store.ready();
    const before = await settledMemoryUsage();
    const cache = this.#options.makeCache(this.#writeBack);
    this.#cache = cache;
    for (const state of states) {
      cache.insert(state, 0);
      this.#inserted++;
    }
    const after = await settledMemoryUsage();
    return {
      cachedStates: cache.size,
      heapBytes: after.heapUsed - before.heapUsed,
      arrayBufferBytes: arrayBuffersGrown(before, after),
      offHeapBytes: cache.offHeapBytes(),
    };
  }

  start(originMs: number, forcedGc: Omit<ForcedGcPlan, 'offsetMs'> | undefined): void {
    this.#timer = setInterval(() => this.#writeBackDue(), this.#options.writeBackEveryMs);
    const offsetMs = forcedGc === undefined ? 0 : (this.#options.forcedGcOffsetMs?.(forcedGc.intervalMs) ?? forcedGc.intervalMs);
    this.#gc = new ThreadGc(this.#options.thread ?? 'main', originMs, forcedGc === undefined ? undefined : { ...forcedGc, offsetMs });
  }

  /**
   * The request path. A hit allocates nothing: ids and the request's index travel as small
   * integers, `now` is floored to whole scenario ms (a small integer too), and the message id,
   * a float near 2^50, is read from the log right at the one place the cache's ack is called.
   * A float passed to a call V8 does not inline becomes a new heap number (16 bytes), so every
   * operation of a request goes through one loop with a single call site per cache method: the
   * fewest, most frequent call sites, which V8 inlines first.
   *
   * Operation k of request i: a message is the author's ack (k = from - 1) and one mention per
   * mentioned user (k = from .. to - 1); an ack and an open are one operation (k = from - 1); a
   * reconnect reads each of its channels (k = from .. to - 1).
   */
  handle(log: RequestLog, i: number, now: number): Promise<void> | undefined {
    const cache = this.#cache;
    if (cache === undefined) throw new Error('the service must be warmed before use');
    const at = Math.floor(now);
    const type = log.type[i]!;
    const from = log.listStart[i]!;
    const first = type === RECONNECT ? from : from - 1;
    const end = type === ACK || type === OPEN ? from : log.listStart[i + 1]!;
    let waits: Promise<void> | undefined;
    for (let k = first; k < end; k++) {
      const operation = k < from ? (type === OPEN ? READ : ACK) : type === MESSAGE ? MESSAGE : READ;
      const userId = k >= from && type === MESSAGE ? log.list[k]! : log.userId[i]!;
      const channelId = k >= from && type === RECONNECT ? log.list[k]! : log.channelId[i]!;
      if (!this.#owns(userId)) continue;
      let hit: boolean;
      if (operation === READ) hit = cache.read(userId, channelId, this.#scratch);
      else if (operation === ACK) hit = cache.ack(userId, channelId, log.messageId[i]!, at);
      else hit = cache.mention(userId, channelId, at);
      if (hit) this.#hits++;
      else waits = join(waits, this.#miss(operation, userId, channelId, operation === ACK ? log.messageId[i]! : 0));
    }
    return waits;
  }

  /** Applies one ack, as an HTTP request asks; resolves once it is in the cache. */
  ack(userId: number, channelId: number, messageId: number): Promise<void> | undefined {
    return this.#apply(ACK, userId, channelId, messageId, this.#now());
  }

  /** Adds one mention of `userId` in `channelId`. */
  mention(userId: number, channelId: number): Promise<void> | undefined {
    return this.#apply(MESSAGE, userId, channelId, 0, this.#now());
  }

  /** The read state of (userId, channelId), loading it from the store on a miss. */
  async readState(userId: number, channelId: number): Promise<ReadState> {
    const state = emptyState();
    // After a load, other loads of the same store reply may evict the entry before this
    // continuation runs (in a tiny cache): then it is simply loaded again.
    for (;;) {
      await this.#apply(READ, userId, channelId, 0, this.#now());
      if (this.#ready.read(userId, channelId, state)) return state;
    }
  }

  async finishMeasuring(): Promise<{ gc: GcReport[]; fullGcPauseMs: number }> {
    this.#gc?.stopForcing();
    const fullGcPauseMs = timeFullGc(ROW_FULL_GC_SAMPLES);
    return { gc: this.#gc === undefined ? [] : [this.#gc.report()], fullGcPauseMs };
  }

  async flush(): Promise<void> {
    this.#ready.drainDue(Infinity, this.#writeBack);
    await this.#store.settled();
  }

  async contents(): Promise<{ cache: ReadState[]; store: ReadState[] }> {
    const cache: ReadState[] = [];
    this.#ready.forEach((state) => cache.push(state));
    return { cache, store: await this.#store.dump() };
  }

  counters(): ServiceCounters {
    const size = this.#cache?.size ?? 0;
    return {
      hits: this.#hits,
      misses: this.#misses,
      // Entries only ever leave the cache by eviction: the service never replaces one.
      evictions: this.#inserted - size,
      writeBacks: this.#store.status().handed,
      persisted: this.#store.status().persisted,
      cacheSize: size,
    };
  }

  /** What the store has done with the states handed to it, and whether it is failing. */
  storeStatus(): StoreStatus {
    return this.#store.status();
  }

  /** Resolves once the store is open and took a test write; rejects with one line if not. */
  storeReady(): Promise<void> {
    return this.#store.ready();
  }

  cacheOffHeapBytes(): number {
    return this.#cache?.offHeapBytes() ?? 0;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#gc?.report();
    this.#cache?.close();
    await this.#store.close();
  }

  #writeBackDue(): void {
    const due = this.#clock() - this.#options.writeBackDelayMs;
    this.#ready.drainDue(due, this.#writeBack, this.#options.writeBackBatch);
  }

  /**
   * Scenario ms now, floored like the `now` of handle(): every time the cache sees is a whole
   * millisecond from one clock, so updates reach it in clock order whichever path they take.
   */
  #now(): number {
    return Math.floor(this.#clock());
  }

  #apply(operation: Operation, userId: number, channelId: number, messageId: number, now: number): Promise<void> | undefined {
    if (this.#tryApply(operation, userId, channelId, messageId, now)) {
      this.#hits++;
      return undefined;
    }
    return this.#miss(operation, userId, channelId, messageId);
  }

  /** Loads the key, then applies the operation; operations on a key being loaded queue behind it. */
  #miss(operation: Operation, userId: number, channelId: number, messageId: number): Promise<void> {
    this.#misses++;
    return new Promise((resolve, reject) => {
      this.#afterLoad(userId, channelId, (error) => {
        if (error !== undefined) return reject(error);
        // Applied later than asked: stamp it with the time it is applied, so updates reach the
        // cache in clock order.
        if (!this.#tryApply(operation, userId, channelId, messageId, this.#now())) {
          throw new Error(`read state ${userId}:${channelId} missing right after its load`);
        }
        resolve();
      });
    });
  }

  #tryApply(operation: Operation, userId: number, channelId: number, messageId: number, now: number): boolean {
    const cache = this.#ready;
    switch (operation) {
      case READ:
        return cache.read(userId, channelId, this.#scratch);
      case ACK:
        return cache.ack(userId, channelId, messageId, now);
      default:
        return cache.mention(userId, channelId, now);
    }
  }

  /** Runs `then` once (userId, channelId) is in the cache, loading it if no load is under way. */
  #afterLoad(userId: number, channelId: number, then: (error?: Error) => void): void {
    const key = loadingKey(userId, channelId);
    const waiting = this.#loading[key];
    if (waiting !== undefined) {
      waiting.push(then);
      return;
    }
    this.#loading[key] = [then];
    this.#store.load(userId, channelId, (stored, error) => {
      const queue = this.#loading[key]!;
      delete this.#loading[key];
      // A failed load inserts nothing and releases every operation waiting for the key: each
      // fails (HTTP 503), and the next request for the key loads it again. So does a load that
      // completes after close(): the cache is gone.
      const failure = error ?? (this.#closed ? new Error('the service is closed') : undefined);
      if (failure !== undefined) {
        for (const next of queue) next(failure);
        return;
      }
      const now = this.#now();
      this.#ready.insert(stored ?? { userId, channelId, lastReadMessageId: 0, mentionCount: 0, updatedAt: now }, now);
      this.#inserted++;
      for (const next of queue) next();
    });
  }
}

/**
 * Memory after full GCs and a pause: V8 frees dead ArrayBuffers' memory on a background
 * sweeper after a GC, so a reading taken at once still counts buffers that are already dead
 * (the request log builder's, say) and would make a cache's footprint look smaller than it is.
 */
async function settledMemoryUsage(): Promise<NodeJS.MemoryUsage> {
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 50));
  globalThis.gc?.();
  return process.memoryUsage();
}

/**
 * ArrayBuffer memory added between two readings. Deno 2.9 reports `arrayBuffers` as 0 whatever
 * is allocated, though its `external` counts them (a typed-array cache read as 0 bytes per
 * entry there), so where `arrayBuffers` reports nothing, `external`'s growth stands in. On Node
 * `external` includes `arrayBuffers` and is not used; Bun reports neither and counts its
 * buffers in the heap.
 */
function arrayBuffersGrown(before: NodeJS.MemoryUsage, after: NodeJS.MemoryUsage): number {
  const reported = before.arrayBuffers > 0 || after.arrayBuffers > 0;
  return reported ? after.arrayBuffers - before.arrayBuffers : Math.max(0, after.external - before.external);
}

/**
 * The key of a load under way: both uint32 ids as four UTF-16 code units. Not
 * `${userId}:${channelId}`: V8 keeps every small integer it turns into a string in its number
 * string cache, an old-generation table, so the ids of every miss lived on there instead of
 * dying young (a small part of what survived each scavenge; the churning Maps were most of it).
 */
function loadingKey(userId: number, channelId: number): string {
  return String.fromCharCode(userId & 0xffff, userId >>> 16, channelId & 0xffff, channelId >>> 16);
}

function join(a: Promise<void> | undefined, b: Promise<void> | undefined): Promise<void> | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Promise.all([a, b]).then(() => undefined);
}

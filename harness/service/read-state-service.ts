import { emptyState, type ReadState, type ReadStateCache, type StateSink } from '../../implementations/contract.js';
import { timeFullGc } from '../measure/forced-gc.js';
import { type ForcedGcPlan, type GcReport, ThreadGc } from '../measure/thread-gc.js';
import type { ServiceCounters } from '../results/schema.js';
import type { StoreClient, StoreStatus, StoreUnavailableError } from '../store/client.js';
import { ROW_FULL_GC_SAMPLES } from '../tuning.js';
import { ACK, MESSAGE, OPEN, RECONNECT, type RequestLog } from '../workload/request-log.js';
import type { Footprint, RequestAnswerSink, RequestService } from './request-service.js';
import { WaitingOperations } from './waiting-operations.js';

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
/** handle()'s misses wait on promises; submit()'s carry the request's index as their ticket. */
const PROMISE = -1;

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
   * Keys being loaded, each with the operations waiting for it, oldest first, in typed arrays
   * (waiting-operations.ts). An operation's ticket is the request index of submit(), whose
   * answer goes to #answers, or -1 - k for the promise of handle() and the HTTP paths kept in
   * #waiters[k].
   */
  readonly #waiting = new WaitingOperations();
  readonly #waiters: Array<{ resolve: () => void; reject: (error: Error) => void } | undefined> = [];
  readonly #freeWaiters: number[] = [];
  #answers: RequestAnswerSink | undefined;
  /** handle()'s promises of one request, joined. */
  #joined: Promise<void> | undefined;
  /**
   * The state a load inserts, reused: caches copy what insert() is given (the typed-array and
   * native ones into their arrays, naive-map and lru-cache into an object of their own).
   */
  readonly #loaded: ReadState = emptyState();
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
    options.store.setTaggedLoadSink({
      loaded: (load, found, at) => this.#loadedFromStore(load, found, at),
      failed: (load, error) => this.#loadFailed(load, error),
    });
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
    this.#joined = undefined;
    this.#operate(log, i, now, PROMISE);
    const waits = this.#joined;
    this.#joined = undefined;
    return waits;
  }

  /**
   * handle() without a promise: returns how many operations wait for the store, each of which
   * reports to the answer sink with `i` once applied. A miss allocates nothing on this thread
   * (the store batch aside, one per event-loop turn whatever it carries).
   */
  submit(log: RequestLog, i: number, now: number): number {
    if (this.#answers === undefined) throw new Error('submit() before setAnswerSink()');
    return this.#operate(log, i, now, i);
  }

  setAnswerSink(sink: RequestAnswerSink): void {
    this.#answers = sink;
  }

  pollStore(keepPolling: boolean): void {
    this.#store.poll(keepPolling);
  }

  /** The operations of request i; misses wait with `ticket` (PROMISE: on a promise). */
  #operate(log: RequestLog, i: number, now: number, ticket: number): number {
    const cache = this.#cache;
    if (cache === undefined) throw new Error('the service must be warmed before use');
    const at = Math.floor(now);
    const type = log.type[i]!;
    const from = log.listStart[i]!;
    const first = type === RECONNECT ? from : from - 1;
    const end = type === ACK || type === OPEN ? from : log.listStart[i + 1]!;
    let waits = 0;
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
      else {
        waits++;
        const messageId = operation === ACK ? log.messageId[i]! : 0;
        if (ticket === PROMISE) this.#joined = join(this.#joined, this.#miss(operation, userId, channelId, messageId));
        else this.#queue(operation, userId, channelId, messageId, ticket);
      }
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

  /** Loads the key, then applies the operation; resolves once it is applied. */
  #miss(operation: Operation, userId: number, channelId: number, messageId: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const k = this.#freeWaiters.pop() ?? this.#waiters.length;
      this.#waiters[k] = { resolve, reject };
      this.#queue(operation, userId, channelId, messageId, -1 - k);
    });
  }

  /**
   * Queues the operation behind the load of its key, starting the load if none is under way:
   * operations on a key being loaded are applied in the order they came, once it is in.
   */
  #queue(operation: Operation, userId: number, channelId: number, messageId: number, ticket: number): void {
    this.#misses++;
    const waiting = this.#waiting;
    let load = waiting.find(userId, channelId);
    if (load >= 0) {
      waiting.enqueue(load, operation, messageId, ticket);
      return;
    }
    load = waiting.startLoad(userId, channelId);
    waiting.enqueue(load, operation, messageId, ticket);
    this.#store.loadTagged(userId, channelId, load);
  }

  /** A load came back: inserts the state (or a fresh one) and applies what waited for it, in order. */
  #loadedFromStore(load: number, found: Float64Array, at: number): void {
    // A load that completes after close() inserts nothing: the cache is gone.
    if (this.#closed) return this.#loadFailed(load, new Error('the service is closed'));
    const waiting = this.#waiting;
    const userId = waiting.userOf(load);
    const channelId = waiting.channelOf(load);
    let op = waiting.finishLoad(load);
    const now = this.#now();
    const state = this.#loaded;
    state.userId = userId;
    state.channelId = channelId;
    if (found[at] === 1) {
      state.lastReadMessageId = found[at + 1]!;
      state.mentionCount = found[at + 2]!;
      state.updatedAt = found[at + 3]!;
    } else {
      state.lastReadMessageId = 0;
      state.mentionCount = 0;
      state.updatedAt = now;
    }
    this.#ready.insert(state, now);
    this.#inserted++;
    while (op >= 0) {
      // Only this service enqueues, and only Operation values (enqueue() above); the Int32Array holds them as numbers.
      const operation = waiting.kindOf(op) as Operation;
      const messageId = waiting.messageOf(op);
      const ticket = waiting.ticketOf(op);
      op = waiting.next(op);
      // Applied later than asked: stamped with the time of the load's answer, read once (a
      // clock read is a new heap number), so updates still reach the cache in clock order.
      if (this.#tryApply(operation, userId, channelId, messageId, now)) this.#answer(ticket);
      else this.#fail(ticket, new Error(`read state ${userId}:${channelId} missing right after its load`));
    }
  }

  /**
   * A failed load inserts nothing and releases every operation waiting for the key: each fails
   * (HTTP 503; a measured run fails), and the next request for the key loads it again.
   */
  #loadFailed(load: number, error: StoreUnavailableError | Error): void {
    const waiting = this.#waiting;
    let op = waiting.finishLoad(load);
    while (op >= 0) {
      const ticket = waiting.ticketOf(op);
      op = waiting.next(op);
      this.#fail(ticket, error);
    }
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

  #answer(ticket: number): void {
    if (ticket >= 0) {
      this.#answers!.answered(ticket);
      return;
    }
    const k = -1 - ticket;
    const waiter = this.#waiters[k]!;
    this.#waiters[k] = undefined;
    this.#freeWaiters.push(k);
    waiter.resolve();
  }

  #fail(ticket: number, error: Error): void {
    if (ticket >= 0) {
      this.#answers!.failed(error);
      return;
    }
    const k = -1 - ticket;
    const waiter = this.#waiters[k]!;
    this.#waiters[k] = undefined;
    this.#freeWaiters.push(k);
    waiter.reject(error);
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

function join(a: Promise<void> | undefined, b: Promise<void> | undefined): Promise<void> | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Promise.all([a, b]).then(() => undefined);
}

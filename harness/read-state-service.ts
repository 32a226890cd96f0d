import { emptyState, type ReadState, type ReadStateCache, type StateSink } from '../implementations/contract.js';
import { ACK, MESSAGE, OPEN, type RequestLog } from './request-log.js';
import type { StoreClient } from './store-client.js';

/** What the harness needs of a service: the plain one here, or a partitioned one. */
export interface RequestService {
  /**
   * Handles request `i` of `log` at scenario time `now` (ms). Returns undefined when the request
   * was answered synchronously, or a promise when it had to wait for the store.
   */
  handle(log: RequestLog, i: number, now: number): Promise<void> | undefined;
  /** Writes back every dirty state and waits until the store has applied all writes. */
  flush(): Promise<void>;
  /** The cache's states and the store's states, for the end-of-run check. */
  contents(): Promise<{ cache: ReadState[]; store: ReadState[] }>;
  counters(): ServiceCounters;
  close(): Promise<void>;
}

export interface ServiceCounters {
  /** Cache operations that found their entry. */
  hits: number;
  /** Cache operations that had to load their entry from the store. */
  misses: number;
  evictions: number;
  /** States written back to the store (evicted dirty or due). */
  writeBacks: number;
  cacheSize: number;
}

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
}

const READ = -1;
type Operation = typeof READ | typeof ACK | typeof MESSAGE;

/**
 * Turns requests into cache operations. A miss loads the state from the store (or starts a
 * fresh one), inserts it, then applies the operation; later operations on a key that is still
 * loading wait behind it in order, so no update is applied twice or lost.
 */
export class ReadStateService implements RequestService {
  readonly #cache: ReadStateCache;
  readonly #store: StoreClient;
  readonly #clock: () => number;
  readonly #options: ServiceOptions;
  readonly #scratch: ReadState = emptyState();
  /** Keys being loaded, each with the operations waiting for it, oldest first. */
  readonly #loading = new Map<string, Array<() => void>>();
  readonly #writeBack = (state: ReadState): void => this.#store.write(state);
  readonly #timer: NodeJS.Timeout;
  #hits = 0;
  #misses = 0;
  #inserted = 0;

  constructor(options: ServiceOptions) {
    this.#options = options;
    this.#store = options.store;
    this.#cache = options.makeCache(this.#writeBack);
    this.#clock = options.clock;
    this.#timer = setInterval(() => this.#writeBackDue(), options.writeBackEveryMs);
  }

  /** Warms the cache before measuring with states the store would return (clean). */
  warm(states: Iterable<ReadState>): void {
    for (const state of states) {
      this.#cache.insert(state, 0);
      this.#inserted++;
    }
  }

  /** The cache this service runs over, for memory accounting. */
  get cache(): ReadStateCache {
    return this.#cache;
  }

  handle(log: RequestLog, i: number, now: number): Promise<void> | undefined {
    const userId = log.userId[i]!;
    const channelId = log.channelId[i]!;
    const from = log.listStart[i]!;
    const to = log.listStart[i + 1]!;
    switch (log.type[i]) {
      case MESSAGE: {
        // The author has read their own message; everyone mentioned gets one more mention.
        let waits = this.#apply(ACK, userId, channelId, log.messageId[i]!, now);
        for (let j = from; j < to; j++) waits = join(waits, this.#apply(MESSAGE, log.list[j]!, channelId, 0, now));
        return waits;
      }
      case ACK:
        return this.#apply(ACK, userId, channelId, log.messageId[i]!, now);
      case OPEN:
        return this.#apply(READ, userId, channelId, 0, now);
      default: {
        let waits: Promise<void> | undefined;
        for (let j = from; j < to; j++) waits = join(waits, this.#apply(READ, userId, log.list[j]!, 0, now));
        return waits;
      }
    }
  }

  async flush(): Promise<void> {
    this.#cache.drainDue(Infinity, this.#writeBack);
    await this.#store.settled();
  }

  async contents(): Promise<{ cache: ReadState[]; store: ReadState[] }> {
    const cache: ReadState[] = [];
    this.#cache.forEach((state) => cache.push(state));
    return { cache, store: await this.#store.dump() };
  }

  counters(): ServiceCounters {
    return {
      hits: this.#hits,
      misses: this.#misses,
      // Entries only ever leave the cache by eviction: the service never replaces one.
      evictions: this.#inserted - this.#cache.size,
      writeBacks: this.#store.writeCount,
      cacheSize: this.#cache.size,
    };
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#cache.close();
    await this.#store.close();
  }

  #writeBackDue(): void {
    const due = this.#clock() - this.#options.writeBackDelayMs;
    this.#cache.drainDue(due, this.#writeBack, this.#options.writeBackBatch);
  }

  #apply(operation: Operation, userId: number, channelId: number, messageId: number, now: number): Promise<void> | undefined {
    if (this.#tryApply(operation, userId, channelId, messageId, now)) {
      this.#hits++;
      return undefined;
    }
    this.#misses++;
    return new Promise((resolve) => {
      this.#afterLoad(userId, channelId, () => {
        // Applied later than asked: stamp it with the time it is applied, so updates reach the
        // cache in clock order.
        if (!this.#tryApply(operation, userId, channelId, messageId, this.#clock())) {
          throw new Error(`read state ${userId}:${channelId} missing right after its load`);
        }
        resolve();
      });
    });
  }

  #tryApply(operation: Operation, userId: number, channelId: number, messageId: number, now: number): boolean {
    switch (operation) {
      case READ:
        return this.#cache.read(userId, channelId, this.#scratch);
      case ACK:
        return this.#cache.ack(userId, channelId, messageId, now);
      default:
        return this.#cache.mention(userId, channelId, now);
    }
  }

  /** Runs `then` once (userId, channelId) is in the cache, loading it if no load is under way. */
  #afterLoad(userId: number, channelId: number, then: () => void): void {
    const key = `${userId}:${channelId}`;
    const waiting = this.#loading.get(key);
    if (waiting !== undefined) {
      waiting.push(then);
      return;
    }
    this.#loading.set(key, [then]);
    this.#store.load(userId, channelId, (stored) => {
      const now = this.#clock();
      this.#cache.insert(stored ?? { userId, channelId, lastReadMessageId: 0, mentionCount: 0, updatedAt: now }, now);
      this.#inserted++;
      const queue = this.#loading.get(key)!;
      this.#loading.delete(key);
      for (const next of queue) next();
    });
  }
}

function join(a: Promise<void> | undefined, b: Promise<void> | undefined): Promise<void> | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Promise.all([a, b]).then(() => undefined);
}

import { LRUCache } from 'lru-cache';
import { type CacheOptions, checkCapacity, closedError, type ReadState, type ReadStateCache, type StateSink } from './contract.js';
import { copyState, DirtyQueue } from './dirty-queue.js';

/**
 * The npm package most people would pick (lru-cache v11), keyed by a "user:channel" string
 * with a plain object per state. It keeps its LRU list in typed arrays, but its key -> slot
 * index is still a `Map` and every key and value is a heap object the GC must mark.
 */
export class LruCacheCache implements ReadStateCache {
  readonly capacity: number;
  readonly #lru: LRUCache<string, ReadState>;
  readonly #dirty = new DirtyQueue<string, ReadState>();
  readonly #onEvict: StateSink | undefined;
  #closed = false;

  constructor(options: CacheOptions) {
    checkCapacity(options.capacity);
    this.capacity = options.capacity;
    this.#onEvict = options.onEvict;
    this.#lru = new LRUCache<string, ReadState>({
      max: options.capacity,
      // Only evictions write back: replacing an entry (`insert`) drops its dirty mark on purpose.
      dispose: (entry, key, reason) => {
        if (reason === 'evict' && this.#dirty.remove(key)) this.#onEvict?.(copyState(entry));
      },
    });
  }

  get size(): number {
    return this.#lru.size;
  }

  read(userId: number, channelId: number, into: ReadState): boolean {
    if (this.#closed) throw closedError('lru-cache');
    const entry = this.#lru.get(`${userId}:${channelId}`);
    if (entry === undefined) return false;
    copyState(entry, into);
    return true;
  }

  ack(userId: number, channelId: number, messageId: number, now: number): boolean {
    if (this.#closed) throw closedError('lru-cache');
    const key = `${userId}:${channelId}`;
    const entry = this.#lru.get(key);
    if (entry === undefined) return false;
    if (messageId > entry.lastReadMessageId) entry.lastReadMessageId = messageId;
    entry.mentionCount = 0;
    entry.updatedAt = now;
    this.#dirty.touch(key, entry);
    return true;
  }

  mention(userId: number, channelId: number, now: number): boolean {
    if (this.#closed) throw closedError('lru-cache');
    const key = `${userId}:${channelId}`;
    const entry = this.#lru.get(key);
    if (entry === undefined) return false;
    entry.mentionCount++;
    entry.updatedAt = now;
    this.#dirty.touch(key, entry);
    return true;
  }

  insert(state: ReadState, _now: number): void {
    if (this.#closed) throw closedError('lru-cache');
    const key = `${state.userId}:${state.channelId}`;
    this.#dirty.remove(key);
    this.#lru.set(key, copyState(state));
  }

  drainDue(olderThan: number, sink: StateSink, max = Infinity): number {
    if (this.#closed) throw closedError('lru-cache');
    return this.#dirty.drainDue(olderThan, sink, max);
  }

  forEach(visit: StateSink): void {
    if (this.#closed) throw closedError('lru-cache');
    for (const entry of this.#lru.values()) visit(copyState(entry));
  }

  offHeapBytes(): number {
    if (this.#closed) throw closedError('lru-cache');
    return 0;
  }

  close(): void {
    this.#closed = true;
    this.#dirty.clear();
    this.#lru.clear();
  }
}

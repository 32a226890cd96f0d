import { type CacheOptions, checkCapacity, closedError, type ReadState, type ReadStateCache, type StateSink } from './contract.js';
import { copyState, DirtyQueue } from './dirty-queue.js';

/**
 * What most people write first: a `Map` from a "user:channel" string to a plain object, kept
 * in LRU order by deleting and re-setting a key on every use, evicting `map.keys().next()`.
 *
 * It is kept naive on purpose, as the lab's control. Every entry is two heap objects (the key
 * string and the state) that a major GC must mark, and every use leaves a deleted slot in the
 * Map's table: the table is rebuilt in one step when those run out (a stall of its own, with no
 * GC involved), and `keys().next()` walks the deleted slots at the front of the table on every
 * eviction. Both are costs a user of this design pays; the report shows them rather than a fix
 * nobody writes first.
 */
export class NaiveMapCache implements ReadStateCache {
  readonly capacity: number;
  readonly #map = new Map<string, ReadState>();
  readonly #dirty = new DirtyQueue<string, ReadState>();
  readonly #onEvict: StateSink | undefined;
  #closed = false;

  constructor(options: CacheOptions) {
    checkCapacity(options.capacity);
    this.capacity = options.capacity;
    this.#onEvict = options.onEvict;
  }

  get size(): number {
    return this.#map.size;
  }

  read(userId: number, channelId: number, into: ReadState): boolean {
    if (this.#closed) throw closedError('naive-map');
    const entry = this.#use(`${userId}:${channelId}`);
    if (entry === undefined) return false;
    copyState(entry, into);
    return true;
  }

  ack(userId: number, channelId: number, messageId: number, now: number): boolean {
    if (this.#closed) throw closedError('naive-map');
    const key = `${userId}:${channelId}`;
    const entry = this.#use(key);
    if (entry === undefined) return false;
    if (messageId > entry.lastReadMessageId) entry.lastReadMessageId = messageId;
    entry.mentionCount = 0;
    entry.updatedAt = now;
    this.#dirty.touch(key, entry);
    return true;
  }

  mention(userId: number, channelId: number, now: number): boolean {
    if (this.#closed) throw closedError('naive-map');
    const key = `${userId}:${channelId}`;
    const entry = this.#use(key);
    if (entry === undefined) return false;
    entry.mentionCount++;
    entry.updatedAt = now;
    this.#dirty.touch(key, entry);
    return true;
  }

  insert(state: ReadState, _now: number): void {
    if (this.#closed) throw closedError('naive-map');
    const key = `${state.userId}:${state.channelId}`;
    if (this.#map.delete(key)) {
      this.#dirty.remove(key);
    } else if (this.#map.size >= this.capacity) {
      this.#evictOldest();
    }
    this.#map.set(key, copyState(state));
  }

  drainDue(olderThan: number, sink: StateSink, max = Infinity): number {
    if (this.#closed) throw closedError('naive-map');
    return this.#dirty.drainDue(olderThan, sink, max);
  }

  /** updatedAt of the oldest dirty entry, or Infinity when none is dirty. */
  oldestDirtyUpdatedAt(): number {
    if (this.#closed) throw closedError('naive-map');
    return this.#dirty.oldestUpdatedAt();
  }

  forEach(visit: StateSink): void {
    if (this.#closed) throw closedError('naive-map');
    for (const entry of this.#map.values()) visit(copyState(entry));
  }

  offHeapBytes(): number {
    if (this.#closed) throw closedError('naive-map');
    return 0;
  }

  close(): void {
    this.#closed = true;
    this.#map.clear();
    this.#dirty.clear();
  }

  /** Looks `key` up and moves it to the most recently used end. */
  #use(key: string): ReadState | undefined {
    const entry = this.#map.get(key);
    if (entry === undefined) return undefined;
    this.#map.delete(key);
    this.#map.set(key, entry);
    return entry;
  }

  #evictOldest(): void {
    const oldest = this.#map.keys().next();
    if (oldest.done === true) return;
    const key = oldest.value;
    const entry = this.#map.get(key);
    this.#map.delete(key);
    if (this.#dirty.remove(key) && entry !== undefined) this.#onEvict?.(copyState(entry));
  }
}

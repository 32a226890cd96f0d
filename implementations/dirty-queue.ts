import type { ReadState, StateSink } from './contract.js';

/**
 * Dirty entries of an object-based cache, oldest update first, for `drainDue`.
 *
 * A `Map` keeps insertion order, so deleting and re-adding a key on every update keeps the
 * queue sorted by `updatedAt` (the contract's clock never goes backwards). Draining then stops
 * at the first entry that is not yet due instead of scanning the whole cache.
 */
export class DirtyQueue<K, E extends ReadState> {
  readonly #entries = new Map<K, E>();

  get size(): number {
    return this.#entries.size;
  }

  /** Records that `entry` changed just now. */
  touch(key: K, entry: E): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
  }

  /** Forgets `key` (it was evicted, or replaced by a clean state). Returns whether it was dirty. */
  remove(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** updatedAt of the oldest dirty entry, or Infinity when none is dirty. */
  oldestUpdatedAt(): number {
    for (const entry of this.#entries.values()) return entry.updatedAt;
    return Infinity;
  }

  drainDue(olderThan: number, sink: StateSink, max: number): number {
    let drained = 0;
    for (const [key, entry] of this.#entries) {
      if (drained >= max || entry.updatedAt > olderThan) break;
      this.#entries.delete(key);
      sink(copyState(entry));
      drained++;
    }
    return drained;
  }

  clear(): void {
    this.#entries.clear();
  }
}

// Filled below: every field of ReadState is set before it is returned.
export function copyState(from: ReadState, into: ReadState = {} as ReadState): ReadState {
  into.userId = from.userId;
  into.channelId = from.channelId;
  into.lastReadMessageId = from.lastReadMessageId;
  into.mentionCount = from.mentionCount;
  into.updatedAt = from.updatedAt;
  return into;
}

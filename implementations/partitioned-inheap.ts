import { type CacheOptions, checkCapacity, closedError, type ReadState, type ReadStateCache, type StateSink } from './contract.js';
import { NaiveMapCache } from './naive-map.js';
import { partitionCapacity, partitionOf } from './partition-of.js';

/** Shards, as many as the partitioned service has partitions. */
export const INHEAP_PARTITIONS = 4;

/**
 * The control for the partitioned service: the same routing by user over N naive-map shards,
 * but all on one heap. A major GC still marks every shard, so the pause should not shrink; if
 * it does, partitioning is not what shortened it.
 *
 * LRU order and capacity are per shard, as in any partitioned cache: a shard evicts its own
 * least recently used entry when it is full. `drainDue` still hands out the oldest updates of
 * all shards first.
 */
export class PartitionedInHeapCache implements ReadStateCache {
  readonly capacity: number;
  readonly partitions: number;
  readonly #shards: NaiveMapCache[];
  #closed = false;

  constructor(options: CacheOptions) {
    checkCapacity(options.capacity);
    this.capacity = options.capacity;
    this.partitions = Math.min(INHEAP_PARTITIONS, options.capacity);
    this.#shards = Array.from(
      { length: this.partitions },
      (_, k) => new NaiveMapCache({ capacity: partitionCapacity(k, options.capacity, this.partitions), onEvict: options.onEvict }),
    );
  }

  get size(): number {
    return this.#shards.reduce((n, shard) => n + shard.size, 0);
  }

  #shard(userId: number): NaiveMapCache {
    return this.#shards[partitionOf(userId, this.partitions)]!;
  }

  read(userId: number, channelId: number, into: ReadState): boolean {
    if (this.#closed) throw closedError('partitioned-inheap');
    return this.#shard(userId).read(userId, channelId, into);
  }

  ack(userId: number, channelId: number, messageId: number, now: number): boolean {
    if (this.#closed) throw closedError('partitioned-inheap');
    return this.#shard(userId).ack(userId, channelId, messageId, now);
  }

  mention(userId: number, channelId: number, now: number): boolean {
    if (this.#closed) throw closedError('partitioned-inheap');
    return this.#shard(userId).mention(userId, channelId, now);
  }

  insert(state: ReadState, now: number): void {
    if (this.#closed) throw closedError('partitioned-inheap');
    this.#shard(state.userId).insert(state, now);
  }

  /** Merges the shards' dirty queues: each step drains one entry from the shard with the oldest. */
  drainDue(olderThan: number, sink: StateSink, max = Infinity): number {
    if (this.#closed) throw closedError('partitioned-inheap');
    let drained = 0;
    while (drained < max) {
      let oldest: NaiveMapCache | undefined;
      let oldestAt = Infinity;
      for (const shard of this.#shards) {
        const at = shard.oldestDirtyUpdatedAt();
        if (at < oldestAt) [oldest, oldestAt] = [shard, at];
      }
      if (oldest === undefined || oldestAt > olderThan) break;
      drained += oldest.drainDue(olderThan, sink, 1);
    }
    return drained;
  }

  forEach(visit: StateSink): void {
    if (this.#closed) throw closedError('partitioned-inheap');
    for (const shard of this.#shards) shard.forEach(visit);
  }

  offHeapBytes(): number {
    if (this.#closed) throw closedError('partitioned-inheap');
    return 0;
  }

  close(): void {
    this.#closed = true;
    for (const shard of this.#shards) shard.close();
  }
}

import type { ReadState, ReadStateCache, StateSink } from '../../implementations/contract.js';

/**
 * A test view of a partition-scoped cache (LRU order per shard) that renames small user ids
 * 0..63 to ids that all fall in one shard, and back on the way out. Through it, the scenarios
 * written for one global LRU order test that shard exactly. Larger ids pass through unchanged.
 */
export class ShardPinnedCache implements ReadStateCache {
  readonly #inner: ReadStateCache;
  readonly #toInner: number[];
  readonly #toOuter: Map<number, number>;
  /** The capacity of the shard under test. */
  readonly capacity: number;

  constructor(inner: ReadStateCache, shardCapacity: number, inShard: (userId: number) => boolean) {
    this.#inner = inner;
    this.capacity = shardCapacity;
    this.#toInner = [];
    for (let id = 0; this.#toInner.length < 64; id++) if (inShard(id)) this.#toInner.push(id);
    this.#toOuter = new Map(this.#toInner.map((inner, outer) => [inner, outer]));
  }

  get size(): number {
    return this.#inner.size;
  }

  #in(userId: number): number {
    return this.#toInner[userId] ?? userId;
  }

  #out = (state: ReadState): ReadState => ({ ...state, userId: this.#toOuter.get(state.userId) ?? state.userId });

  read(userId: number, channelId: number, into: ReadState): boolean {
    const found = this.#inner.read(this.#in(userId), channelId, into);
    if (found) into.userId = userId;
    return found;
  }

  ack(userId: number, channelId: number, messageId: number, now: number): boolean {
    return this.#inner.ack(this.#in(userId), channelId, messageId, now);
  }

  mention(userId: number, channelId: number, now: number): boolean {
    return this.#inner.mention(this.#in(userId), channelId, now);
  }

  insert(state: ReadState, now: number): void {
    this.#inner.insert({ ...state, userId: this.#in(state.userId) }, now);
  }

  drainDue(olderThan: number, sink: StateSink, max?: number): number {
    return this.#inner.drainDue(olderThan, (state) => sink(this.#out(state)), max);
  }

  forEach(visit: StateSink): void {
    this.#inner.forEach((state) => {
      visit(this.#out(state));
    });
  }

  offHeapBytes(): number {
    return this.#inner.offHeapBytes();
  }

  close(): void {
    this.#inner.close();
  }

  /** Maps a state the inner cache handed to onEvict back to the ids the test used. */
  static evictionSink(view: () => ShardPinnedCache, sink: StateSink): StateSink {
    return (state) => sink(view().#out(state));
  }
}

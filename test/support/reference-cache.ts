import type { ReadState, StateSink } from '../../implementations/contract.js';

interface ModelEntry {
  state: ReadState;
  dirty: boolean;
  /** Order of the last use (read, ack, mention, insert): larger is more recent. */
  usedAt: number;
  /** Order of the last change that made it dirty, for drainDue's oldest-first order. */
  dirtiedAt: number;
}

/**
 * An obviously correct, slow LRU read-state cache: a plain array scanned on every call. The
 * conformance suite runs every contender side by side with it.
 */
export class ReferenceCache {
  readonly #entries: ModelEntry[] = [];
  readonly #capacity: number;
  readonly #onEvict: StateSink;
  #clock = 0;

  constructor(capacity: number, onEvict: StateSink) {
    this.#capacity = capacity;
    this.#onEvict = onEvict;
  }

  get size(): number {
    return this.#entries.length;
  }

  read(userId: number, channelId: number): ReadState | undefined {
    const entry = this.#use(userId, channelId);
    return entry === undefined ? undefined : { ...entry.state };
  }

  ack(userId: number, channelId: number, messageId: number, now: number): boolean {
    const entry = this.#use(userId, channelId);
    if (entry === undefined) return false;
    entry.state.lastReadMessageId = Math.max(entry.state.lastReadMessageId, messageId);
    entry.state.mentionCount = 0;
    this.#dirty(entry, now);
    return true;
  }

  mention(userId: number, channelId: number, now: number): boolean {
    const entry = this.#use(userId, channelId);
    if (entry === undefined) return false;
    entry.state.mentionCount += 1;
    this.#dirty(entry, now);
    return true;
  }

  insert(state: ReadState): void {
    const at = this.#find(state.userId, state.channelId);
    if (at >= 0) {
      this.#entries.splice(at, 1);
    } else if (this.#entries.length >= this.#capacity) {
      let oldest = 0;
      this.#entries.forEach((entry, i) => {
        if (entry.usedAt < this.#entries[oldest]!.usedAt) oldest = i;
      });
      const [evicted] = this.#entries.splice(oldest, 1);
      if (evicted?.dirty === true) this.#onEvict({ ...evicted.state });
    }
    this.#entries.push({ state: { ...state }, dirty: false, usedAt: ++this.#clock, dirtiedAt: 0 });
  }

  drainDue(olderThan: number, sink: StateSink, max = Infinity): number {
    const due = this.#entries
      .filter((entry) => entry.dirty && entry.state.updatedAt <= olderThan)
      .sort((a, b) => a.dirtiedAt - b.dirtiedAt)
      .slice(0, max);
    for (const entry of due) {
      entry.dirty = false;
      sink({ ...entry.state });
    }
    return due.length;
  }

  /** updatedAt of the oldest dirty entry, or Infinity when none is dirty. */
  oldestDirtyUpdatedAt(): number {
    return Math.min(Infinity, ...this.#entries.filter((entry) => entry.dirty).map((entry) => entry.state.updatedAt));
  }

  states(): ReadState[] {
    return this.#entries.map((entry) => ({ ...entry.state }));
  }

  #find(userId: number, channelId: number): number {
    return this.#entries.findIndex((entry) => entry.state.userId === userId && entry.state.channelId === channelId);
  }

  #use(userId: number, channelId: number): ModelEntry | undefined {
    const entry = this.#entries[this.#find(userId, channelId)];
    if (entry !== undefined) entry.usedAt = ++this.#clock;
    return entry;
  }

  #dirty(entry: ModelEntry, now: number): void {
    entry.state.updatedAt = now;
    entry.dirty = true;
    entry.dirtiedAt = ++this.#clock;
  }
}

/**
 * The reference for a cache split into shards by user (lruScope 'partition'): one reference
 * cache per shard with that shard's capacity, and drainDue merging the shards oldest first.
 */
export class PartitionedReferenceCache {
  readonly #shards: ReferenceCache[];
  readonly #shardOf: (userId: number) => number;

  constructor(capacities: readonly number[], shardOf: (userId: number) => number, onEvict: StateSink) {
    this.#shards = capacities.map((capacity) => new ReferenceCache(capacity, onEvict));
    this.#shardOf = shardOf;
  }

  get size(): number {
    return this.#shards.reduce((n, shard) => n + shard.size, 0);
  }

  #shard(userId: number): ReferenceCache {
    return this.#shards[this.#shardOf(userId)]!;
  }

  read(userId: number, channelId: number): ReadState | undefined {
    return this.#shard(userId).read(userId, channelId);
  }

  ack(userId: number, channelId: number, messageId: number, now: number): boolean {
    return this.#shard(userId).ack(userId, channelId, messageId, now);
  }

  mention(userId: number, channelId: number, now: number): boolean {
    return this.#shard(userId).mention(userId, channelId, now);
  }

  insert(state: ReadState): void {
    this.#shard(state.userId).insert(state);
  }

  drainDue(olderThan: number, sink: StateSink, max = Infinity): number {
    let drained = 0;
    while (drained < max) {
      const oldest = this.#shards.reduce((a, b) => (b.oldestDirtyUpdatedAt() < a.oldestDirtyUpdatedAt() ? b : a));
      if (oldest.oldestDirtyUpdatedAt() > olderThan) break;
      drained += oldest.drainDue(olderThan, sink, 1);
    }
    return drained;
  }

  states(): ReadState[] {
    return this.#shards.flatMap((shard) => shard.states());
  }
}

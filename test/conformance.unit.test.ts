import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Prng } from '../harness/workload/prng.js';
import { emptyState, type ReadState, type ReadStateCache } from '../implementations/contract.js';
import { partitionCapacity, partitionOf } from '../implementations/partition-of.js';
import { INHEAP_PARTITIONS } from '../implementations/partitioned-inheap.js';
import { contenders, createCache } from '../implementations/registry.js';
import { PartitionedReferenceCache, ReferenceCache } from './support/reference-cache.js';
import { ShardPinnedCache } from './support/shard-pinned-cache.js';

/** Every contender that can run on this machine runs this same suite. */
const runnable = contenders.filter((contender) => contender.unavailableReason() === undefined);

function state(userId: number, channelId: number, lastRead = 0, mentions = 0, at = 0): ReadState {
  return { userId, channelId, lastReadMessageId: lastRead, mentionCount: mentions, updatedAt: at };
}

function readBack(cache: ReadStateCache, userId: number, channelId: number): ReadState | undefined {
  const into = emptyState();
  return cache.read(userId, channelId, into) ? into : undefined;
}

function allStates(cache: ReadStateCache): ReadState[] {
  const states: ReadState[] = [];
  cache.forEach((s) => {
    states.push(s);
  });
  return states.sort((a, b) => a.userId - b.userId || a.channelId - b.channelId);
}

for (const contender of runnable) {
  const partitioned = contender.lruScope === 'partition';
  describe(`conformance: ${contender.name}`, () => {
    // A partition-scoped cache keeps LRU order per shard. The scenarios below then run through
    // a view that puts all their users in the first shard, and every shard gets the capacity
    // they name, so they test that shard exactly; the differential test covers every shard.
    const make = (capacity: number, evicted: ReadState[] = []): ReadStateCache => {
      const usable = Number.isInteger(capacity) && capacity >= 1;
      if (!partitioned || !usable) return createCache(contender.name, { capacity, onEvict: (s) => evicted.push({ ...s }) });
      let view: ShardPinnedCache | undefined;
      const inner = createCache(contender.name, {
        capacity: capacity * INHEAP_PARTITIONS,
        onEvict: ShardPinnedCache.evictionSink(
          () => view!,
          (s) => evicted.push({ ...s }),
        ),
      });
      view = new ShardPinnedCache(inner, capacity, (userId) => partitionOf(userId, INHEAP_PARTITIONS) === 0);
      return view;
    };

    it('misses on an empty cache and leaves the caller object untouched', () => {
      const cache = make(4);
      const into = state(7, 7, 7, 7, 7);
      assert.equal(cache.read(1, 2, into), false);
      assert.deepEqual(into, state(7, 7, 7, 7, 7));
      assert.equal(cache.ack(1, 2, 10, 0), false);
      assert.equal(cache.mention(1, 2, 0), false);
      assert.equal(cache.size, 0);
      assert.equal(cache.capacity, 4);
      cache.close();
    });

    it('reads back an inserted state, copied into the caller object', () => {
      const cache = make(4);
      cache.insert(state(1, 2, 30, 4, 5), 5);
      const into = emptyState();
      assert.equal(cache.read(1, 2, into), true);
      assert.deepEqual(into, state(1, 2, 30, 4, 5));
      into.mentionCount = 99;
      assert.deepEqual(readBack(cache, 1, 2), state(1, 2, 30, 4, 5), 'read must copy, not alias');
      cache.close();
    });

    it('acks keep the largest message id and clear mentions', () => {
      const cache = make(4);
      cache.insert(state(1, 2, 100, 3), 0);
      assert.equal(cache.ack(1, 2, 50, 10), true);
      assert.deepEqual(readBack(cache, 1, 2), state(1, 2, 100, 0, 10));
      assert.equal(cache.ack(1, 2, 200, 11), true);
      assert.deepEqual(readBack(cache, 1, 2), state(1, 2, 200, 0, 11));
      cache.close();
    });

    it('mentions count up and stamp the update time', () => {
      const cache = make(4);
      cache.insert(state(1, 2, 100), 0);
      cache.mention(1, 2, 5);
      cache.mention(1, 2, 6);
      assert.deepEqual(readBack(cache, 1, 2), state(1, 2, 100, 2, 6));
      cache.close();
    });

    it('evicts the least recently used entry, counting reads, acks and mentions as uses', () => {
      const evicted: ReadState[] = [];
      const cache = make(3, evicted);
      cache.insert(state(1, 1), 0);
      cache.insert(state(2, 2), 0);
      cache.insert(state(3, 3), 0);
      readBack(cache, 1, 1); // order now 2, 3, 1
      cache.mention(2, 2, 1); // order now 3, 1, 2
      cache.insert(state(4, 4), 2); // evicts 3 (clean: no callback)
      assert.equal(readBack(cache, 3, 3), undefined);
      assert.equal(cache.size, 3);
      cache.ack(1, 1, 9, 3); // order now 2, 4, 1
      cache.insert(state(5, 5), 4); // evicts 2, which is dirty
      assert.equal(readBack(cache, 2, 2), undefined);
      assert.deepEqual(evicted, [state(2, 2, 0, 1, 1)]);
      assert.deepEqual(
        allStates(cache).map((s) => s.userId),
        [1, 4, 5],
      );
      cache.close();
    });

    it('hands exactly the dirty states to onEvict', () => {
      const evicted: ReadState[] = [];
      const cache = make(2, evicted);
      cache.insert(state(1, 1), 0);
      cache.insert(state(2, 2), 0);
      cache.ack(2, 2, 5, 1);
      cache.insert(state(3, 3), 2); // evicts clean 1
      cache.insert(state(4, 4), 3); // evicts dirty 2
      cache.insert(state(5, 5), 4); // evicts clean 3
      assert.deepEqual(evicted, [state(2, 2, 5, 0, 1)]);
      cache.close();
    });

    it('drainDue hands due dirty states oldest first, at most max, and marks them clean', () => {
      const evicted: ReadState[] = [];
      const cache = make(8, evicted);
      for (let user = 1; user <= 5; user++) cache.insert(state(user, 1), 0);
      cache.mention(3, 1, 10);
      cache.mention(1, 1, 20);
      cache.ack(5, 1, 7, 30);
      cache.mention(3, 1, 40); // 3 is now the newest update
      const drained: ReadState[] = [];
      assert.equal(
        cache.drainDue(35, (s) => drained.push({ ...s }), 1),
        1,
      );
      assert.deepEqual(drained, [state(1, 1, 0, 1, 20)]);
      assert.equal(
        cache.drainDue(35, (s) => drained.push({ ...s })),
        1,
      );
      assert.deepEqual(drained[1], state(5, 1, 7, 0, 30));
      assert.equal(
        cache.drainDue(35, (s) => drained.push({ ...s })),
        0,
        'drained entries are clean',
      );
      assert.equal(
        cache.drainDue(Infinity, (s) => drained.push({ ...s })),
        1,
      );
      assert.deepEqual(drained[2], state(3, 1, 0, 2, 40));
      // Clean entries are not handed to onEvict.
      for (let user = 10; user < 20; user++) cache.insert(state(user, 1), 50);
      assert.deepEqual(evicted, []);
      cache.close();
    });

    it('drainDue does not change LRU order', () => {
      const cache = make(2);
      cache.insert(state(1, 1), 0);
      cache.insert(state(2, 2), 0);
      cache.mention(1, 1, 1); // order 2, 1
      cache.mention(2, 2, 2); // order 1, 2
      cache.drainDue(1, () => {}); // drains 1 only; must not make it most recent
      cache.insert(state(3, 3), 3);
      assert.equal(readBack(cache, 1, 1), undefined);
      assert.notEqual(readBack(cache, 2, 2), undefined);
      cache.close();
    });

    it('insert replaces an existing entry, dropping its dirty mark, without evicting', () => {
      const evicted: ReadState[] = [];
      const cache = make(2, evicted);
      cache.insert(state(1, 1), 0);
      cache.insert(state(2, 2), 0);
      cache.mention(1, 1, 1);
      cache.insert(state(1, 1, 40, 0, 2), 2);
      assert.equal(cache.size, 2);
      assert.deepEqual(readBack(cache, 1, 1), state(1, 1, 40, 0, 2));
      assert.equal(
        cache.drainDue(Infinity, () => {}),
        0,
      );
      assert.deepEqual(evicted, []);
      cache.close();
    });

    it('keeps edge ids and message ids near 2^53 apart and exact', () => {
      const cache = make(8);
      const maxId = 0xffff_ffff;
      const bigMessage = Number.MAX_SAFE_INTEGER - 1;
      cache.insert(state(0, 0, 1), 0);
      cache.insert(state(maxId, maxId, bigMessage - 5), 0);
      cache.insert(state(0, maxId, 3), 0);
      cache.insert(state(maxId, 0, 4), 0);
      assert.equal(cache.ack(maxId, maxId, bigMessage, 1), true);
      assert.equal(cache.ack(maxId, maxId, bigMessage - 1, 2), true);
      assert.deepEqual(readBack(cache, maxId, maxId), state(maxId, maxId, bigMessage, 0, 2));
      assert.equal(cache.ack(0, 0, Number.MAX_SAFE_INTEGER, 3), true);
      assert.equal(readBack(cache, 0, 0)?.lastReadMessageId, Number.MAX_SAFE_INTEGER);
      assert.equal(readBack(cache, 0, maxId)?.lastReadMessageId, 3);
      assert.equal(readBack(cache, maxId, 0)?.lastReadMessageId, 4);
      assert.equal(cache.size, 4);
      cache.close();
    });

    it('works with capacity 1', () => {
      const evicted: ReadState[] = [];
      const cache = make(1, evicted);
      cache.insert(state(1, 1), 0);
      cache.mention(1, 1, 1);
      cache.insert(state(2, 2), 2);
      assert.equal(cache.size, 1);
      assert.equal(readBack(cache, 1, 1), undefined);
      assert.deepEqual(evicted, [state(1, 1, 0, 1, 1)]);
      assert.deepEqual(allStates(cache), [state(2, 2)]);
      cache.close();
    });

    it('rejects a capacity that is not a positive integer', () => {
      for (const capacity of [0, -1, 1.5, Number.NaN]) {
        assert.throws(() => make(capacity), RangeError, `capacity ${capacity}`);
      }
    });

    it('matches the reference model over thousands of seeded random operations', () => {
      for (const [seed, capacity] of [
        [1, 1],
        [2, 7],
        [3, 64],
        [4, 13],
      ] as const) {
        const random = new Prng(seed);
        const evicted: ReadState[] = [];
        const expectedEvicted: ReadState[] = [];
        const cache = createCache(contender.name, { capacity, onEvict: (s) => evicted.push({ ...s }) });
        const shards = Math.min(INHEAP_PARTITIONS, capacity);
        const model = partitioned
          ? new PartitionedReferenceCache(
              Array.from({ length: shards }, (_, k) => partitionCapacity(k, capacity, shards)),
              (userId) => partitionOf(userId, shards),
              (s) => expectedEvicted.push(s),
            )
          : new ReferenceCache(capacity, (s) => expectedEvicted.push(s));
        // Few distinct ids so that hits, misses and evictions all happen often.
        const pick = (): [number, number] => [random.nextInt(12), random.nextInt(6)];
        for (let step = 0, now = 0; step < 5000; step++) {
          // Every operation at a new time, so "oldest first" never has to break a tie.
          now += 1 + random.nextInt(3);
          const [user, channel] = pick();
          const op = random.nextInt(100);
          const where = `seed ${seed}, step ${step}`;
          if (op < 30) {
            assert.deepEqual(readBack(cache, user, channel), model.read(user, channel), where);
          } else if (op < 50) {
            const message = random.nextInt(1000);
            assert.equal(cache.ack(user, channel, message, now), model.ack(user, channel, message, now), where);
          } else if (op < 70) {
            assert.equal(cache.mention(user, channel, now), model.mention(user, channel, now), where);
          } else if (op < 92) {
            const loaded = state(user, channel, random.nextInt(1000), random.nextInt(3), now);
            cache.insert(loaded, now);
            model.insert(loaded);
          } else {
            const max = 1 + random.nextInt(4);
            const got: ReadState[] = [];
            const want: ReadState[] = [];
            const due = now - random.nextInt(20);
            assert.equal(
              cache.drainDue(due, (s) => got.push({ ...s }), max),
              model.drainDue(due, (s) => want.push(s), max),
              where,
            );
            assert.deepEqual(got, want, where);
          }
          assert.equal(cache.size, model.size, where);
          assert.deepEqual(evicted, expectedEvicted, where);
        }
        const sorted = (states: ReadState[]): ReadState[] => states.sort((a, b) => a.userId - b.userId || a.channelId - b.channelId);
        assert.deepEqual(allStates(cache), sorted(model.states()));
        cache.close();
      }
    });
  });
}

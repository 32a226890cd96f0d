import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyState, type ReadStateCache } from '../implementations/contract.js';
import { contenders, createCache } from '../implementations/registry.js';

/** Every contender that can run on this machine gets the same checks. */
const runnable = contenders.filter((contender) => contender.unavailableReason() === undefined);

/** Every call the contract forbids after close(), by name. */
const calls: Record<string, (cache: ReadStateCache) => unknown> = {
  read: (cache) => cache.read(1, 1, emptyState()),
  ack: (cache) => cache.ack(1, 1, 5, 10),
  mention: (cache) => cache.mention(1, 1, 10),
  insert: (cache) => cache.insert({ userId: 9, channelId: 9, lastReadMessageId: 0, mentionCount: 0, updatedAt: 10 }, 10),
  drainDue: (cache) => cache.drainDue(Infinity, () => assert.fail('drainDue handed out a state after close()')),
  'drainDue with max 0': (cache) => cache.drainDue(Infinity, () => {}, 0),
  forEach: (cache) =>
    cache.forEach(() => {
      assert.fail('forEach visited a state after close()');
    }),
  offHeapBytes: (cache) => cache.offHeapBytes(),
};

/** A cache holding a clean and a dirty entry, then closed. */
function closedCache(name: string): ReadStateCache {
  const cache = createCache(name, { capacity: 8, onEvict: () => {} });
  cache.insert({ userId: 1, channelId: 1, lastReadMessageId: 3, mentionCount: 0, updatedAt: 0 }, 0);
  cache.insert({ userId: 2, channelId: 1, lastReadMessageId: 3, mentionCount: 0, updatedAt: 0 }, 0);
  assert.equal(cache.ack(2, 1, 4, 1), true);
  cache.close();
  return cache;
}

for (const contender of runnable) {
  describe(`after close(): ${contender.name}`, () => {
    for (const [name, call] of Object.entries(calls)) {
      it(`${name} throws a "cache is closed" error`, () => {
        const cache = closedCache(contender.name);
        assert.throws(
          () => call(cache),
          (error: unknown) => {
            assert.ok(error instanceof Error, `threw ${String(error)}`);
            assert.match(error.message, /closed/);
            assert.match(error.message, new RegExp(`^${contender.name} cache is closed$`));
            return true;
          },
        );
      });
    }

    it('keeps capacity, reads size as 0, and takes a second close() quietly', () => {
      const cache = closedCache(contender.name);
      assert.equal(cache.capacity, 8);
      assert.equal(cache.size, 0);
      cache.close();
      cache.close();
      assert.throws(() => cache.read(1, 1, emptyState()), /closed/);
    });
  });
}

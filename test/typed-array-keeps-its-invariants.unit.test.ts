import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Prng } from '../harness/workload/prng.js';
import { emptyState } from '../implementations/contract.js';
import { TypedArrayCache } from '../implementations/typed-array.js';

it('keeps its lists and index consistent through thousands of random operations', () => {
  for (const [seed, capacity] of [
    [1, 1],
    [2, 5],
    [3, 100],
  ] as const) {
    const random = new Prng(seed);
    const cache = new TypedArrayCache({ capacity, onEvict: () => {} });
    const into = emptyState();
    let now = 0;
    for (let step = 0; step < 20_000; step++) {
      now += random.nextInt(3);
      // Ids from a small range collide in the index often; some sit at the 32-bit edge.
      const user = random.nextInt(4) === 0 ? 0xffff_ffff - random.nextInt(3) : random.nextInt(40);
      const channel = random.nextInt(5);
      const op = random.nextInt(10);
      if (op < 3) cache.read(user, channel, into);
      else if (op < 5) cache.ack(user, channel, random.nextInt(100), now);
      else if (op < 7) cache.mention(user, channel, now);
      else if (op < 9) cache.insert({ userId: user, channelId: channel, lastReadMessageId: 0, mentionCount: 0, updatedAt: now }, now);
      else cache.drainDue(now - random.nextInt(10), () => {}, 1 + random.nextInt(3));
      if (step % 7 === 0 || capacity < 10) cache.checkInvariants();
    }
    cache.checkInvariants();
  }
});

it('grows its memory with capacity, not with use: about 49 bytes per entry, all in ArrayBuffers', () => {
  const before = process.memoryUsage().arrayBuffers;
  const cache = new TypedArrayCache({ capacity: 1_000_000 });
  const bytes = process.memoryUsage().arrayBuffers - before;
  assert.ok(bytes / 1_000_000 > 44 && bytes / 1_000_000 < 50, `${bytes / 1_000_000} bytes per entry`);
  cache.close();
});

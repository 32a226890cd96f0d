import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MemoryStoreBackend } from '../harness/store/memory-backend.js';
import { FOUND_WIDTH, WRITE_WIDTH } from '../harness/store/protocol.js';
import { Prng } from '../harness/workload/prng.js';

/**
 * The memory store is a hash table of typed arrays that doubles as it fills; a state lost or
 * mixed up in a doubling would be a read state lost. Checked against a Map of the same writes:
 * 300,000 writes over 200,000 keys (a table started at 65,536 slots doubles three times),
 * ids up to 2^32 - 1, 100,000 of the writes rewrite a key written before.
 */
it('keeps the latest state of every key through its table doublings, and loads and dumps them', () => {
  const store = new MemoryStoreBackend(1 << 16);
  const expected = new Map<string, [number, number, number, number, number]>();
  const random = new Prng(7);
  const keys: Array<[number, number]> = [];
  for (let i = 0; i < 200_000; i++) keys.push([i % 3 === 0 ? 0xffff_ffff - i : random.nextInt(1_000_000), random.nextInt(400_000)]);
  for (let i = 0; i < 300_000; i++) {
    const [userId, channelId] = keys[i < keys.length ? i : random.nextInt(keys.length)]!;
    const state: [number, number, number, number, number] = [userId, channelId, 2 ** 50 + i, i % 7, i];
    store.write(...state);
    expected.set(`${userId}:${channelId}`, state);
  }

  const out = new Float64Array(FOUND_WIDTH);
  for (const [userId, channelId, lastRead, mentions, updatedAt] of expected.values()) {
    store.load(userId, channelId, out, 0);
    assert.deepEqual([...out], [1, lastRead, mentions, updatedAt], `${userId}:${channelId}`);
  }
  store.load(12, 400_001, out, 0);
  assert.equal(out[0], 0, 'a key never written is not found');

  const dumped = store.dump();
  assert.equal(dumped.length, expected.size * WRITE_WIDTH);
  for (let i = 0; i < dumped.length; i += WRITE_WIDTH) {
    assert.deepEqual([...dumped.subarray(i, i + WRITE_WIDTH)], expected.get(`${dumped[i]}:${dumped[i + 1]}`));
  }
  store.close();
  assert.equal(store.dump().length, 0, 'close empties the store');
});

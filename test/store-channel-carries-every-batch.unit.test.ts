import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REQUEST_RING_CAPACITY } from '../harness/store/batch-channel.js';
import { StoreClient, type StoreUnavailableError } from '../harness/store/client.js';
import { SharedRing } from '../harness/store/shared-ring.js';

describe('the shared ring (store/shared-ring.ts)', () => {
  it('hands over whole published records, in order, across the end of its memory', () => {
    const buffers = SharedRing.allocate(8);
    const writer = new SharedRing(buffers);
    const reader = new SharedRing(buffers);
    assert.equal(writer.room(), 7, 'one slot stays empty');
    let sent = 0;
    let received = 0;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 5; i++) writer.put(sent++);
      assert.equal(reader.available(), 0, 'nothing is seen before it is published');
      writer.publish();
      assert.equal(writer.room(), 2);
      assert.equal(reader.available(), 5);
      for (let i = 0; i < 5; i++) assert.equal(reader.take(), received++);
      assert.equal(writer.room(), 2, 'room comes back only when released');
      reader.release();
      assert.equal(writer.room(), 7);
    }
  });

  it('refuses a capacity that is not a power of two', () => {
    assert.throws(() => SharedRing.allocate(12), /not a power of two/);
  });
});

describe('the store client over the batch channel', () => {
  // More writes and loads than one batch of the request ring holds: they go in several, in order.
  const COUNT = Math.ceil(REQUEST_RING_CAPACITY / 5) * 3;

  it(`persists and answers ${COUNT} writes and loads handed in one turn, more than the ring holds`, async () => {
    const store = new StoreClient({ kind: 'memory', path: '' });
    try {
      await store.ready();
      for (let i = 0; i < COUNT; i++) store.write({ userId: i, channelId: 7, lastReadMessageId: 2 ** 50 + i, mentionCount: i % 5, updatedAt: i });
      const answers = new Float64Array(COUNT).fill(-1);
      let failures = 0;
      store.setTaggedLoadSink({
        loaded: (tag, found, at) => {
          answers[tag] = found[at] === 1 ? found[at + 1]! - 2 ** 50 : -2;
        },
        failed: () => failures++,
      });
      for (let i = 0; i < COUNT; i++) store.loadTagged(i, 7, i);
      await store.settled();
      assert.equal(failures, 0);
      assert.deepEqual(store.status(), { failing: undefined, handed: COUNT, persisted: COUNT, pending: 0 });
      for (let i = 0; i < COUNT; i++) if (answers[i] !== i) assert.fail(`load ${i} answered ${answers[i]}`);
      const dumped = await store.dump();
      assert.equal(dumped.length, COUNT);
    } finally {
      await store.close();
    }
  });

  it('answers a load on a thread that polls and never yields to its event loop', async () => {
    const store = new StoreClient({ kind: 'memory', path: '' });
    try {
      await store.ready();
      store.write({ userId: 1, channelId: 2, lastReadMessageId: 99, mentionCount: 3, updatedAt: 4 });
      let answer: number[] | undefined;
      store.setTaggedLoadSink({
        loaded: (_tag, found, at) => {
          answer = [found[at]!, found[at + 1]!, found[at + 2]!];
        },
        failed: (_tag, error: StoreUnavailableError) => assert.fail(error.message),
      });
      store.loadTagged(1, 2, 0);
      const deadline = performance.now() + 10_000;
      // Synchronous: no await, no timer; only poll() can deliver the answer here.
      while (answer === undefined && performance.now() < deadline) store.poll(true);
      store.poll(false);
      assert.deepEqual(answer, [1, 99, 3]);
    } finally {
      await store.close();
    }
  });

  it('answers untagged loads through their callbacks, with the ids they asked for', async () => {
    const store = new StoreClient({ kind: 'memory', path: '' });
    try {
      await store.ready();
      store.write({ userId: 5, channelId: 6, lastReadMessageId: 70, mentionCount: 1, updatedAt: 8 });
      const stored = await new Promise((resolve, reject) => store.load(5, 6, (state, error) => (error ? reject(error) : resolve(state))));
      const missing = await new Promise((resolve, reject) => store.load(5, 9, (state, error) => (error ? reject(error) : resolve(state))));
      assert.deepEqual(stored, { userId: 5, channelId: 6, lastReadMessageId: 70, mentionCount: 1, updatedAt: 8 });
      assert.equal(missing, undefined);
    } finally {
      await store.close();
    }
  });
});

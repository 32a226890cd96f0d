import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CassandraStoreBackend } from '../harness/store/cassandra-backend.js';
import { CassandraBatches } from '../harness/store/cassandra-batches.js';
import type { StoreReply, StoreRequest } from '../harness/store/protocol.js';

type Batch = Extract<StoreRequest, { kind: 'batch' }>;
type BatchReply = Extract<StoreReply, { kind: 'batch' }>;

/** A stand-in for the Cassandra backend: records every write with its stamp; fails or holds a call when told to. */
class FakeBackend {
  readonly writes: Array<{ userId: number; lastRead: number; stamp: number }> = [];
  /** How many writeAll calls to come fail. */
  failingWrites = 0;
  #held: Array<() => void> = [];
  holdWrites = false;

  async writeAll(writes: Float64Array, firstStamp: number): Promise<void> {
    if (this.holdWrites) await new Promise<void>((resolve) => this.#held.push(resolve));
    if (this.failingWrites > 0) {
      this.failingWrites--;
      throw new Error('Operation timed out');
    }
    for (let i = 0; i < writes.length; i += 5) this.writes.push({ userId: writes[i]!, lastRead: writes[i + 2]!, stamp: firstStamp + i / 5 });
  }

  /** The users each loadAll call asked for, in call order. */
  readonly loadCalls: number[][] = [];

  async loadAll(loads: Float64Array): Promise<Float64Array> {
    this.loadCalls.push(Array.from({ length: loads.length / 2 }, (_, i) => loads[i * 2]!));
    const found = new Float64Array((loads.length / 2) * 4);
    for (let i = 0; i < loads.length / 2; i++) {
      found[i * 4] = 1;
      found[i * 4 + 1] = loads[i * 2]! * 10;
    }
    return found;
  }

  release(): void {
    this.holdWrites = false;
    for (const resolve of this.#held.splice(0)) resolve();
  }
}

function batch(seq: number, users: number[], loads: number[] = [], resume = false): Batch {
  const writes = new Float64Array(users.flatMap((user) => [user, 1, user * 100 + seq, 0, seq]));
  return { kind: 'batch', seq, writes, loads: new Float64Array(loads.flatMap((user) => [user, 1])), resume };
}

function setUp(): { backend: FakeBackend; batches: CassandraBatches; replies: BatchReply[]; settled: () => Promise<void> } {
  const backend = new FakeBackend();
  const replies: BatchReply[] = [];
  const batches = new CassandraBatches(backend as unknown as CassandraStoreBackend, (reply) => {
    if (reply.kind === 'batch') replies.push(reply);
  });
  const settled = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  return { backend, batches, replies, settled };
}

describe('the Cassandra store worker keeps the store protocol order', () => {
  it('batches sent while a group is out go together next, stamped in the order they were sent', async () => {
    const { backend, batches, replies, settled } = setUp();
    backend.holdWrites = true;
    batches.add(batch(0, [1]));
    batches.add(batch(1, [2, 3]));
    batches.add(batch(2, [2], [7]));
    await settled();
    backend.release();
    await settled();
    assert.deepEqual(
      replies.map((reply) => [reply.seq, reply.persisted]),
      [
        [0, true],
        [1, true],
        [2, true],
      ],
    );
    const stamps = backend.writes.map((write) => write.stamp);
    assert.deepEqual(
      stamps,
      [...stamps].sort((a, b) => a - b),
      'stamps rise in send order',
    );
    assert.equal(new Set(stamps).size, stamps.length, 'no two writes share a stamp');
    // User 2's two writes: the later one (batch 2) carries the higher stamp, so Cassandra keeps it whatever order they land in.
    const user2 = backend.writes.filter((write) => write.userId === 2);
    assert.ok(user2[1]!.stamp > user2[0]!.stamp && user2[1]!.lastRead > user2[0]!.lastRead);
    assert.equal(replies[2]!.found?.[1], 70, 'the load is answered with its batch');
  });

  it('a load goes out beside the writes of its group unless one of them is of its own key, and answers keep the loads order', async () => {
    const { backend, batches, replies, settled } = setUp();
    backend.holdWrites = true;
    batches.add(batch(0, [1], [2, 1, 3]));
    await settled();
    assert.deepEqual(backend.loadCalls, [[2, 3]], 'only the loads of keys not being written go out while the writes are held');
    backend.release();
    await settled();
    assert.deepEqual(backend.loadCalls, [[2, 3], [1]], 'the load of the written key waits for its write');
    assert.deepEqual(
      Array.from(replies[0]!.found ?? []).filter((_, i) => i % 4 === 1),
      [20, 10, 30],
    );
  });

  it('a write that fails once is tried again at once, stamped anew, and the group lands', async () => {
    const { backend, batches, replies, settled } = setUp();
    backend.failingWrites = 1;
    batches.add(batch(0, [1], [2]));
    await settled();
    assert.deepEqual(
      replies.map((reply) => [reply.seq, reply.persisted]),
      [[0, true]],
    );
    assert.equal(backend.writes.length, 1);
    assert.equal(replies[0]!.found?.[1], 20);
  });

  it('a group failing twice is refused whole, later batches bounce untouched, and the resent writes are stamped above all before', async () => {
    const { backend, batches, replies, settled } = setUp();
    batches.add(batch(0, [1]));
    await settled();
    const before = Math.max(...backend.writes.map((write) => write.stamp));
    backend.failingWrites = 2;
    batches.add(batch(1, [2], [5]));
    await settled();
    batches.add(batch(2, [3]));
    await settled();
    assert.deepEqual(
      replies.map((reply) => [reply.seq, reply.persisted]),
      [
        [0, true],
        [1, false],
        [2, false],
      ],
    );
    assert.match(replies[1]!.writeError ?? '', /a write-back failed: Operation timed out/);
    assert.equal(replies[1]!.found, undefined, 'no load is answered past a write that did not land');
    assert.equal(backend.writes.length, 1, 'the bounced batch was not written');
    batches.add(batch(3, [2, 3], [], true));
    await settled();
    assert.equal(replies.at(-1)!.persisted, true);
    const resent = backend.writes.slice(1);
    assert.deepEqual(
      resent.map((write) => write.userId),
      [2, 3],
    );
    assert.ok(
      resent.every((write) => write.stamp > before),
      'resent writes win over anything that landed before',
    );
  });
});

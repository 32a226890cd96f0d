import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CassandraBatches, type RowRequests } from '../harness/store/cassandra-batches.js';
import type { StoreReply, StoreRequest } from '../harness/store/protocol.js';

type Batch = Extract<StoreRequest, { kind: 'batch' }>;
type BatchReply = Extract<StoreReply, { kind: 'batch' }>;

/**
 * A stand-in for the Cassandra table: keeps, per row, the write with the highest stamp (what
 * Cassandra keeps), records every request, and holds or fails writes when told to.
 */
class FakeRows implements RowRequests {
  readonly writes: Array<{ userId: number; lastRead: number; stamp: number }> = [];
  readonly table = new Map<number, { lastRead: number; stamp: number }>();
  /** The users of each load, in the order they went out. */
  readonly loadCalls: number[] = [];
  /** Writes of these lastRead values fail, every time. */
  readonly failing = new Set<number>();
  /** How many writes to come fail once. */
  failOnce = 0;
  holdWrites = false;
  writesInFlight = 0;
  mostWritesInFlight = 0;
  #held: Array<() => void> = [];

  async writeRow(writes: Float64Array, at: number, stamp: number): Promise<void> {
    this.writesInFlight++;
    this.mostWritesInFlight = Math.max(this.mostWritesInFlight, this.writesInFlight);
    try {
      if (this.holdWrites) await new Promise<void>((resolve) => this.#held.push(resolve));
      const userId = writes[at]!;
      const lastRead = writes[at + 2]!;
      if (this.failing.has(lastRead)) throw new Error('Operation timed out');
      if (this.failOnce > 0) {
        this.failOnce--;
        throw new Error('Operation timed out');
      }
      this.writes.push({ userId, lastRead, stamp });
      const stored = this.table.get(userId);
      if (stored === undefined || stamp > stored.stamp) this.table.set(userId, { lastRead, stamp });
    } finally {
      this.writesInFlight--;
    }
  }

  async loadRow(userId: number, _channelId: number, found: Float64Array, at: number): Promise<void> {
    this.loadCalls.push(userId);
    const stored = this.table.get(userId);
    found[at] = stored === undefined ? 0 : 1;
    found[at + 1] = stored?.lastRead ?? 0;
  }

  async dump(): Promise<Float64Array<ArrayBuffer>> {
    return new Float64Array(0);
  }

  async close(): Promise<void> {}

  /** Lets the held writes go, the newest first when `newestFirst`. */
  release(newestFirst = false): void {
    this.holdWrites = false;
    const held = this.#held.splice(0);
    for (const resolve of newestFirst ? held.reverse() : held) resolve();
  }
}

/** A batch writing `users` (lastRead user * 100 + seq) and loading `loads`, on channel 1. */
function batch(seq: number, users: number[], loads: number[] = [], resume = false): Batch {
  const writes = new Float64Array(users.flatMap((user) => [user, 1, user * 100 + seq, 0, seq]));
  return { kind: 'batch', seq, writes, loads: new Float64Array(loads.flatMap((user) => [user, 1])), resume };
}

function setUp(windows?: { reads: number; writes: number }): {
  rows: FakeRows;
  batches: CassandraBatches;
  replies: BatchReply[];
  settled: () => Promise<void>;
} {
  const rows = new FakeRows();
  const replies: BatchReply[] = [];
  const batches = new CassandraBatches(
    rows,
    (reply) => {
      if (reply.kind === 'batch') replies.push(reply);
    },
    windows,
  );
  const settled = async (): Promise<void> => {
    for (let i = 0; i < 30; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  return { rows, batches, replies, settled };
}

/** The last replies (not the parts that answer loads early), as [seq, persisted]. */
function lastReplies(replies: BatchReply[]): Array<[number, boolean]> {
  return replies.filter((reply) => reply.more !== true).map((reply) => [reply.seq, reply.persisted]);
}

/** The lastRead of every load a reply answers, in order. */
function answered(reply: BatchReply | undefined): number[] {
  return Array.from(reply?.found ?? []).filter((_, i) => i % 4 === 1);
}

describe('the Cassandra store worker keeps the store protocol order', () => {
  it('stamps rise in arrival order, so the newest state wins whatever order the writes land in', async () => {
    const { rows, batches, replies, settled } = setUp();
    rows.holdWrites = true;
    batches.add(batch(0, [1]));
    batches.add(batch(1, [2, 3]));
    batches.add(batch(2, [2]));
    await settled();
    rows.release(true);
    await settled();
    assert.deepEqual(lastReplies(replies), [
      [0, true],
      [1, true],
      [2, true],
    ]);
    const stamps = [...rows.writes].sort((a, b) => (a.lastRead % 100) - (b.lastRead % 100) || a.userId - b.userId).map((write) => write.stamp);
    assert.deepEqual(
      stamps,
      [...stamps].sort((a, b) => a - b),
      'stamps rise in arrival order',
    );
    assert.equal(new Set(stamps).size, stamps.length, 'no two writes share a stamp');
    assert.equal(rows.writes.find((write) => write.userId === 2)?.lastRead, 202, 'the newer write of user 2 landed first');
    assert.equal(rows.table.get(2)?.lastRead, 202, 'and the table keeps it over the older one that landed after it');
  });

  it('a miss is read and answered while a burst of write-backs is still in flight, and the writes keep to their window', async () => {
    const { rows, batches, replies, settled } = setUp({ reads: 2, writes: 4 });
    rows.table.set(9_999, { lastRead: 42, stamp: 1 });
    rows.holdWrites = true;
    batches.add(
      batch(
        0,
        Array.from({ length: 500 }, (_, i) => i + 1),
      ),
    );
    batches.add(batch(1, [], [9_999]));
    await settled();
    assert.deepEqual(rows.loadCalls, [9_999], 'the load went out before any write of the burst landed');
    assert.deepEqual(lastReplies(replies), [], 'no write is acknowledged yet');
    const early = replies.find((reply) => reply.seq === 1);
    assert.deepEqual(answered(early), [42], 'the miss is answered');
    assert.equal(early?.more, true, 'in a part: its batch waits for the burst before it to be acknowledged');
    assert.equal(rows.mostWritesInFlight, 4, 'at most the window of writes is out at once');
    for (let i = 0; i < 200 && rows.writes.length < 500; i++) {
      rows.release();
      await settled();
    }
    assert.deepEqual(lastReplies(replies), [
      [0, true],
      [1, true],
    ]);
    assert.equal(replies.filter((reply) => reply.found !== undefined && reply.found.length > 0).length, 1, 'the load is answered once');
  });

  it('a load of a key whose write is in flight is answered with that write, without a read or a wait', async () => {
    const { rows, batches, replies, settled } = setUp();
    rows.table.set(1, { lastRead: 1, stamp: 1 });
    rows.holdWrites = true;
    batches.add(batch(0, [1], [2, 1, 3]));
    await settled();
    assert.deepEqual(rows.loadCalls, [2, 3], 'only the loads of keys not being written are read');
    assert.deepEqual(answered(replies[0]), [0, 100, 0], 'answers keep the loads order, and the written key has its newest state');
    assert.equal(replies[0]?.more, true, 'before the write landed');
    rows.release();
    await settled();
    assert.deepEqual(lastReplies(replies), [[0, true]]);
  });

  it('loads answered from writes in flight are answered once, however many of a batch are', async () => {
    const { rows, batches, replies, settled } = setUp();
    rows.holdWrites = true;
    batches.add(batch(0, [1, 2], [1, 2]));
    await settled();
    rows.release();
    await settled();
    assert.deepEqual(
      replies.map((reply) => [reply.seq, reply.more === true, answered(reply)]),
      [
        [0, true, [100, 200]],
        [0, false, []],
      ],
    );
  });

  it('a write that fails once is tried again at once with its stamp, and its batch lands', async () => {
    const { rows, batches, replies, settled } = setUp();
    rows.failOnce = 1;
    batches.add(batch(0, [1], [2]));
    await settled();
    assert.deepEqual(lastReplies(replies), [[0, true]]);
    assert.equal(rows.writes.length, 1);
  });

  it('a write failing twice refuses its batch, later batches bounce untouched, and the resent writes are stamped above all before', async () => {
    const { rows, batches, replies, settled } = setUp();
    batches.add(batch(0, [1]));
    await settled();
    const before = Math.max(...rows.writes.map((write) => write.stamp));
    rows.failing.add(201);
    batches.add(batch(1, [2], [2]));
    await settled();
    batches.add(batch(2, [3], [4]));
    await settled();
    assert.deepEqual(lastReplies(replies), [
      [0, true],
      [1, false],
      [2, false],
    ]);
    const refused = replies.find((reply) => reply.seq === 1 && reply.more !== true)!;
    assert.match(refused.writeError ?? '', /a write-back failed: Operation timed out/);
    assert.deepEqual(answered(replies.find((reply) => reply.seq === 1 && reply.more === true)), [201], 'the load of the key being written had its state');
    assert.equal(refused.found?.length, 0, 'and the refusal does not answer it again');
    assert.ok(replies.find((reply) => reply.seq === 2)!.loadError !== undefined, 'the bounced batch fails its loads');
    assert.deepEqual(rows.loadCalls, [], 'and was not read');
    assert.equal(rows.writes.length, 1, 'nor written');
    rows.failing.clear();
    batches.add(batch(3, [2, 3], [], true));
    await settled();
    assert.equal(replies.at(-1)!.persisted, true);
    const resent = rows.writes.slice(1);
    assert.deepEqual(
      resent.map((write) => write.userId),
      [2, 3],
    );
    assert.ok(
      resent.every((write) => write.stamp > before),
      'resent writes win over anything that landed before',
    );
  });

  it('batches behind a refused one are refused too, even when their writes landed, so the resend lands the newest state last', async () => {
    const { rows, batches, replies, settled } = setUp();
    rows.table.set(7, { lastRead: 70, stamp: 1 });
    rows.failing.add(100);
    rows.holdWrites = true;
    batches.add(batch(0, [1]));
    batches.add(batch(1, [1], [7]));
    await settled();
    rows.release(true);
    await settled();
    assert.equal(rows.table.get(1)?.lastRead, 101, 'the newer write landed');
    assert.deepEqual(lastReplies(replies), [
      [0, false],
      [1, false],
    ]);
    assert.deepEqual(answered(replies.find((reply) => reply.seq === 1 && reply.more === true)), [70], 'the miss was answered early');
    const refused = replies.find((reply) => reply.seq === 1 && reply.more !== true)!;
    assert.deepEqual([refused.found?.length, refused.loadIndices?.length], [0, 0], 'and the refusal does not answer it again');
    rows.failing.clear();
    // The client resends every refused write, oldest first.
    const resume: Batch = { kind: 'batch', seq: 2, writes: new Float64Array([1, 1, 100, 0, 0, 1, 1, 101, 0, 1]), loads: new Float64Array(0), resume: true };
    batches.add(resume);
    await settled();
    assert.deepEqual(lastReplies(replies).at(-1), [2, true]);
    assert.equal(rows.table.get(1)?.lastRead, 101, 'the newest state wins after the resend');
  });

  it('under random interleavings every batch has one last reply, every load one answer, the newest state, and the table ends newest', async () => {
    const { rows, batches, replies } = setUp({ reads: 3, writes: 2 });
    // The table answers after a random number of turns, so writes land and reads return out of order.
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      // The high bits: this generator's low bits repeat every few calls, and `seed % n` drew the
      // same few numbers at each turn (300 batches sent 2 loads in all).
      return Math.floor((seed / 2_147_483_648) * n);
    };
    const later = async (): Promise<void> => {
      for (let i = random(4); i > 0; i--) await new Promise((resolve) => setImmediate(resolve));
    };
    const write = rows.writeRow.bind(rows);
    const load = rows.loadRow.bind(rows);
    rows.writeRow = async (...args) => {
      await later();
      return write(...args);
    };
    rows.loadRow = async (...args) => {
      await later();
      return load(...args);
    };
    const newest = new Map<number, number>();
    const expected = new Map<number, number[]>();
    const loading = new Set<number>();
    const loadsOf = new Map<number, number[]>();
    let version = 0;
    let repliesSeen = 0;
    for (let seq = 0; seq < 300; seq++) {
      const users = [random(12), random(12), random(12)].filter((user, i, all) => all.indexOf(user) === i && !loading.has(user)).slice(0, random(3));
      const writes = users.flatMap((user) => [user, 1, ++version, 0, seq]);
      for (const user of users) newest.set(user, version - users.length + 1 + users.indexOf(user));
      const loads = [random(12), random(12), random(12)].filter((user, i, all) => all.indexOf(user) === i && !loading.has(user)).slice(0, random(4));
      for (const user of loads) loading.add(user);
      loadsOf.set(seq, loads);
      expected.set(
        seq,
        loads.map((user) => newest.get(user) ?? 0),
      );
      batches.add({ kind: 'batch', seq, writes: new Float64Array(writes), loads: new Float64Array(loads.flatMap((user) => [user, 1])), resume: false });
      await later();
      // A key is loaded only while it is out of the cache: no write of it until its load is answered.
      // Each reply once: an old batch's answer must not free a key that a newer batch loads again.
      for (; repliesSeen < replies.length; repliesSeen++) {
        const reply = replies[repliesSeen]!;
        if (reply.found !== undefined && reply.found.length > 0) for (const user of loadsOf.get(reply.seq) ?? []) loading.delete(user);
      }
    }
    for (let i = 0; i < 200; i++) await new Promise((resolve) => setImmediate(resolve));
    const last = replies.filter((reply) => reply.more !== true);
    assert.deepEqual(
      last.map((reply) => reply.seq),
      [...expected.keys()],
      'one last reply per batch, in order',
    );
    assert.ok(last.every((reply) => reply.persisted));
    for (const [seq, want] of expected) {
      const answers = replies.filter((reply) => reply.seq === seq && reply.found !== undefined && reply.found.length > 0);
      assert.equal(answers.length, want.length > 0 ? 1 : 0, `batch ${seq}: its loads answered once`);
      if (want.length > 0) assert.deepEqual(answered(answers[0]), want, `batch ${seq}: the newest states`);
    }
    for (const [user, lastRead] of newest) assert.equal(rows.table.get(user)?.lastRead, lastRead, `user ${user}: the table keeps the newest`);
  });

  it('a dump waits for every batch before it', async () => {
    const { rows, batches, replies, settled } = setUp();
    const order: string[] = [];
    const dump = rows.dump.bind(rows);
    rows.dump = async () => {
      order.push(`dump after ${lastReplies(replies).length} batches`);
      return dump();
    };
    rows.holdWrites = true;
    batches.add(batch(0, [1]));
    batches.add({ kind: 'dump', seq: 1 });
    await settled();
    assert.deepEqual(order, []);
    rows.release();
    await settled();
    assert.deepEqual(order, ['dump after 1 batches']);
  });
});

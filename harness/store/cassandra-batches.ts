import type { CassandraStoreBackend } from './cassandra-backend.js';
import { FOUND_WIDTH, LOAD_WIDTH, type StoreReply, type StoreRequest, WRITE_WIDTH } from './protocol.js';

type Batch = Extract<StoreRequest, { kind: 'batch' }>;
type Post = (reply: StoreReply, transfer?: ArrayBuffer[]) => void;

/**
 * The store worker's answers for a Cassandra store, whose calls are asynchronous. The protocol
 * (store/protocol.ts) needs a batch's writes to land before its loads and before any later
 * batch's, which SQLite gets by running each batch to the end. Here requests run one group at a
 * time: while a group is out, the batches that arrive queue up, and the next group takes them
 * all, so a round trip to the database serves every batch sent meanwhile.
 *
 * Within a group, every write goes out at once, each with a write timestamp one above the
 * last, in the order the batches and their writes were sent: Cassandra keeps the write with the
 * highest timestamp, so two writes of a row land as the newer one whatever order they arrive in.
 * A group whose writes fail is refused whole (some of its writes may have landed); the client
 * resends them, oldest first, in a `resume` batch, stamped anew and higher than anything that
 * landed, since no later group runs before the resume. A write that timed out but lands later
 * carries its old, lower stamp and loses to the resent one.
 */
export class CassandraBatches {
  readonly #backend: CassandraStoreBackend;
  readonly #post: Post;
  readonly #queue: StoreRequest[] = [];
  #running = false;
  /** Set when a group's writes failed; later batches bounce until a `resume` batch lands. */
  #blockedBy: string | undefined;
  #lastStamp = 0;

  constructor(backend: CassandraStoreBackend, post: Post) {
    this.#backend = backend;
    this.#post = post;
  }

  /** Write timestamps in microseconds, as Cassandra's own, each above the one before. */
  takeStamps(count: number): number {
    const first = Math.max(Date.now() * 1000, this.#lastStamp + 1);
    this.#lastStamp = first + count - 1;
    return first;
  }

  add(request: StoreRequest): void {
    this.#queue.push(request);
    if (!this.#running) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#running = true;
    while (this.#queue.length > 0) {
      const first = this.#queue[0]!;
      if (first.kind !== 'batch') {
        this.#queue.shift();
        await this.#other(first);
        continue;
      }
      let end = 1;
      while (end < this.#queue.length && this.#queue[end]!.kind === 'batch') end++;
      // The loop above stopped at the first request that is not a batch.
      await this.#group(this.#queue.splice(0, end) as Batch[]);
    }
    this.#running = false;
  }

  async #group(batches: Batch[]): Promise<void> {
    const taken: Batch[] = [];
    for (const batch of batches) {
      if (this.#blockedBy !== undefined && !batch.resume && taken.length === 0) {
        this.#post({ kind: 'batch', seq: batch.seq, persisted: false, writeError: this.#blockedBy, loadError: this.#blockedBy });
      } else {
        taken.push(batch);
      }
    }
    if (taken.length === 0) return;
    const writes = concat(taken.map((batch) => batch.writes));
    const loads = concat(taken.map((batch) => batch.loads));
    // A load waits only for writes of its own key: the others of the group cannot change what
    // it reads (every earlier group's writes have landed), so it goes out beside them, and a
    // burst of write-backs does not hold every miss up.
    const { early, late } = splitLoads(loads, writes);
    const earlyFound = this.#backend.loadAll(early.loads);
    earlyFound.catch(() => {}); // awaited below, or dropped with the group when its writes fail
    if (writes.length > 0) {
      try {
        await twice(() => this.#backend.writeAll(writes, this.takeStamps(writes.length / WRITE_WIDTH)));
        this.#blockedBy = undefined;
      } catch (error) {
        this.#blockedBy = `a write-back failed: ${messageOf(error)}`;
        for (const batch of taken) this.#post({ kind: 'batch', seq: batch.seq, persisted: false, writeError: this.#blockedBy, loadError: this.#blockedBy });
        return;
      }
    }
    const found = new Float64Array((loads.length / LOAD_WIDTH) * FOUND_WIDTH);
    try {
      const [first, second] = await twice(
        () => Promise.all([earlyFound, this.#backend.loadAll(late.loads)]),
        () => Promise.all([this.#backend.loadAll(early.loads), this.#backend.loadAll(late.loads)]),
      );
      early.placeInto(found, first);
      late.placeInto(found, second);
    } catch (error) {
      const loadError = `a load failed: ${messageOf(error)}`;
      for (const batch of taken) this.#post({ kind: 'batch', seq: batch.seq, persisted: true, ...(batch.loads.length > 0 ? { loadError } : {}) });
      return;
    }
    let at = 0;
    for (const batch of taken) {
      if (batch.loads.length === 0) {
        this.#post({ kind: 'batch', seq: batch.seq, persisted: true });
        continue;
      }
      const count = (batch.loads.length / LOAD_WIDTH) * FOUND_WIDTH;
      const own = found.slice(at, at + count);
      at += count;
      this.#post({ kind: 'batch', seq: batch.seq, persisted: true, found: own }, [own.buffer]);
    }
  }

  async #other(request: Exclude<StoreRequest, Batch>): Promise<void> {
    try {
      if (request.kind === 'dump') {
        const states = await this.#backend.dump();
        this.#post({ kind: 'dump', seq: request.seq, states }, [states.buffer]);
      } else {
        await this.#backend.close();
        this.#post({ kind: 'close', seq: request.seq });
      }
    } catch (error) {
      this.#post({ kind: 'error', seq: request.seq, message: messageOf(error) });
    }
  }
}

/**
 * `work`, and once more (`again`, when the second try differs) if it fails: a single request
 * timing out on a busy machine is a hiccup, which would otherwise fail a measured run (it stops
 * at the first store failure); failing twice in a row is a failing store. A retried write is
 * stamped anew, above its first try, as a resent one is.
 */
async function twice<T>(work: () => Promise<T>, again: () => Promise<T> = work): Promise<T> {
  try {
    return await work();
  } catch {
    return again();
  }
}

/** Some of a group's loads, and where their answers go among the group's. */
interface LoadPart {
  readonly loads: Float64Array;
  placeInto(found: Float64Array, answers: Float64Array): void;
}

/** The loads of keys no write of the group touches (`early`), and the others (`late`), in order. */
export function splitLoads(loads: Float64Array, writes: Float64Array): { early: LoadPart; late: LoadPart } {
  const written = new Set<string>();
  for (let i = 0; i < writes.length; i += WRITE_WIDTH) written.add(`${writes[i]}:${writes[i + 1]}`);
  const earlyAt: number[] = [];
  const lateAt: number[] = [];
  for (let i = 0, n = 0; i < loads.length; i += LOAD_WIDTH, n++) (written.has(`${loads[i]}:${loads[i + 1]}`) ? lateAt : earlyAt).push(n);
  const part = (at: number[]): LoadPart => {
    const own = new Float64Array(at.length * LOAD_WIDTH);
    at.forEach((n, k) => own.set(loads.subarray(n * LOAD_WIDTH, n * LOAD_WIDTH + LOAD_WIDTH), k * LOAD_WIDTH));
    return {
      loads: own,
      placeInto: (found, answers) => at.forEach((n, k) => found.set(answers.subarray(k * FOUND_WIDTH, k * FOUND_WIDTH + FOUND_WIDTH), n * FOUND_WIDTH)),
    };
  };
  return { early: part(earlyAt), late: part(lateAt) };
}

/** The arrays one after another, as one (the only one itself when it is alone). */
function concat(parts: Float64Array[]): Float64Array {
  if (parts.length === 1) return parts[0]!;
  let length = 0;
  for (const part of parts) length += part.length;
  const all = new Float64Array(length);
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}

/** The first line of a driver error: "All host(s) tried for query failed ..." and its first cause. */
export function messageOf(error: unknown): string {
  const message = typeof error === 'object' && error !== null && 'message' in error ? error.message : undefined;
  const innerErrors =
    typeof error === 'object' && error !== null && 'innerErrors' in error && typeof error.innerErrors === 'object' ? error.innerErrors : undefined;
  const text = String(message ?? error).split('\n')[0]!;
  const inner = innerErrors === undefined || innerErrors === null ? undefined : Object.entries(innerErrors)[0];
  if (inner === undefined) return text;
  const cause: unknown = inner[1];
  const causeMessage = typeof cause === 'object' && cause !== null && 'message' in cause ? cause.message : undefined;
  return `${text.replace(/\s*First host tried.*$/, '').replace(/\.$/, '')}: ${inner[0]}: ${String(causeMessage ?? cause).split('\n')[0]}`;
}

import { CASSANDRA_CONCURRENT_READS, CASSANDRA_CONCURRENT_WRITES } from '../tuning.js';
import { ConcurrencyWindow } from './cassandra-window.js';
import { FOUND_WIDTH, LOAD_WIDTH, type StoreReply, type StoreRequest, WRITE_WIDTH } from './protocol.js';

type Batch = Extract<StoreRequest, { kind: 'batch' }>;
type BatchReply = Extract<StoreReply, { kind: 'batch' }>;
type Post = (reply: StoreReply, transfer?: ArrayBuffer[]) => void;

/** What the batches ask of the table, one row per request (store/cassandra-backend.ts answers). */
export interface RowRequests {
  /** Writes the state of WRITE_WIDTH numbers at `at` of `writes`, with write timestamp `stamp`. */
  writeRow(writes: Float64Array, at: number, stamp: number): Promise<void>;
  /** Reads one state into `found` at `at` as FOUND_WIDTH numbers. */
  loadRow(userId: number, channelId: number, found: Float64Array, at: number): Promise<void>;
  dump(): Promise<Float64Array<ArrayBuffer>>;
  close(): Promise<void>;
}

/** A batch from its arrival to its last reply. */
interface Pending {
  readonly seq: number;
  readonly resume: boolean;
  writesLeft: number;
  /** Why one of its writes failed twice; the batch, and every one after it, is then refused. */
  writeError: string | undefined;
  loadsLeft: number;
  readonly found: Float64Array;
  loadError: string | undefined;
  loadsAnswered: boolean;
  /** Its last reply went out (acknowledged or refused); what it still has in flight is ignored. */
  finished: boolean;
}

/**
 * The store worker's answers for a Cassandra store, whose calls are asynchronous. Reads and
 * writes go out the moment their batch arrives, each in a window of its own (at most
 * CASSANDRA_CONCURRENT_READS and CASSANDRA_CONCURRENT_WRITES in flight), so a burst of
 * write-backs never holds a miss: a load is answered as soon as it is read, in a part of its
 * batch's reply, before the batch's writes land, and a load of a key whose write is still in
 * flight is answered with that write's state, the newest there is, without a read.
 *
 * Every write carries a write timestamp one above the last, in the order the batches and their
 * writes arrived, which is the order of the states' versions: Cassandra keeps the write with the
 * highest timestamp, so whatever order writes land in, the newest state wins. A write that fails
 * is tried once more at once with the same timestamp (landing twice is harmless, and a newer
 * write of the row still wins over it).
 *
 * Writes are acknowledged in arrival order. When a write fails twice, its batch and every batch
 * after it still out are refused, whether or not their own writes landed, and later batches
 * bounce untouched until a `resume` batch arrives: the client resends every refused write, oldest
 * first (store/protocol.ts), stamped anew and so higher than anything that landed, in the order
 * of their versions again. A refused write that lands later carries its old, lower stamp and
 * loses to the resent one.
 */
export class CassandraBatches {
  readonly #rows: RowRequests;
  readonly #post: Post;
  readonly #reads: ConcurrencyWindow;
  readonly #writes: ConcurrencyWindow;
  /** Batches whose last reply has not gone out, in arrival order, which is the order it goes out in. */
  readonly #order: Pending[] = [];
  /** Per key (user:channel), the newest state written of it, while that write is in flight. */
  readonly #newestWrite = new Map<string, WrittenState>();
  /** Set when a batch was refused; later batches bounce until a `resume` batch arrives. */
  #blockedBy: string | undefined;
  #lastStamp = 0;
  /** Dumps and closing, each after every batch before it has its last reply. */
  #others: Promise<void> = Promise.resolve();
  #idleWaiters: Array<() => void> = [];

  constructor(rows: RowRequests, post: Post, windows = { reads: CASSANDRA_CONCURRENT_READS, writes: CASSANDRA_CONCURRENT_WRITES }) {
    this.#rows = rows;
    this.#post = post;
    this.#reads = new ConcurrencyWindow(windows.reads);
    this.#writes = new ConcurrencyWindow(windows.writes);
  }

  /** Write timestamps in microseconds, as Cassandra's own, each above the one before. */
  takeStamps(count: number): number {
    const first = Math.max(Date.now() * 1000, this.#lastStamp + 1);
    this.#lastStamp = first + count - 1;
    return first;
  }

  add(request: StoreRequest): void {
    if (request.kind === 'batch') {
      this.#accept(request);
      return;
    }
    this.#others = this.#others.then(() => this.#whenIdle()).then(() => this.#other(request));
  }

  #accept(batch: Batch): void {
    if (this.#blockedBy !== undefined && !batch.resume) {
      this.#post(refusal(batch.seq, this.#blockedBy, false));
      return;
    }
    this.#blockedBy = undefined;
    const writeCount = batch.writes.length / WRITE_WIDTH;
    const loadCount = batch.loads.length / LOAD_WIDTH;
    const pending: Pending = {
      seq: batch.seq,
      resume: batch.resume,
      writesLeft: writeCount,
      writeError: undefined,
      loadsLeft: loadCount,
      found: new Float64Array(loadCount * FOUND_WIDTH),
      loadError: undefined,
      loadsAnswered: false,
      finished: false,
    };
    this.#order.push(pending);
    // Writes first: a load of a key written in its own batch waits for that write.
    const firstStamp = this.takeStamps(writeCount);
    for (let n = 0; n < writeCount; n++) this.#write(pending, batch.writes, n * WRITE_WIDTH, firstStamp + n);
    for (let n = 0; n < loadCount; n++) this.#load(pending, batch.loads[n * LOAD_WIDTH]!, batch.loads[n * LOAD_WIDTH + 1]!, n);
    if (writeCount + loadCount === 0) this.#advance();
  }

  #write(pending: Pending, writes: Float64Array, at: number, stamp: number): void {
    const key = keyOf(writes[at]!, writes[at + 1]!);
    const written: WrittenState = { writes, at };
    this.#newestWrite.set(key, written);
    const landed = this.#writes
      .run(async () => {
        if (pending.finished) return false; // refused while it waited: the client resends it
        await twice(() => this.#rows.writeRow(writes, at, stamp));
        return true;
      })
      .then(
        (done) => {
          if (done) pending.writesLeft--;
          return done;
        },
        (error: unknown) => {
          pending.writeError ??= messageOf(error);
          return false;
        },
      );
    void landed.then(() => {
      if (this.#newestWrite.get(key) === written) this.#newestWrite.delete(key);
      this.#advance();
    });
  }

  #load(pending: Pending, userId: number, channelId: number, n: number): void {
    const written = this.#newestWrite.get(keyOf(userId, channelId));
    if (written !== undefined) {
      // Its newest state is the one being written (every write-back of a key is sent before a
      // load of it): the answer, whether that write lands now or is refused and resent.
      const { writes, at } = written;
      pending.found.set([1, writes[at + 2]!, writes[at + 3]!, writes[at + 4]!], n * FOUND_WIDTH);
      pending.loadsLeft--;
      // Once all of them are settled, and after the batch is in place (its other requests out).
      if (pending.loadsLeft === 0) queueMicrotask(() => this.#loadsSettled(pending));
      return;
    }
    const loaded = pending.finished
      ? Promise.resolve()
      : this.#reads.run(() => twice(() => this.#rows.loadRow(userId, channelId, pending.found, n * FOUND_WIDTH)));
    void loaded
      .catch((error: unknown) => {
        pending.loadError ??= `a load failed: ${messageOf(error)}`;
      })
      .then(() => {
        pending.loadsLeft--;
        this.#loadsSettled(pending);
      });
  }

  /** Answers a batch's loads once all are read, without waiting for any write still out. */
  #loadsSettled(pending: Pending): void {
    if (pending.loadsLeft > 0 || pending.finished || pending.loadsAnswered) return;
    // A resume's loads wait for its writes: an answer carries word that the store works again.
    if (pending.resume || this.#order[0] === pending) {
      this.#advance();
      if (pending.finished || pending.resume) return;
    }
    pending.loadsAnswered = true;
    this.#post(loadsReply(pending, true));
  }

  /** Sends the last replies of the batches at the head of the order whose requests are all done. */
  #advance(): void {
    while (this.#order.length > 0) {
      const head = this.#order[0]!;
      if (head.writeError !== undefined) {
        this.#refuseAll(`a write-back failed: ${head.writeError}`);
        break;
      }
      if (head.writesLeft > 0 || head.loadsLeft > 0) break;
      this.#order.shift();
      head.finished = true;
      const loadsToAnswer = !head.loadsAnswered && (head.found.length > 0 || head.loadError !== undefined);
      this.#post(loadsToAnswer ? loadsReply(head, false) : { kind: 'batch', seq: head.seq, persisted: true });
    }
    if (this.#order.length === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  #refuseAll(reason: string): void {
    this.#blockedBy = reason;
    for (const pending of this.#order.splice(0)) {
      pending.finished = true;
      this.#post(refusal(pending.seq, reason, pending.loadsAnswered));
    }
  }

  #whenIdle(): Promise<void> {
    if (this.#order.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async #other(request: Exclude<StoreRequest, Batch>): Promise<void> {
    try {
      if (request.kind === 'dump') {
        const states = await this.#rows.dump();
        this.#post({ kind: 'dump', seq: request.seq, states }, [states.buffer]);
      } else {
        await this.#rows.close();
        this.#post({ kind: 'close', seq: request.seq });
      }
    } catch (error) {
      this.#post({ kind: 'error', seq: request.seq, message: messageOf(error) });
    }
  }
}

/**
 * `work`, and once more if it fails: a single request timing out on a busy machine is a hiccup,
 * which would otherwise fail a measured run (it stops at the first store failure); failing twice
 * in a row is a failing store.
 */
async function twice<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch {
    return work();
  }
}

/** A state handed to a write: WRITE_WIDTH numbers of `writes` from `at`. */
interface WrittenState {
  readonly writes: Float64Array;
  readonly at: number;
}

function keyOf(userId: number, channelId: number): string {
  return `${userId}:${channelId}`;
}

/** A batch's loads answered: `more` when its writes are still to be acknowledged in a later part. */
function loadsReply(pending: Pending, more: boolean): BatchReply {
  const part = more ? { writesDone: 0, more: true } : {};
  if (pending.loadError !== undefined) return { kind: 'batch', seq: pending.seq, persisted: true, loadError: pending.loadError, ...part };
  return { kind: 'batch', seq: pending.seq, persisted: true, found: pending.found, ...part };
}

/**
 * A batch refused: its writes go back to the client, and its loads fail with it unless they were
 * answered already (then an empty part of answers, so none is answered twice).
 */
function refusal(seq: number, reason: string, loadsAnswered: boolean): BatchReply {
  if (loadsAnswered) return { kind: 'batch', seq, persisted: false, writeError: reason, found: new Float64Array(0), loadIndices: new Uint32Array(0) };
  return { kind: 'batch', seq, persisted: false, writeError: reason, loadError: reason };
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

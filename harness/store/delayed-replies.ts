import { performance } from 'node:perf_hooks';
import type { StoreLatencyProfile } from './latency-profile.js';
import { LatencySampler } from './latency-sampler.js';
import { FOUND_WIDTH, type StoreReply } from './protocol.js';

/**
 * Holds a store worker's answers back by the time a remote database would take, one delay per
 * read and per write, drawn independently from the profile (harness/store/latency-profile.ts).
 *
 * Concurrency model: unbounded. Every request is in flight from the moment it reaches the
 * worker, each for its own delay, and none waits for another, as with a Cassandra or Scylla
 * driver, which multiplexes thousands of requests on each connection. The profiles' p99s are
 * what Discord saw under its production load; a cap on requests in flight would model a
 * saturated database, whose capacity no source gives, so the lab does not invent one. Misses
 * still queue where they do in the real service: in the service, each request waiting for its
 * read, and write-backs pile up as "pending" (handed to the store, not yet acknowledged), which
 * the run records per window as the pressure on the database.
 *
 * The data itself is read and written when the batch arrives, in order, exactly as without a
 * delay; only the answers wait. That keeps the store's ordering guarantee (store/protocol.ts):
 * a load of a key is only asked for while the key is out of the cache, so no write of that key
 * can arrive while its answer is held back, and the answer is the newest state.
 */
export class DelayedReplies {
  readonly #reads: LatencySampler;
  readonly #writes: LatencySampler;
  readonly #post: (reply: StoreReply, transfer?: ArrayBuffer[]) => void;
  /** Answers not yet sent, as a binary min-heap on `dueMs`. */
  readonly #heap: Due[] = [];
  /** Batches with answers still held back: their loads' results and how many answers remain. */
  readonly #batches = new Map<number, { found: Float64Array; remaining: number }>();
  #timer: NodeJS.Timeout | undefined;
  #timerDueMs = Number.POSITIVE_INFINITY;

  constructor(profile: StoreLatencyProfile, seed: number, post: (reply: StoreReply, transfer?: ArrayBuffer[]) => void) {
    // Reads and writes draw from streams of their own, so write-back traffic does not shift
    // which delay each read gets.
    this.#reads = new LatencySampler(profile.read, seed * 2 + 1);
    this.#writes = new LatencySampler(profile.write, seed * 2 + 2);
    this.#post = post;
  }

  /** Requests (reads and writes) whose answers are still held back. */
  get inFlight(): number {
    return this.#heap.length;
  }

  /**
   * Schedules the answers of a batch whose writes are committed and whose loads were read into
   * `found` (FOUND_WIDTH numbers per load): each write and each load is answered on its own.
   */
  add(seq: number, writeCount: number, found: Float64Array): void {
    const loadCount = found.length / FOUND_WIDTH;
    if (writeCount + loadCount === 0) {
      this.#post({ kind: 'batch', seq, persisted: true });
      return;
    }
    const now = performance.now();
    this.#batches.set(seq, { found, remaining: writeCount + loadCount });
    for (let i = 0; i < writeCount; i++) this.#push({ dueMs: now + this.#writes.next(), seq, load: -1 });
    for (let i = 0; i < loadCount; i++) this.#push({ dueMs: now + this.#reads.next(), seq, load: i });
    this.#arm();
  }

  /** Drops every answer still held back (the store is closing). */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDueMs = Number.POSITIVE_INFINITY;
    this.#heap.length = 0;
    this.#batches.clear();
  }

  /** Sends every answer that is due, one reply per batch, then waits for the next. */
  #release(): void {
    this.#timer = undefined;
    this.#timerDueMs = Number.POSITIVE_INFINITY;
    const now = performance.now();
    const parts = new Map<number, { writes: number; loads: number[] }>();
    while (this.#heap.length > 0 && this.#heap[0]!.dueMs <= now) {
      const { seq, load } = this.#pop();
      let part = parts.get(seq);
      if (part === undefined) {
        part = { writes: 0, loads: [] };
        parts.set(seq, part);
      }
      if (load < 0) part.writes++;
      else part.loads.push(load);
    }
    for (const [seq, part] of parts) {
      const batch = this.#batches.get(seq)!;
      batch.remaining -= part.writes + part.loads.length;
      const found = new Float64Array(part.loads.length * FOUND_WIDTH);
      for (let i = 0; i < part.loads.length; i++)
        found.set(batch.found.subarray(part.loads[i]! * FOUND_WIDTH, (part.loads[i]! + 1) * FOUND_WIDTH), i * FOUND_WIDTH);
      const more = batch.remaining > 0;
      if (!more) this.#batches.delete(seq);
      const loadIndices = Uint32Array.from(part.loads);
      this.#post({ kind: 'batch', seq, persisted: true, found, loadIndices, writesDone: part.writes, more }, [found.buffer, loadIndices.buffer]);
    }
    this.#arm();
  }

  /** Sets the timer for the earliest answer, unless one is set for it already. */
  #arm(): void {
    const next = this.#heap[0];
    if (next === undefined || next.dueMs >= this.#timerDueMs) return;
    clearTimeout(this.#timer);
    this.#timerDueMs = next.dueMs;
    // setTimeout has whole-millisecond resolution and never fires early: an answer is late by
    // at most about a millisecond, never early.
    this.#timer = setTimeout(() => this.#release(), Math.max(0, Math.ceil(next.dueMs - performance.now())));
  }

  #push(item: Due): void {
    const heap = this.#heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.dueMs <= item.dueMs) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  #pop(): Due {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.dueMs < heap[left]!.dueMs ? right : left;
      if (heap[child]!.dueMs >= last.dueMs) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

/** One answer held back: a write (load -1) or the load at index `load` of batch `seq`. */
interface Due {
  readonly dueMs: number;
  readonly seq: number;
  readonly load: number;
}

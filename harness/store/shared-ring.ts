/** Where a ring's numbers and its two positions live: memory both threads share. */
export interface SharedRingBuffers {
  readonly numbers: SharedArrayBuffer;
  readonly positions: SharedArrayBuffer;
}

/** Index of the next number the reader reads, in the positions array. */
const HEAD = 0;
/** Index of the next number the writer writes (everything before it is published). */
const TAIL = 1;

/**
 * A queue of numbers from one thread to exactly one other, in shared memory. The writer puts
 * the numbers of a record, then publishes them all with one atomic store; the reader sees
 * whole records only, takes their numbers off and releases the room with one atomic store.
 * Neither side allocates or sends a message, which is the point: a postMessage per store batch
 * cost the measured thread a message object, its typed arrays and an event-loop turn.
 *
 * The capacity is a power of two and one slot always stays empty, so full and empty differ.
 * The atomic stores and loads of the positions order the plain reads and writes of the numbers
 * around them (JavaScript's memory model: a sequentially consistent store synchronizes with the
 * load that reads it), so a reader never sees a number before it was written.
 */
export class SharedRing {
  readonly #numbers: Float64Array;
  readonly #positions: Int32Array;
  readonly #mask: number;
  /** The writer's position, ahead of TAIL by what it has put and not yet published. */
  #writeAt: number;
  /** The reader's position, ahead of HEAD by what it has taken and not yet released. */
  #readAt: number;

  /** Shared memory for a ring of `capacity` numbers, a power of two. */
  static allocate(capacity: number): SharedRingBuffers {
    if (capacity < 2 || (capacity & (capacity - 1)) !== 0) throw new Error(`ring capacity ${capacity} is not a power of two`);
    return { numbers: new SharedArrayBuffer(capacity * 8), positions: new SharedArrayBuffer(8) };
  }

  constructor(buffers: SharedRingBuffers) {
    this.#numbers = new Float64Array(buffers.numbers);
    this.#positions = new Int32Array(buffers.positions);
    this.#mask = this.#numbers.length - 1;
    this.#writeAt = Atomics.load(this.#positions, TAIL);
    this.#readAt = Atomics.load(this.#positions, HEAD);
  }

  /** The most numbers a record can ever hold. */
  get capacity(): number {
    return this.#mask;
  }

  // ---- the writer's side ----

  /** Numbers the writer can still put before the reader releases more. */
  room(): number {
    return (Atomics.load(this.#positions, HEAD) - this.#writeAt - 1) & this.#mask;
  }

  /** Puts one number after the last; the reader sees it once published. Check room() first. */
  put(value: number): void {
    this.#numbers[this.#writeAt] = value;
    this.#writeAt = (this.#writeAt + 1) & this.#mask;
  }

  /** Makes everything put so far visible to the reader. */
  publish(): void {
    Atomics.store(this.#positions, TAIL, this.#writeAt);
  }

  // ---- the reader's side ----

  /** Published numbers not yet taken: 0, or at least one whole record. */
  available(): number {
    return (Atomics.load(this.#positions, TAIL) - this.#readAt) & this.#mask;
  }

  take(): number {
    const value = this.#numbers[this.#readAt]!;
    this.#readAt = (this.#readAt + 1) & this.#mask;
    return value;
  }

  /** Gives the room of everything taken so far back to the writer. */
  release(): void {
    Atomics.store(this.#positions, HEAD, this.#readAt);
  }
}

/**
 * Numbers queued for the store worker, in a Float64Array that grows by doubling and is reused
 * from batch to batch. A number[] would do the same with less code, but turning it into the
 * Float64Array a message carries (Float64Array.from) walks it with an iterator, one result
 * object per number, and keeping a copy of what was sent (Array.from) boxes every double again:
 * together about 450 bytes of garbage per write-back, on the path every cache miss takes.
 */
export class NumberQueue {
  #numbers: Float64Array;
  #length = 0;

  constructor(initialCapacity = 1024) {
    this.#numbers = new Float64Array(initialCapacity);
  }

  get length(): number {
    return this.#length;
  }

  push2(a: number, b: number): void {
    this.#reserve(2);
    const numbers = this.#numbers;
    const at = this.#length;
    numbers[at] = a;
    numbers[at + 1] = b;
    this.#length = at + 2;
  }

  push3(a: number, b: number, c: number): void {
    this.#reserve(3);
    const numbers = this.#numbers;
    const at = this.#length;
    numbers[at] = a;
    numbers[at + 1] = b;
    numbers[at + 2] = c;
    this.#length = at + 3;
  }

  push5(a: number, b: number, c: number, d: number, e: number): void {
    this.#reserve(5);
    const numbers = this.#numbers;
    const at = this.#length;
    numbers[at] = a;
    numbers[at + 1] = b;
    numbers[at + 2] = c;
    numbers[at + 3] = d;
    numbers[at + 4] = e;
    this.#length = at + 5;
  }

  /** Appends every number of `more`, in order. */
  pushAll(more: Float64Array): void {
    this.#reserve(more.length);
    this.#numbers.set(more, this.#length);
    this.#length += more.length;
  }

  /** Puts `numbers` before the queued ones, in order. */
  prependAll(numbers: Float64Array): void {
    if (numbers.length === 0) return;
    this.#reserve(numbers.length);
    this.#numbers.copyWithin(numbers.length, 0, this.#length);
    this.#numbers.set(numbers, 0);
    this.#length += numbers.length;
  }

  /**
   * Hands the first `count` numbers to `to`, in order, and drops them from the queue, without
   * allocating: how a batch is written into the store's request ring.
   */
  moveFirstTo(count: number, to: { put(value: number): void }): void {
    const numbers = this.#numbers;
    for (let i = 0; i < count; i++) to.put(numbers[i]!);
    if (count === 0) return;
    numbers.copyWithin(0, count, this.#length);
    this.#length -= count;
  }

  /** The queued numbers as a Float64Array of their own (one copy); the queue is empty after. */
  take(): Float64Array {
    const taken = this.#numbers.slice(0, this.#length);
    this.#length = 0;
    return taken;
  }

  /** `first`'s numbers followed by this queue's, as one Float64Array; the queue is empty after. */
  takeAfter(first: Float64Array): Float64Array {
    const taken = new Float64Array(first.length + this.#length);
    taken.set(first, 0);
    taken.set(this.#numbers.subarray(0, this.#length), first.length);
    this.#length = 0;
    return taken;
  }

  #reserve(count: number): void {
    if (this.#length + count <= this.#numbers.length) return;
    let capacity = this.#numbers.length * 2;
    while (capacity < this.#length + count) capacity *= 2;
    const grown = new Float64Array(capacity);
    grown.set(this.#numbers.subarray(0, this.#length));
    this.#numbers = grown;
  }
}

/**
 * What was sent to the store worker and not yet answered, by sequence number. Numbers are
 * handed out in order and answered nearly in order, so the entries sit in an array from the
 * oldest unanswered one on: a lookup is an index, and answering the oldest shifts it off.
 *
 * Not a Map, whose keys here come and go thousands of times a second. Under that churn V8
 * rehashes a Map's table every few dozen inserts, and the obsolete table keeps a link to its
 * successor (for iterators that may still walk it) along with its old entries. Once one table
 * has been promoted to the old generation, each successor is reachable from there: it survives
 * every scavenge and is promoted in turn, with every callback its entries held, until the next
 * major GC. At discord-scale this Map and the service's loads-under-way Map made 600-900 KB of
 * garbage survive each scavenge (2-3 ms pauses); without them, 5-15 KB (0.3-0.4 ms), measured
 * with --trace-gc-nvp.
 */
export class InFlight<V> {
  #entries: Array<V | undefined> = [];
  /** The sequence number of #entries[0]. */
  #first = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Adds the entry of `seq`, a number above every one added before. */
  add(seq: number, value: V): void {
    if (this.#entries.length === 0) this.#first = seq;
    while (this.#first + this.#entries.length < seq) this.#entries.push(undefined);
    this.#entries.push(value);
    this.#size++;
  }

  get(seq: number): V | undefined {
    return this.#entries[seq - this.#first];
  }

  delete(seq: number): void {
    const index = seq - this.#first;
    if (index < 0 || this.#entries[index] === undefined) return;
    this.#entries[index] = undefined;
    this.#size--;
    while (this.#entries.length > 0 && this.#entries[0] === undefined) {
      this.#entries.shift();
      this.#first++;
    }
  }

  values(): V[] {
    return this.#entries.filter((value): value is V => value !== undefined);
  }

  clear(): void {
    this.#entries = [];
    this.#size = 0;
  }
}

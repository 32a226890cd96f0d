/**
 * At most `limit` requests in flight at once; the others wait their turn in the order they were
 * given. The Cassandra store keeps one for reads and one for writes, so a burst of write-backs
 * never holds a read back (store/cassandra-batches.ts).
 */
export class ConcurrencyWindow {
  readonly #limit: number;
  readonly #waiting: Array<() => void> = [];
  #running = 0;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a concurrency window needs a limit of 1 or more, not ${limit}`);
    this.#limit = limit;
  }

  /** Requests started and not yet settled. */
  get inFlight(): number {
    return this.#running;
  }

  /** Requests waiting for room. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Starts `request` when there is room, and settles as it does. */
  run<T>(request: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.#running++;
        new Promise<T>((settle) => settle(request())).then(resolve, reject).finally(() => {
          this.#running--;
          this.#waiting.shift()?.();
        });
      };
      if (this.#running < this.#limit) start();
      else this.#waiting.push(start);
    });
  }
}

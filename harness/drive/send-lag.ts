import { COUNTS_LENGTH, slotOf, valueAt } from '../measure/hdr-counts.js';
import type { SendLag } from '../results/schema.js';

/**
 * How late the Node open-loop driver writes each request, from its due time: HDR counts in a
 * preallocated array (the latency histograms' own layout), so recording inside the send loop
 * is one index computation and one increment, and allocates nothing.
 */
export class SendLagCounts {
  readonly #counts = new Uint32Array(COUNTS_LENGTH);
  #count = 0;
  #sumMs = 0;
  #maxMs = 0;

  record(lagMs: number): void {
    // A send never goes out before its due time; rounding of the due time may say -0.000001.
    const ms = lagMs > 0 ? lagMs : 0;
    this.#counts[slotOf(Math.round(ms * 1e6))]!++;
    this.#count++;
    this.#sumMs += ms;
    if (ms > this.#maxMs) this.#maxMs = ms;
  }

  get count(): number {
    return this.#count;
  }

  get meanMs(): number {
    return this.#count === 0 ? 0 : this.#sumMs / this.#count;
  }

  get maxMs(): number {
    return this.#maxMs;
  }

  figures(): SendLag {
    return { p50Ms: this.#quantileMs(0.5), p99Ms: this.#quantileMs(0.99), p999Ms: this.#quantileMs(0.999), maxMs: this.#maxMs, meanMs: this.meanMs };
  }

  /** The lowest value of the slot holding the quantile's rank, as the latency histograms read (0 with no sends). */
  #quantileMs(quantile: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(quantile * this.#count));
    let seen = 0;
    for (let i = 0; i < COUNTS_LENGTH; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return valueAt(i) / 1e6;
    }
    return this.#maxMs;
  }
}

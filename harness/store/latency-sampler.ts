import type { LatencyDistribution } from '../results/schemas/store-latency.js';

/** The z-score of the 99th percentile of a standard normal distribution. */
export const Z_P99 = 2.326347874;

/**
 * Draws delays (ms) from a LatencyDistribution with a seeded generator, so the same seed gives
 * the same sequence of delays. The uniform source is a splitmix32 of its own: the store stage
 * may not import the workload's generator (.dependency-cruiser.cjs), and a delay sequence needs
 * nothing more than well-mixed 32-bit outputs.
 */
export class LatencySampler {
  readonly #distribution: LatencyDistribution;
  readonly #mu: number;
  readonly #sigma: number;
  #state: number;
  /** Box-Muller gives normals in pairs: the second one waits here (NaN when none waits). */
  #spare = Number.NaN;

  constructor(distribution: LatencyDistribution, seed: number) {
    this.#distribution = distribution;
    this.#state = seed >>> 0;
    if (distribution.distribution === 'lognormal') {
      this.#mu = Math.log(distribution.medianMs);
      this.#sigma = Math.log(distribution.p99Ms / distribution.medianMs) / Z_P99;
    } else {
      this.#mu = 0;
      this.#sigma = 0;
    }
  }

  /** One delay in milliseconds, never negative. */
  next(): number {
    if (this.#distribution.distribution === 'fixed') return this.#distribution.ms;
    return Math.exp(this.#mu + this.#sigma * this.#normal());
  }

  /** Uniform in (0, 1): never 0, so that its logarithm is finite. */
  #uniform(): number {
    this.#state = (this.#state + 0x9e3779b9) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (((z ^ (z >>> 16)) >>> 0) + 0.5) / 4294967296;
  }

  /** A standard normal draw (Box-Muller). */
  #normal(): number {
    if (!Number.isNaN(this.#spare)) {
      const spare = this.#spare;
      this.#spare = Number.NaN;
      return spare;
    }
    const radius = Math.sqrt(-2 * Math.log(this.#uniform()));
    const angle = 2 * Math.PI * this.#uniform();
    this.#spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

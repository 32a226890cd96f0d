import type { Prng } from './prng.js';

/**
 * Samples ranks 0..n-1 with P(rank k) proportional to 1 / (k + 1)^exponent: a few very popular
 * users, guilds and channels, and a long tail, as in real chat traffic.
 *
 * The cumulative table lives in a Float64Array (off the V8 heap) and a sample is one binary
 * search, so generating millions of requests takes a second or two.
 */
export class ZipfSampler {
  readonly #cumulative: Float64Array;

  constructor(n: number, exponent: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`zipf size must be a positive integer, got ${n}`);
    this.#cumulative = new Float64Array(n);
    let total = 0;
    for (let k = 0; k < n; k++) {
      total += 1 / (k + 1) ** exponent;
      this.#cumulative[k] = total;
    }
    for (let k = 0; k < n; k++) this.#cumulative[k]! /= total;
  }

  sample(random: Prng): number {
    const u = random.nextFloat();
    const table = this.#cumulative;
    let low = 0;
    let high = table.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (table[mid]! > u) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}

/**
 * A bijection of 0..n-1 (multiply by a number coprime to n), so that popularity rank and id
 * are unrelated and the most popular ids are not simply 0, 1, 2...
 */
export function rankToId(n: number): (rank: number) => number {
  let multiplier = 2654435761 % n || 1;
  while (gcd(multiplier, n) !== 1) multiplier++;
  return (rank) => (rank * multiplier) % n;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

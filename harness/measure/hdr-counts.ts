import { createRequire } from 'node:module';
import type * as Hdr from 'hdr-histogram-js';

/*
 * The counts of an HDR histogram as results/histogram.ts builds it (lowest discernible value 1,
 * 3 significant digits, highest trackable 2^40 ns): 2048 sub-buckets, so a value's index is
 * (bucket + 1) * 1024 + (value >> bucket) - 1024 with bucket = 53 - clz64(value | 2047).
 * Recording is that index and one increment of a Uint32Array; encode() replays the counts into
 * hdr-histogram-js histograms, whose encodings come out byte for byte what recording each value
 * into them would give (test/latency-recorder-matches-hdr.unit.test.ts).
 */
const SUB_BUCKET_HALF_MAGNITUDE = 10;
const SUB_BUCKET_HALF = 1 << SUB_BUCKET_HALF_MAGNITUDE;
const SUB_BUCKET_MASK = 2 * SUB_BUCKET_HALF - 1;
/** Values at or above this many ns are recorded as this minus one (18 minutes: never, in a run). */
const HIGHEST_NS = 2 ** 40;
const TWO_TO_32 = 2 ** 32;
const POWERS_OF_TWO = Float64Array.from({ length: 64 }, (_, i) => 2 ** i);
/** Counts slots up to HIGHEST_NS - 1. */
export const COUNTS_LENGTH = indexOf(HIGHEST_NS - 1) + 1;

/** The counts index of an integer number of nanoseconds, 1 <= ns < HIGHEST_NS. */
function indexOf(ns: number): number {
  let bucket: number;
  let sub: number;
  if (ns < TWO_TO_32) {
    // `| 2047` and `>>>` see the value's low 32 bits, which are all of it here.
    bucket = 21 - Math.clz32(ns | SUB_BUCKET_MASK);
    sub = ns >>> bucket;
  } else {
    bucket = 53 - Math.clz32((ns / TWO_TO_32) >>> 0);
    sub = Math.floor(ns / POWERS_OF_TWO[bucket]!);
  }
  return ((bucket + 1) << SUB_BUCKET_HALF_MAGNITUDE) + sub - SUB_BUCKET_HALF;
}

/** The lowest value whose index is `index`: recording it counts in the same slot. */
export function valueAt(index: number): number {
  const bucket = (index >> SUB_BUCKET_HALF_MAGNITUDE) - 1;
  const sub = index & (SUB_BUCKET_HALF - 1);
  return bucket < 0 ? sub : (sub + SUB_BUCKET_HALF) * POWERS_OF_TWO[bucket]!;
}

/** The counts index of an integer number of nanoseconds, clamped to what the histograms hold. */
export function slotOf(ns: number): number {
  return indexOf(ns < 1 ? 1 : ns >= HIGHEST_NS ? HIGHEST_NS - 1 : ns);
}

/**
 * hdr-histogram-js, loaded when the first histogram is encoded, after measuring: the library
 * and its inflate code take about 1 MiB of the measured heap (3 MiB more once its WebAssembly
 * is initialised), which every forced GC during the run would otherwise mark.
 */
let hdrLibrary: typeof Hdr | undefined;
function hdr(): typeof Hdr {
  // require() is untyped; the package's own types describe what it returns.
  hdrLibrary ??= createRequire(import.meta.url)('hdr-histogram-js') as typeof Hdr;
  return hdrLibrary;
}

/**
 * results/histogram.ts's LATENCY_HISTOGRAM, as a plain JS histogram: the same layout as the
 * counts above (test/latency-recorder-matches-hdr.unit.test.ts checks the encodings against it).
 */
const ENCODED_HISTOGRAM = {
  bitBucketSize: 32,
  autoResize: true,
  lowestDiscernibleValue: 1,
  highestTrackableValue: HIGHEST_NS,
  numberOfSignificantValueDigits: 3,
  useWebAssembly: false,
} as const;

/** An hdr-histogram-js histogram holding `counts` (slot `from + i` has `counts[i]`), encoded. */
export function encodeCounts(counts: Uint32Array, from: number): string {
  const library = hdr();
  const histogram = library.build(ENCODED_HISTOGRAM);
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (count !== 0) histogram.recordValueWithCount(valueAt(from + i), count);
  }
  const encoded = library.encodeIntoCompressedBase64(histogram);
  histogram.destroy();
  return encoded;
}

/**
 * One histogram of integer nanoseconds counted this way: a preallocated Uint32Array (about
 * 124 KiB, off the JS heap), so recording allocates nothing and needs no library until
 * `encode()`, after measuring.
 */
export class HdrCounts {
  readonly #counts = new Uint32Array(COUNTS_LENGTH);

  /** Counts `ns` (clamped to 1 .. HIGHEST_NS - 1). */
  recordNs(ns: number): void {
    this.#counts[slotOf(ns)]!++;
  }

  /** The counts as hdr-histogram-js encodes them (compressed base64), as results.json holds histograms. */
  encode(): string {
    return encodeCounts(this.#counts, 0);
  }
}

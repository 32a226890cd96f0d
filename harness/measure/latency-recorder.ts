import { encodeHistogram, recordingHistogram, type Histogram } from '../results/histogram.js';
import { REQUEST_TYPES, type RequestType } from '../results/scenario-schema.js';
import type { EncodedLatencies } from '../results/schema.js';

/**
 * Records each request's latency three times: overall, by request type, and in the window of
 * wall time it completed in (for the over-time charts). Recording is a few tens of
 * nanoseconds into WebAssembly memory and allocates nothing on the JS heap.
 */
export class LatencyRecorder {
  readonly #overall = recordingHistogram();
  readonly #byType: Histogram[] = REQUEST_TYPES.map(() => recordingHistogram());
  readonly #windows: Histogram[] = [];
  readonly #startMs: number;
  readonly #windowMs: number;

  constructor(startMs: number, windowMs: number) {
    this.#startMs = startMs;
    this.#windowMs = windowMs;
  }

  /** `type` indexes REQUEST_TYPES; `completedAtMs` is a performance.now() reading. */
  record(type: number, latencyMs: number, completedAtMs: number): void {
    const nanoseconds = Math.max(1, Math.round(latencyMs * 1e6));
    this.#overall.recordValue(nanoseconds);
    this.#byType[type]!.recordValue(nanoseconds);
    const window = Math.floor((completedAtMs - this.#startMs) / this.#windowMs);
    while (this.#windows.length <= window) this.#windows.push(recordingHistogram());
    this.#windows[window]!.recordValue(nanoseconds);
  }

  get count(): number {
    return this.#overall.totalCount;
  }

  encode(): EncodedLatencies {
    return {
      unit: 'ns',
      overall: encodeHistogram(this.#overall),
      byType: Object.fromEntries(
        REQUEST_TYPES.map((type, i) => [type, encodeHistogram(this.#byType[i]!)]),
      ) as Record<RequestType, string>,
      windows: this.#windows.map(encodeHistogram),
      windowMs: this.#windowMs,
    };
  }

  destroy(): void {
    for (const histogram of [this.#overall, ...this.#byType, ...this.#windows]) histogram.destroy();
  }
}

import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import type { GcEvent, GcKind } from '../results/schema.js';

const KINDS = new Map<number, GcKind>([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

/**
 * Collects every GC pause V8 reports through perf_hooks. Entries arrive after the pause, in
 * batches; their start times share performance.now()'s clock, so they line up with latencies.
 */
export class GcObserver {
  readonly events: GcEvent[] = [];
  readonly #observer: PerformanceObserver;
  readonly #originMs: number;
  readonly #thread: string;

  constructor(originMs: number, thread = 'main') {
    this.#originMs = originMs;
    this.#thread = thread;
    this.#observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.#add(entry);
    });
    this.#observer.observe({ entryTypes: ['gc'] });
  }

  /** Called with each new event; the forced-GC scheduler listens for V8's own major GC. */
  onEvent: ((event: GcEvent) => void) | undefined;

  stop(): void {
    // Entries still buffered are delivered by takeRecords, not lost.
    for (const entry of this.#observer.takeRecords()) this.#add(entry);
    this.#observer.disconnect();
  }

  #add(entry: PerformanceEntry): void {
    const detail: unknown = 'detail' in entry ? entry.detail : undefined;
    const kind = typeof detail === 'object' && detail !== null && 'kind' in detail && typeof detail.kind === 'number' ? detail.kind : -1;
    const flags = typeof detail === 'object' && detail !== null && 'flags' in detail && typeof detail.flags === 'number' ? detail.flags : 0;
    const event: GcEvent = {
      startMs: entry.startTime - this.#originMs,
      durationMs: entry.duration,
      kind: KINDS.get(kind) ?? 'unknown',
      forced: (flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0,
      thread: this.#thread,
    };
    this.events.push(event);
    this.onEvent?.(event);
  }
}

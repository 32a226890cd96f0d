import type { ForcedGc, GcCycle, GcEvent } from '../results/schema.js';

/** Slack when matching a forced call's pause to the call: two clocks read a few µs apart. */
const MATCH_SLACK_MS = 1;

/**
 * The whole cycles of a V8 heap's collections, from what perf_hooks and the forced-GC schedule
 * recorded (GcEvent, ForcedGc), beside their pauses:
 *
 * - a forced `gc()` (sync mode): the wall time of the call, which is V8's atomic full collection
 *   (marking with parallel helpers, then compaction), with the forced major pause inside it. Its
 *   concurrent sweeping after the call returns is not seen.
 * - a major GC V8 chose with incremental marking before it: from the `incremental` entry that
 *   started marking (the first since the thread's previous major GC) to the end of the major
 *   pause that finished it; its pause is the major pause plus the incremental steps' pauses.
 *   Marking in between ran concurrently on V8's worker threads and in steps on the thread.
 * - a major GC V8 chose without incremental marking: all of it in its pause.
 *
 * Scavenges are not cycles of this kind (they are wholly in their pause) and are left out.
 */
export function v8GcCycles(events: readonly GcEvent[], forced: readonly ForcedGc[]): GcCycle[] {
  const sorted = [...events].sort((a, b) => a.startMs - b.startMs);
  const cycles: GcCycle[] = [];
  for (const call of forced) {
    if (call.mode !== 'sync') continue;
    const end = call.startMs + call.durationMs;
    const pauses = sorted.filter((e) => e.forced && e.kind === 'major' && e.startMs >= call.startMs - MATCH_SLACK_MS && e.startMs <= end + MATCH_SLACK_MS);
    cycles.push({
      startMs: call.startMs,
      durationMs: call.durationMs,
      pauseMs: pauses.length === 0 ? Number.NaN : pauses.reduce((total, e) => total + e.durationMs, 0),
      forced: true,
      thread: pauses[0]?.thread ?? 'main',
      source: 'forced-call',
    });
  }
  // Per thread: incremental steps since its last major GC, waiting for the major that ends them.
  const steps = new Map<string, GcEvent[]>();
  for (const event of sorted) {
    if (event.kind === 'incremental') {
      const list = steps.get(event.thread) ?? [];
      list.push(event);
      steps.set(event.thread, list);
      continue;
    }
    if (event.kind !== 'major') continue;
    const marking = steps.get(event.thread) ?? [];
    steps.set(event.thread, []);
    if (event.forced) continue; // a forced gc(): its cycle is the call's, above
    const end = event.startMs + event.durationMs;
    const first = marking[0];
    cycles.push({
      startMs: first?.startMs ?? event.startMs,
      durationMs: end - (first?.startMs ?? event.startMs),
      pauseMs: event.durationMs + marking.reduce((total, e) => total + e.durationMs, 0),
      forced: false,
      thread: event.thread,
      source: first === undefined ? 'atomic-pause' : 'incremental-marking',
    });
  }
  return cycles.sort((a, b) => a.startMs - b.startMs);
}

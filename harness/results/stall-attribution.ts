import { EXPLAINED_SHARE, SPIKE_FACTOR, SPIKE_FLOOR_MS, WORST_WINDOWS_LISTED } from '../tuning.js';
import type { ForcedGc, GcEvent, StallRecording, WindowSummary } from './schema.js';

export type StallCause =
  | 'forced GC'
  | 'major GC'
  | 'incremental GC'
  | 'minor GC'
  /** The stall recorder saw the thread stop, and the runtime reports no GC at all (Bun, Deno): it may have been one. */
  | 'stall (runtime reports no GC events)'
  /** The stall recorder saw the thread stop, and no GC the runtime reported explains it. */
  | 'thread stall, no GC'
  | 'nothing observed';

export interface Stall {
  /** Start of the window, ms since measuring started. */
  readonly windowStartMs: number;
  /** The slowest request of the window. */
  readonly maxMs: number;
  readonly cause: StallCause;
  /** The longest GC pause that overlapped the stall, 0 when none did. */
  readonly gcPauseMs: number;
  /** The longest stall the stall recorder saw in the same span, 0 when none; NaN when the row has no recording. */
  readonly threadStallMs: number;
  /** The GCs that overlapped: each major one, then the scavenges summed, e.g. "major 212 ms (forced); 14 minor, 9.1 ms in all". */
  readonly overlapping: string;
  /** Why it is listed: it stood out from the row's typical window, or it is among the row's worst. */
  readonly listed: 'spike' | 'worst';
}

export interface StallInputs {
  /** The row's windows that timed at least one request. */
  readonly windows: readonly WindowSummary[];
  readonly windowMs: number;
  readonly gcEvents: readonly GcEvent[];
  readonly forcedGcs: readonly ForcedGc[];
  /** The stall recorder's findings; undefined for rows without one (older results, service level). */
  readonly stalls: StallRecording | undefined;
}

/**
 * The slowest request a window may have before it counts as a spike: SPIKE_FACTOR times the
 * median window's slowest request, and at least SPIKE_FLOOR_MS. Relative to the typical window,
 * not to the run's p99: when stalls are frequent or the run falls behind, p99 is itself the
 * stall (a saturated run's p99 of 10.7 s, 5x over, would leave out its 11.4 s maximum).
 */
export function spikeThresholdMs(windows: readonly WindowSummary[]): number {
  const maxima = windows.map((w) => w.maxMs).sort((a, b) => a - b);
  const median = maxima.length === 0 ? 0 : maxima[(maxima.length - 1) >> 1]!;
  return Math.max(median * SPIKE_FACTOR, SPIKE_FLOOR_MS);
}

/**
 * Lists a row's latency spikes and what overlapped each: every window above spikeThresholdMs,
 * and the WORST_WINDOWS_LISTED slowest windows above SPIKE_FLOOR_MS whatever the threshold, so
 * that a run in which every window is slow (a saturated one) still lists its worst. In time
 * order. A request that completed in the window with latency L was held up somewhere in the L ms
 * before it completed, so the GCs and recorded stalls that may explain the window are those that
 * overlap [window start - max, window end].
 *
 * Causes: a GC that paused for at least EXPLAINED_SHARE of the spike; else a stall the stall
 * recorder saw, which on a runtime that reports no GC may be one ("stall (runtime reports no
 * GC events)") and elsewhere is something else that held the thread ("thread stall, no GC":
 * a Map growing its hash table, a long synchronous call); else "nothing observed" (queueing
 * behind earlier requests, or the machine's other load).
 */
export function attributeStalls(input: StallInputs): Stall[] {
  const { windows, windowMs, gcEvents, forcedGcs, stalls } = input;
  const threshold = spikeThresholdMs(windows);
  const worst = new Set(
    [...windows]
      .filter((w) => w.maxMs >= SPIKE_FLOOR_MS)
      .sort((a, b) => b.maxMs - a.maxMs)
      .slice(0, WORST_WINDOWS_LISTED),
  );
  const runtimeReportsGc = gcEvents.length > 0;
  const listed: Stall[] = [];
  for (const window of windows) {
    const spike = window.maxMs >= threshold;
    if (!spike && !worst.has(window)) continue;
    const from = window.startMs - window.maxMs;
    const to = window.startMs + windowMs;
    const overlapping = gcEvents.filter((gc) => gc.startMs < to && gc.startMs + gc.durationMs > from);
    const longest = overlapping.reduce<GcEvent | undefined>((a, b) => (a === undefined || b.durationMs > a.durationMs ? b : a), undefined);
    const threadStallMs =
      stalls === undefined
        ? Number.NaN
        : stalls.stalls.filter((s) => s.startMs < to && s.startMs + s.durationMs > from).reduce((most, s) => Math.max(most, s.durationMs), 0);
    const forced = (gc: GcEvent): boolean => gc.forced || forcedGcs.some((f) => gc.startMs >= f.startMs - 1 && gc.startMs <= f.startMs + f.durationMs + 1);
    let cause: StallCause = 'nothing observed';
    if (longest !== undefined && longest.durationMs >= window.maxMs * EXPLAINED_SHARE) {
      cause = forced(longest) ? 'forced GC' : longest.kind === 'major' ? 'major GC' : longest.kind === 'incremental' ? 'incremental GC' : 'minor GC';
    } else if (!runtimeReportsGc && threadStallMs > 0) {
      cause = 'stall (runtime reports no GC events)';
    } else if (threadStallMs >= window.maxMs * EXPLAINED_SHARE) {
      cause = 'thread stall, no GC';
    }
    listed.push({
      windowStartMs: window.startMs,
      maxMs: window.maxMs,
      cause,
      gcPauseMs: longest?.durationMs ?? 0,
      threadStallMs,
      overlapping: describeOverlap(overlapping, forced),
      listed: spike ? 'spike' : 'worst',
    });
  }
  return listed;
}

/** The rule attributeStalls lists windows by, in words, for the report. */
export function stallRuleText(windowMs: number): string {
  return (
    `a ${windowMs / 1000} s window whose slowest request took at least ${SPIKE_FACTOR}x the median window's slowest and at least ${SPIKE_FLOOR_MS} ms, ` +
    `and each row's ${WORST_WINDOWS_LISTED} worst windows of at least ${SPIKE_FLOOR_MS} ms`
  );
}

function describeOverlap(events: readonly GcEvent[], forced: (gc: GcEvent) => boolean): string {
  const minor = events.filter((gc) => gc.kind === 'minor');
  const parts = events.filter((gc) => gc.kind !== 'minor').map((gc) => `${gc.kind} ${gc.durationMs.toFixed(1)} ms${forced(gc) ? ' (forced)' : ''}`);
  if (minor.length > 0) {
    const total = minor.reduce((sum, gc) => sum + gc.durationMs, 0);
    parts.push(`${minor.length} minor, ${total.toFixed(1)} ms in all`);
  }
  return parts.join('; ');
}

import { EXPLAINED_SHARE, SPIKE_FACTOR, SPIKE_FLOOR_MS } from '../tuning.js';
import type { ForcedGc, GcEvent, WindowSummary } from './schema.js';

export type StallCause = 'forced GC' | 'major GC' | 'incremental GC' | 'minor GC' | 'nothing observed';

export interface Stall {
  /** Start of the window, ms since measuring started. */
  readonly windowStartMs: number;
  /** The slowest request of the window. */
  readonly maxMs: number;
  readonly cause: StallCause;
  /** The longest GC pause that overlapped the stall, 0 when none did. */
  readonly gcPauseMs: number;
  /** The GCs that overlapped: each major one, then the scavenges summed, e.g. "major 212 ms (forced); 14 minor, 9.1 ms in all". */
  readonly overlapping: string;
}

/**
 * Lists every latency spike of a row and what overlapped it. A request that completed in the
 * window with latency L was held up somewhere in the L ms before it completed, so the GCs that
 * may explain the window are those that overlap [window start - max, window end].
 *
 * A spike whose overlapping GCs paused for less than half its length is reported as "nothing
 * observed" (with the GCs listed): something else stalled the thread, such as a Map growing
 * its hash table, which V8 does not report as GC.
 */
export function attributeStalls(
  windows: readonly WindowSummary[],
  windowMs: number,
  p99Ms: number,
  gcEvents: readonly GcEvent[],
  forcedGcs: readonly ForcedGc[],
): Stall[] {
  const threshold = Math.max(p99Ms * SPIKE_FACTOR, SPIKE_FLOOR_MS);
  const stalls: Stall[] = [];
  for (const window of windows) {
    if (window.maxMs < threshold) continue;
    const from = window.startMs - window.maxMs;
    const to = window.startMs + windowMs;
    const overlapping = gcEvents.filter((gc) => gc.startMs < to && gc.startMs + gc.durationMs > from);
    const longest = overlapping.reduce<GcEvent | undefined>((a, b) => (a === undefined || b.durationMs > a.durationMs ? b : a), undefined);
    const forced = (gc: GcEvent): boolean => gc.forced || forcedGcs.some((f) => gc.startMs >= f.startMs - 1 && gc.startMs <= f.startMs + f.durationMs + 1);
    let cause: StallCause = 'nothing observed';
    if (longest !== undefined && longest.durationMs >= window.maxMs * EXPLAINED_SHARE) {
      cause = forced(longest) ? 'forced GC' : longest.kind === 'major' ? 'major GC' : longest.kind === 'incremental' ? 'incremental GC' : 'minor GC';
    }
    stalls.push({
      windowStartMs: window.startMs,
      maxMs: window.maxMs,
      cause,
      gcPauseMs: longest?.durationMs ?? 0,
      overlapping: describeOverlap(overlapping, forced),
    });
  }
  return stalls;
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

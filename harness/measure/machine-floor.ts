import { UsageError } from '../errors.js';
import type { MachineFloor } from '../results/schema.js';
import { MACHINE_FLOOR_GAP_MS, MACHINE_FLOOR_PROBE_MS } from '../tuning.js';
import { nowMs } from './clock.js';

/** Gaps kept: a probe of a second on this VM sees 130-1,300 (more are counted, not kept). */
const GAPS_KEPT = 100_000;

/** Spun before the probe, uncounted, so that V8 has optimized the loop when it counts. */
const WARM_UP_MS = 200;

/**
 * What the machine alone does to a thread that never stops asking for the CPU, measured by
 * spinning on the clock for `probeMs` (sysjitter's method): every read that comes more than
 * MACHINE_FLOOR_GAP_MS after the one before is a gap in which the thread did not run (the
 * kernel or, on a VM, the hypervisor had the CPU). The probe allocates nothing while it spins.
 *
 * From the gaps it derives the latencies a request costing nothing would see, sent open loop at
 * any rate during the probe: one due inside a gap waits for the rest of it, so the share of
 * requests waiting longer than d is the sum over gaps of max(0, gap - d) over the probe's length.
 * That is the floor under every contender's tail on this machine now: a p99 below it cannot be
 * measured here. Run it while nothing else of the lab runs (it takes a core).
 */
export function measureMachineFloor(probeMs: number): MachineFloor {
  const gaps = new Float64Array(GAPS_KEPT);
  // Until V8 optimizes the loop, every clock reading is a new heap number: hundreds of MB a
  // second, a scavenge every 25 ms (measured) that the probe would count as the machine's.
  spin(WARM_UP_MS, gaps);
  const { spanMs, counted, kept, takenMs, longestMs } = spin(probeMs, gaps);
  const sorted = gaps.subarray(0, kept).sort().reverse();
  return {
    probeMs: spanMs,
    gapThresholdMs: MACHINE_FLOOR_GAP_MS,
    gapsPerSecond: counted / (spanMs / 1000),
    takenFraction: takenMs / spanMs,
    longestGapMs: longestMs,
    zeroCostP99Ms: waitAtQuantile(sorted, spanMs, 0.99),
    zeroCostP999Ms: waitAtQuantile(sorted, spanMs, 0.999),
  };
}

/** The environment variable that shortens or lengthens the probe (the test suite shortens it). */
export const FLOOR_PROBE_VARIABLE = 'READSTATE_LAB_FLOOR_PROBE_MS';

/** The probe lengths a user may ask for, in ms: long enough to see a gap, short of a long wait. */
const PROBE_MS_RANGE = { least: 50, most: 60_000 } as const;

/**
 * How long to probe: READSTATE_LAB_FLOOR_PROBE_MS when set, else MACHINE_FLOOR_PROBE_MS. A
 * shorter probe costs less (the suite runs dozens of experiments) and sees fewer of the rare
 * long gaps; results record the probe's length beside its figures.
 */
export function floorProbeMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[FLOOR_PROBE_VARIABLE];
  if (text === undefined || text === '') return MACHINE_FLOOR_PROBE_MS;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < PROBE_MS_RANGE.least || ms > PROBE_MS_RANGE.most) {
    throw new UsageError(`${FLOOR_PROBE_VARIABLE} must be a whole number of ms from ${PROBE_MS_RANGE.least} to ${PROBE_MS_RANGE.most}, not "${text}"`);
  }
  return ms;
}

/** Spins on the clock for `forMs`, keeping the first GAPS_KEPT gaps in `gaps`. */
function spin(forMs: number, gaps: Float64Array): { spanMs: number; counted: number; kept: number; takenMs: number; longestMs: number } {
  let kept = 0;
  let counted = 0;
  let takenMs = 0;
  let longestMs = 0;
  const start = nowMs();
  const end = start + forMs;
  let last = start;
  while (last < end) {
    const now = nowMs();
    const gap = now - last;
    last = now;
    if (gap < MACHINE_FLOOR_GAP_MS) continue;
    counted++;
    takenMs += gap;
    if (gap > longestMs) longestMs = gap;
    if (kept < gaps.length) gaps[kept++] = gap;
  }
  return { spanMs: last - start, counted, kept, takenMs, longestMs };
}

/**
 * The smallest wait d that no more than (1 - quantile) of a zero-cost request stream exceeds:
 * the d at which sum(max(0, gap - d)) falls to (1 - quantile) * spanMs. `gaps` is sorted
 * longest first; with the k longest gaps above d the sum is their total minus k * d.
 */
export function waitAtQuantile(gaps: Float64Array, spanMs: number, quantile: number): number {
  const allowed = (1 - quantile) * spanMs;
  let total = 0;
  for (let k = 1; k <= gaps.length; k++) {
    total += gaps[k - 1]!;
    const next = k < gaps.length ? gaps[k]! : 0;
    // With d in [next, gaps[k - 1]] exactly the k longest gaps exceed it.
    const d = (total - allowed) / k;
    if (d >= next) return Math.max(0, d);
  }
  return 0;
}

import type { MachineFloor } from '../results/schema.js';
import { formatCount, formatMs, formatPercent } from './format.js';

/** The machine's latency floor in one sentence, for the report, summary.md and the verdict. */
export function machineFloorText(floor: MachineFloor): string {
  return (
    `a request costing nothing would have waited ${formatMs(floor.zeroCostP99Ms)} at p99 and ${formatMs(floor.zeroCostP999Ms)} at p99.9 ` +
    `(the machine took the CPU from a spinning thread ${formatCount(floor.gapsPerSecond)} times a second, ` +
    `${formatPercent(floor.takenFraction)} of the time, longest ${formatMs(floor.longestGapMs)}; ${formatMs(floor.probeMs)} probe before the rows)`
  );
}

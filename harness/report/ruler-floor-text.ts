import type { RulerFloor } from '../results/schema.js';
import { driverText, sendLagText } from './driver-text.js';
import { formatCount, formatMs } from './format.js';

/** The ruler's floor in one sentence, for the report, summary.md and `load`'s progress. */
export function rulerFloorText(floor: RulerFloor): string {
  if (floor.state === 'failed') return `not measured: ${floor.reason}`;
  const { latency } = floor;
  return (
    `${driverText(floor.driver)} against ${floor.server}, ${formatCount(floor.rate)} requests/s for ${(floor.durationMs / 1000).toFixed(1)} s: ` +
    `p50 ${formatMs(latency.p50Ms)}, p99 ${formatMs(latency.p99Ms)}, p99.9 ${formatMs(latency.p999Ms)}, max ${formatMs(latency.maxMs)}` +
    (floor.sendLag === undefined ? '' : `; sent late by ${sendLagText(floor.sendLag)}`)
  );
}

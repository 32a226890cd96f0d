import type { RulerFloor, RunSettings, SendLag, ServiceLevelDriver } from '../results/schema.js';
import { formatCount, formatMs } from './format.js';

/** The driver that loaded a run in words: which one, which loop, how late it sent, its own floor. */

/** The driver a `load` run measured with, as the report names it. */
export function driverText(driver: ServiceLevelDriver): string {
  switch (driver) {
    case 'open-loop-compiled':
      return 'the compiled open-loop driver (references/load-driver, Go)';
    case 'open-loop':
      return 'the Node open-loop driver';
    case 'closed-loop':
      return 'autocannon (closed loop)';
  }
}

/** A `load` run's driver; files from before the open-loop driver carried none: they were closed loop. */
export function serviceDriver(settings: Pick<RunSettings, 'serviceLevel'>): ServiceLevelDriver | undefined {
  return settings.serviceLevel === undefined ? undefined : (settings.serviceLevel.driver ?? 'closed-loop');
}

/** How late a driver sent its requests, in a few words. */
export function sendLagText(lag: SendLag): string {
  return `p50 ${formatMs(lag.p50Ms)}, p99 ${formatMs(lag.p99Ms)}, max ${formatMs(lag.maxMs)}`;
}

/** Whether the run was driven closed loop; service-level runs from before the open-loop driver carried no `driver`: they were. */
export function closedLoopRun(settings: Pick<RunSettings, 'serviceLevel' | 'closedLoop'>): boolean {
  return settings.serviceLevel === undefined ? settings.closedLoop : serviceDriver(settings) === 'closed-loop';
}

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

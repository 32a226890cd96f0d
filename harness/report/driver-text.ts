import type { RunSettings, SendLag, ServiceLevelDriver } from '../results/schema.js';
import { formatMs } from './format.js';

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

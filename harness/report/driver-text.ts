import type { CompletedRow, Results, RulerFloor, RunSettings, SendLag, ServiceLevelDriver } from '../results/schema.js';
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

/** A run's driver in the words of every rendering: the settings list's lines, summary.md's sentence, the page's latency note. */
export interface DriverWords {
  /** The rate line: requests/s, the loop and, for a `load` run, its connections and target. */
  readonly rate: string;
  /**
   * A `load` run's driver, what it measured against a server that costs nothing (the ruler's
   * floor, beside the machine's), and how late it sent each row's requests: the driver's own
   * share of every latency. None for an in-process run.
   */
  readonly lines: ReadonlyArray<readonly [string, string]>;
  /** A `load` run's driver and its floor in one sentence, as summary.md says it. */
  readonly sentence?: string;
  /** How latency was timed (open loop from the intended start, or closed loop). */
  readonly latencyNote: string;
}

export function describeDriver(results: Results): DriverWords {
  const closedLoop = closedLoopRun(results.settings);
  const driver = serviceDriver(results.settings);
  const floor = results.environment.rulerFloor;
  const floorText = floor === undefined ? undefined : rulerFloorText(floor);
  const lags = results.rows
    .filter((row): row is CompletedRow => row.state === 'completed')
    .flatMap((row) => (row.measurement.drive.sendLag === undefined ? [] : [`${row.contender} ${sendLagText(row.measurement.drive.sendLag)}`]));
  const lines: Array<readonly [string, string]> =
    driver === undefined
      ? []
      : [
          ['driver', driverText(driver)],
          ...(floorText === undefined ? [] : [['driver floor', floorText] as const]),
          ...(lags.length === 0 ? [] : [['sent late by', lags.join('; ')] as const]),
        ];
  return {
    rate: rateText(results.settings, closedLoop),
    lines,
    ...(driver === undefined ? {} : { sentence: `${driverText(driver)}${floorText === undefined ? '' : `; its floor: ${floorText}`}` }),
    latencyNote: latencyNote(results.settings, closedLoop),
  };
}

function rateText(settings: RunSettings, closedLoop: boolean): string {
  const { scenario, serviceLevel } = settings;
  if (serviceLevel === undefined) return `${formatCount(scenario.rate)} requests/s, ${closedLoop ? 'CLOSED loop' : 'open loop'}, ${scenario.durationSeconds} s`;
  const driver = closedLoop
    ? `CLOSED loop: ${serviceLevel.connections} autocannon connections, each waits for its answer`
    : `open loop${serviceDriver(settings) === 'open-loop-compiled' ? ' (compiled driver)' : ''}, a pool of up to ${formatCount(serviceLevel.connections)} keep-alive connections`;
  return `${formatCount(scenario.rate)} requests/s over HTTP, ${driver}, ${scenario.durationSeconds} s${serviceLevel.target === null ? '' : `, target ${serviceLevel.target}`}`;
}

function latencyNote(settings: RunSettings, closedLoop: boolean): string {
  if (!closedLoop) return "Latency is measured from each request's intended start (open loop), so a stall counts in every request that fell due during it.";
  return settings.serviceLevel === undefined
    ? 'CLOSED loop: each request is sent when the previous one is answered and timed from its send, so a stall counts once (coordinated omission); compare with an open-loop run.'
    : 'CLOSED loop (autocannon): each connection sends its next request when the previous one is answered, timed from its send, so a stall counts once per connection (coordinated omission).';
}

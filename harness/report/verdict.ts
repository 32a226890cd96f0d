import type { CompletedRow, ContenderSummary, Results, Spread } from '../results/schema.js';
import { RULER_FLOOR_MARGIN } from '../tuning.js';
import { formatMs } from './format.js';
import { machineFloorText } from './machine-floor-text.js';

/** A best p99 within this factor of what a request costing nothing waits here is the machine's. */
const FLOOR_MARGIN = 3;

/**
 * The figures a verdict compares, in the order it names them: the tail (p99.9), the worst
 * request (max), and the pause of a forced full GC with the cache in place. Lower is better.
 */
const FIGURES: ReadonlyArray<{ label: string; figure: (c: ContenderSummary) => Spread; better: string }> = [
  { label: 'p99.9', figure: (c) => c.p999Ms, better: 'lower' },
  { label: 'max', figure: (c) => c.maxMs, better: 'lower' },
  { label: 'full-GC pause', figure: (c) => c.fullGcPauseMs, better: 'shorter' },
];

export interface VerdictOptions {
  /** Where the HTML report is, as the reader should open it; absent: not named. */
  readonly reportPath?: string;
}

/**
 * What a run means, in a few lines: for each figure that matters, the best contender and how
 * many times better it is than the worst; where the report is; and a warning for each reason
 * the figures may be the machine's rather than the contenders' (saturation, contention, a noise
 * floor above the figures, no forced GC measured) or the run failed (lost read states, failed
 * rows). Pure: it reads the results and nothing else.
 */
export function verdictLines(results: Results, options: VerdictOptions = {}): string[] {
  const lines: string[] = [];
  // A contender that lost read states is wrong, however fast: it is never named best or worst.
  const trusted = results.contenders.filter((c) => c.completed > 0 && c.integrityOk);
  for (const { label, figure, better } of FIGURES) {
    const line = compareOn(trusted, label, figure, better);
    if (line !== undefined) lines.push(line);
  }
  if (options.reportPath !== undefined) lines.push(`report: ${options.reportPath}`);
  lines.push(...warnings(results));
  return lines;
}

function compareOn(contenders: readonly ContenderSummary[], label: string, figure: (c: ContenderSummary) => Spread, better: string): string | undefined {
  const ranked = contenders
    .map((c) => ({ name: c.contender, value: figure(c).median }))
    .filter((entry) => Number.isFinite(entry.value))
    .sort((a, b) => a.value - b.value);
  const best = ranked[0];
  const worst = ranked.at(-1);
  if (best === undefined || worst === undefined) return undefined;
  if (ranked.length === 1) return `${label}: ${best.name} ${formatMs(best.value)}`;
  return `${label}: ${best.name} ${formatMs(best.value)}, ${multiple(best.value, worst.value, better)} ${worst.name} (${formatMs(worst.value)})`;
}

/** "430x lower than", "1.9x lower than", or "about the same as" within 10%. */
export function multiple(best: number, worst: number, better: string): string {
  if (best <= 0) return `${better} than`;
  const ratio = worst / best;
  if (ratio < 1.1) return 'about the same as';
  return `${ratio >= 10 ? Math.round(ratio).toLocaleString('en-US') : ratio.toFixed(1)}x ${better} than`;
}

function warnings(results: Results): string[] {
  const out: string[] = [];
  const { contenders, environment, settings } = results;
  const lost = contenders.filter((c) => c.completed > 0 && !c.integrityOk).map((c) => c.contender);
  if (lost.length > 0) {
    out.push(
      settings.serviceLevel === undefined
        ? `LOST READ STATES: ${lost.join(', ')} (see the check column); never named best`
        : `REQUESTS FAILED or states lost: ${lost.join(', ')} (see the check column); never named best`,
    );
  }
  const failed = contenders.filter((c) => c.failed > 0).map((c) => `${c.contender} (${c.failures[0] ?? 'unknown'})`);
  if (failed.length > 0) out.push(`FAILED: ${failed.join(', ')}`);

  const saturated = contenders.filter((c) => c.saturated).map((c) => c.contender);
  if (saturated.length > 0) {
    out.push(
      `warning: ${saturated.join(', ')} SATURATED (fell behind the target rate): ${saturated.length === 1 ? 'its' : 'their'} latencies measure the backlog, ` +
        'not the cache; lower --rate or run fewer contenders at once',
    );
  }

  const load = environment.hostLoad;
  if (load !== undefined && Number.isFinite(load.loadAverageMax) && load.loadAverageMax > environment.cpuCount) {
    out.push(
      `warning: CPU contention: the load average reached ${load.loadAverageMax.toFixed(1)} on ${environment.cpuCount} cores while the rows ran; ` +
        'other processes competed for the CPU and their time may be in the tails',
    );
  }
  const bestTail = lowestMedian(contenders, (c) => c.p999Ms);
  if (load !== undefined && Number.isFinite(load.idleLoopDelayP99Ms) && Number.isFinite(bestTail) && load.idleLoopDelayP99Ms > bestTail) {
    out.push(
      `warning: noise floor above the figures: an idle thread of the lab waited ${formatMs(load.idleLoopDelayP99Ms)} at p99 ` +
        `(max ${formatMs(load.idleLoopDelayMaxMs)}), more than the best p99.9 (${formatMs(bestTail)}): differences below it are this machine's`,
    );
  }

  const floor = load?.floor;
  const bestP99 = lowestMedian(contenders, (c) => c.p99Ms);
  if (floor !== undefined && Number.isFinite(bestP99) && bestP99 < FLOOR_MARGIN * floor.zeroCostP99Ms) {
    out.push(
      `warning: at this machine's floor: ${machineFloorText(floor)}; the best p99 (${formatMs(bestP99)}) is within ${FLOOR_MARGIN}x of it, ` +
        "so tails this short are the machine's as much as the contenders'",
    );
  }

  out.push(...nearTheRulersFloor(results));

  const missed = rowsWithoutForcedGc(results);
  if (missed !== undefined) out.push(`warning: ${missed}`);
  return out;
}

/**
 * A contender's p99 or p99.9 within RULER_FLOOR_MARGIN of the same percentile the driver
 * measured against a server that costs nothing (the ruler's floor): at that distance the
 * driver's own share of every latency may be what the figure shows.
 */
function nearTheRulersFloor(results: Results): string[] {
  const floor = results.environment.rulerFloor;
  if (floor?.state !== 'measured') return [];
  const percentiles = [
    { label: 'p99', figure: (c: ContenderSummary) => c.p99Ms.median, floorMs: floor.latency.p99Ms },
    { label: 'p99.9', figure: (c: ContenderSummary) => c.p999Ms.median, floorMs: floor.latency.p999Ms },
  ];
  const out: string[] = [];
  for (const contender of results.contenders.filter((c) => c.completed > 0)) {
    for (const { label, figure, floorMs } of percentiles) {
      const value = figure(contender);
      if (!Number.isFinite(value) || !Number.isFinite(floorMs) || value >= RULER_FLOOR_MARGIN * floorMs) continue;
      out.push(
        `warning: ${label} of ${contender.contender} (${formatMs(value)}) is within ${RULER_FLOOR_MARGIN}x of the driver's own floor (${formatMs(floorMs)}): ` +
          `the driver, not ${contender.contender}, may set it`,
      );
    }
  }
  return out;
}

/** The lowest median of `figure` among contenders with a completed row; Infinity when none has one. */
function lowestMedian(contenders: readonly ContenderSummary[], figure: (c: ContenderSummary) => Spread): number {
  return Math.min(
    ...contenders
      .filter((c) => c.completed > 0)
      .map((c) => figure(c).median)
      .filter(Number.isFinite),
  );
}

/**
 * Rows measured under a forced-GC schedule in which none fell say nothing about forced-GC
 * pauses. A service-level run may include runtimes with no GC to force (Rust): there only a
 * run where no row at all saw one is worth a warning.
 */
function rowsWithoutForcedGc(results: Results): string | undefined {
  if (results.settings.scenario.forcedGc === null) return undefined;
  const completed = results.rows.filter((row): row is CompletedRow => row.state === 'completed');
  const missed = completed.filter((row) => row.measurement.forcedGcs.length === 0);
  if (missed.length === 0) return undefined;
  if (missed.length === completed.length) return 'no forced GC fell in the measured span: this run says nothing about forced-GC pauses';
  if (results.settings.serviceLevel !== undefined) return undefined;
  const names = [...new Set(missed.map((row) => row.contender))];
  return `no forced GC fell in the measured span of ${names.join(', ')}: ${names.length === 1 ? 'its' : 'their'} figures say nothing about forced-GC pauses`;
}

import type { CompletedRow, ContenderSummary, Results, Spread } from '../results/schema.js';
import { RULER_FLOOR_MARGIN } from '../tuning.js';
import { type ContenderFacts, contenderFacts } from './contender-facts.js';
import { formatCount, formatMs } from './format.js';
import { machineFloorText } from './machine-floor-text.js';

/** A best p99 within this factor of what a request costing nothing waits here is the machine's. */
const FLOOR_MARGIN = 3;

export interface VerdictOptions {
  /** Where the HTML report is, as the reader should open it; absent: not named. */
  readonly reportPath?: string;
}

/** What a run means: one finding per question, and every reason to doubt the figures. */
export interface Verdict {
  readonly findings: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * What a run means, in a few lines: the verdict's findings, where the report is, then its
 * warnings. The terminal, summary.md and the page's verdict box print these same words.
 */
export function verdictLines(results: Results, options: VerdictOptions = {}): string[] {
  return verdictText(verdictOf(results), options);
}

/** A verdict already built, as the lines `verdictLines` prints. */
export function verdictText({ findings, warnings }: Verdict, options: VerdictOptions = {}): string[] {
  return [...findings, ...(options.reportPath === undefined ? [] : [`report: ${options.reportPath}`]), ...warnings];
}

/**
 * The winner per question (tail latency under forced GC, GC pause, GC cycle, memory per state,
 * throughput held), each with its figure and its multiple of the runner-up, and a warning for each reason
 * the figures may be the machine's rather than the contenders' (saturation, contention, a noise
 * floor above the figures, no forced GC measured) or the run failed. Comparisons are only among
 * rows that kept the rate, lost nothing and measured what is compared: a saturated row is named,
 * never the yardstick; without a forced GC in the span no forced-GC comparison is stated. Pure:
 * it reads the results and nothing else.
 */
export function verdictOf(results: Results, facts: readonly ContenderFacts[] = contenderFacts(results)): Verdict {
  const findings: string[] = [];
  const kept = facts.filter((f) => f.comparable).map((f) => f.summary);
  const saturated = facts.filter((f) => f.state === 'saturated').map((f) => f.summary.contender);
  const notCompared = saturated.length === 0 ? '' : `; not compared: ${saturated.map((name) => `${name} (SATURATED)`).join(', ')}`;
  const factsOf = new Map(facts.map((f) => [f.summary.contender, f]));
  const noCollector = (c: ContenderSummary): boolean => factsOf.get(c.contender)?.noCollector === true;
  const forcedGcScheduled = results.settings.scenario.forcedGc !== null;
  const forcedGcInSpan = (c: ContenderSummary): boolean => noCollector(c) || factsOf.get(c.contender)?.forcedGcFell === true;

  // Tail latency: "under forced GC" only for rows a forced GC fell on (or that have no collector),
  // and only when a forced GC fell on some row that collects: a run of programs without one beside
  // rows that missed theirs measured no tail under forced GC at all.
  const underForcedGc = kept.filter(forcedGcInSpan);
  if (forcedGcScheduled && underForcedGc.some((c) => !noCollector(c))) {
    push(
      findings,
      compareOn(underForcedGc, 'tail latency under forced GC (p99.9)', (c) => c.p999Ms.median, 'lower', formatMs),
      notCompared,
    );
  } else {
    const label = forcedGcScheduled ? 'tail latency (p99.9; no forced GC in the measured span)' : 'tail latency (p99.9)';
    push(
      findings,
      compareOn(kept, label, (c) => c.p999Ms.median, 'lower', formatMs),
      notCompared,
    );
  }

  // GC pause: the forced full GC with the cache in place, only where forced GCs fell in the span;
  // else the longest pause the runtime chose. A row without a collector says "no GC".
  const collectorless = kept.filter(noCollector).map((c) => c.contender);
  const noGcText = collectorless.length === 0 ? '' : `; no GC: ${collectorless.join(', ')}`;
  const collecting = kept.filter((c) => !noCollector(c));
  if (forcedGcScheduled && underForcedGc.some((c) => !noCollector(c))) {
    push(
      findings,
      compareOn(
        collecting.filter(forcedGcInSpan),
        'GC pause (a forced full GC after the load, cache in place)',
        (c) => c.fullGcPauseMs.median,
        'shorter',
        formatMs,
      ),
      noGcText,
    );
  } else if (!forcedGcScheduled) {
    push(
      findings,
      compareOn(collecting, 'GC pause (longest in the run)', (c) => c.longestGcMs.median, 'shorter', formatMs),
      noGcText,
    );
  }

  // The whole cycle, compared only with cycles: a concurrent collector's cycle can last far
  // longer than its pause, so a pause beside a cycle would compare two different things.
  push(
    findings,
    compareOn(collecting, 'GC cycle (longest in the run, marking to sweep)', (c) => c.longestGcCycleMs?.median ?? Number.NaN, 'shorter', formatMs),
    noGcText,
  );

  push(
    findings,
    compareOn(
      kept,
      'memory per state',
      // Only above 0: a short run's heap can shrink, and -300 B per entry wins nothing.
      (c) => (c.bytesPerEntry.median > 0 ? c.bytesPerEntry.median : Number.NaN),
      'smaller',
      (v) => `${formatCount(v)} B`,
    ),
    '',
  );
  const held = throughputHeld(results);
  if (held !== undefined) findings.push(held);
  return { findings, warnings: warnings(results, kept) };
}

function push(lines: string[], line: string | undefined, suffix: string): void {
  if (line !== undefined) lines.push(`${line}${suffix}`);
}

/** The best row on a figure, with its multiple of the runner-up's. */
function compareOn(
  contenders: readonly ContenderSummary[],
  label: string,
  figure: (c: ContenderSummary) => number,
  better: string,
  format: (value: number) => string,
): string | undefined {
  const ranked = contenders
    .map((c) => ({ name: c.contender, value: figure(c) }))
    .filter((entry) => Number.isFinite(entry.value))
    .sort((a, b) => a.value - b.value);
  const [best, runnerUp] = ranked;
  if (best === undefined) return undefined;
  if (runnerUp === undefined) return `${label}: ${best.name} ${format(best.value)} (the only row compared)`;
  return `${label}: ${best.name} ${format(best.value)}, ${multiple(best.value, runnerUp.value, better)} the runner-up, ${runnerUp.name} (${format(runnerUp.value)})`;
}

/** Which rows kept the target rate, and the rate of those that fell behind. */
function throughputHeld(results: Results): string | undefined {
  const done = results.contenders.filter((c) => c.completed > 0);
  if (done.length === 0) return undefined;
  const target = `${formatCount(results.settings.scenario.rate)}/s`;
  const behind = done.filter((c) => c.saturated);
  if (behind.length === 0) return `throughput held: ${done.length === 1 ? done[0]!.contender : `all ${done.length} rows`} kept ${target}`;
  const keptNames = done.filter((c) => !c.saturated).map((c) => c.contender);
  const fell = behind.map((c) => `${c.contender} (${formatCount(c.achievedRate.median)}/s)`).join(', ');
  return `throughput held: ${keptNames.length === 0 ? 'no row' : keptNames.join(', ')} kept ${target}; SATURATED: ${fell}`;
}

/** "430x lower than", "1.9x lower than", or "about the same as" within 10%. */
export function multiple(best: number, worst: number, better: string): string {
  if (best <= 0) return `${better} than`;
  const ratio = worst / best;
  if (ratio < 1.1) return 'about the same as';
  return `${ratio >= 10 ? Math.round(ratio).toLocaleString('en-US') : ratio.toFixed(1)}x ${better} than`;
}

/** Every reason to doubt the figures; `kept` are the rows that kept the rate and lost nothing. */
function warnings(results: Results, kept: readonly ContenderSummary[]): string[] {
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
  const bestTail = lowestMedian(kept, (c) => c.p999Ms);
  if (load !== undefined && Number.isFinite(load.idleLoopDelayP99Ms) && Number.isFinite(bestTail) && load.idleLoopDelayP99Ms > bestTail) {
    out.push(
      `warning: noise floor above the figures: an idle thread of the lab waited ${formatMs(load.idleLoopDelayP99Ms)} at p99 ` +
        `(max ${formatMs(load.idleLoopDelayMaxMs)}), more than the best p99.9 (${formatMs(bestTail)}): differences below it are this machine's`,
    );
  }

  const floor = load?.floor;
  const bestP99 = lowestMedian(kept, (c) => c.p99Ms);
  if (floor !== undefined && Number.isFinite(bestP99) && bestP99 < floor.zeroCostP99Ms) {
    // A row faster than a request costing nothing: the probe met interference the rows did not.
    out.push(
      `warning: the machine's floor was measured in a noisy second: ${machineFloorText(floor)}; the best p99 (${formatMs(bestP99)}) is below it, ` +
        'so the floor does not bound these figures: rerun to measure it again',
    );
  } else if (floor !== undefined && Number.isFinite(bestP99) && bestP99 < FLOOR_MARGIN * floor.zeroCostP99Ms) {
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
 * pauses. A row without a collector (collectsGarbage false: Rust, in process or over HTTP) has
 * none to miss.
 */
function rowsWithoutForcedGc(results: Results): string | undefined {
  if (results.settings.scenario.forcedGc === null) return undefined;
  // A row without a garbage collector has no forced GC to miss: the tables say "no GC" for it.
  const completed = results.rows.filter((row): row is CompletedRow => row.state === 'completed' && row.measurement.collectsGarbage !== false);
  const missed = completed.filter((row) => row.measurement.forcedGcs.length === 0);
  if (missed.length === 0) return undefined;
  if (missed.length === completed.length) return 'no forced GC fell in the measured span: this run says nothing about forced-GC pauses';
  const names = [...new Set(missed.map((row) => row.contender))];
  return `no forced GC fell in the measured span of ${names.join(', ')}: ${names.length === 1 ? 'its' : 'their'} figures say nothing about forced-GC pauses`;
}

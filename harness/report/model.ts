import { describeEnvironmentBriefly, environmentDifferences, settingsDifferences, storeLatencyText } from '../results/compare-settings.js';
import { mergeEncoded } from '../results/histogram.js';
import { type MergedResults, type MergedRun, runOfRow } from '../results/results-file.js';
import type { CompletedRow, ContenderSummary, Results, Spread } from '../results/schema.js';
import { attributeStalls, type Stall, stallRuleText } from '../results/stall-attribution.js';
import { contenderColors } from './colors.js';
import { driverText, sendLagText, serviceDriver } from './driver-text.js';
import { formatBytes, formatCount, formatFigure, formatMs, formatPercent } from './format.js';
import { machineFloorText } from './machine-floor-text.js';
import { rulerFloorText } from './ruler-floor-text.js';
import { type StorePressureSeries, storePressureSeries } from './store-pressure.js';
import { forcedGcNotes } from './summary-table.js';

/**
 * Everything the HTML report shows, computed in Node from results.json: the page's script only
 * draws. Numbers in tables are formatted here, with the same functions as the terminal table.
 */
export interface RunReportModel {
  readonly kind: 'run';
  readonly title: string;
  readonly contenders: ReadonlyArray<{ readonly name: string; readonly color: string }>;
  readonly summary: { readonly header: readonly string[]; readonly rows: readonly SummaryRow[] };
  /** What the figures cannot say, shown in a warning block by the summary (no forced GC measured, runs that differ). */
  readonly notes: readonly string[];
  readonly overTime: readonly OverTimeSeries[];
  readonly spectrum: ReadonlyArray<{ readonly contender: string; readonly points: ReadonlyArray<{ x: number; y: number }> }>;
  /** The spectrum of cache hits and of misses, per contender that recorded latency by outcome. */
  readonly byOutcome: ReadonlyArray<{ readonly contender: string; readonly outcome: 'hit' | 'miss'; readonly points: ReadonlyArray<{ x: number; y: number }> }>;
  /** How latency was timed (open loop from the intended start, or closed loop), under the summary. */
  readonly latencyNote: string;
  readonly resources: readonly ResourceSeries[];
  readonly gc: { readonly bucketLabels: readonly string[]; readonly rows: readonly GcRow[] };
  readonly stalls: ReadonlyArray<{ readonly contender: string; readonly repetition: number; readonly stall: Stall; readonly text: readonly string[] }>;
  readonly stallRule: string;
  readonly settings: ReadonlyArray<readonly [string, string]>;
  /** The store latency profile in one line, and the pressure on the database per row. */
  readonly storeLatency: string;
  readonly storePressure: readonly StorePressureSeries[];
}

export interface SummaryRow {
  readonly contender: string;
  readonly failed: boolean;
  readonly cells: readonly string[];
}

export interface OverTimeSeries {
  readonly contender: string;
  readonly repetition: number;
  /** Seconds since measuring started, and latencies in ms, one per window. */
  readonly t: readonly number[];
  readonly p50: readonly number[];
  readonly p99: readonly number[];
  readonly max: readonly number[];
  readonly gc: ReadonlyArray<{ readonly t: number; readonly ms: number; readonly kind: string; readonly forced: boolean }>;
}

export interface ResourceSeries {
  readonly contender: string;
  readonly t: readonly number[];
  readonly heapMiB: readonly number[];
  readonly rssMiB: readonly number[];
  readonly offHeapMiB: readonly number[];
  readonly cpuPercent: readonly number[];
}

export interface GcRow {
  readonly contender: string;
  readonly count: number;
  readonly totalMs: number;
  readonly longestMs: number;
  readonly cells: readonly string[];
  /** Pauses per bucket of GC_BUCKETS_MS. */
  readonly buckets: readonly number[];
}

/** Upper edges of the GC pause histogram's buckets, ms. */
const GC_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, Infinity];
/** Percentiles plotted in the spectrum: the usual HdrHistogram ticks and steps between. */
const SPECTRUM_PERCENTILES = [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.995, 99.999];
const MIB = 1024 * 1024;
const mib = (bytes: number | null): number => (typeof bytes === 'number' ? bytes / MIB : Number.NaN);

export function buildRunReport(input: Results): RunReportModel {
  const results = input as MergedResults;
  const names = results.contenders.map((c) => c.contender);
  const completed = results.rows.filter((row): row is CompletedRow => row.state === 'completed');
  const scenario = results.settings.scenario;
  const merged = results.merged !== undefined && results.merged.runs.length > 1 ? results.merged : undefined;

  // One series per contender; in runs merged as one comparison, one per contender and run, so
  // that every run's latency over time, memory and GCs stay in the report.
  const series: Array<{ label: string; contender: string; row: CompletedRow; repetition: number }> = [];
  for (const name of names) {
    const groups: ReadonlyArray<MergedRun | undefined> = merged === undefined || merged.separate ? [undefined] : merged.runs;
    const present = groups.filter((run) => completed.some((row) => row.contender === name && (run === undefined || runOfRow(results, row) === run)));
    for (const run of present) {
      const row = completed.find((r) => r.contender === name && (run === undefined || runOfRow(results, r) === run))!;
      const own = run ?? (merged === undefined ? undefined : runOfRow(results, row));
      series.push({
        label: run === undefined || present.length === 1 ? name : `${name} (${run.label})`,
        contender: name,
        row,
        repetition: row.repetition - (own?.repetitionOffset ?? 0),
      });
    }
  }

  const overTime: OverTimeSeries[] = [];
  const resources: ResourceSeries[] = [];
  // Over time, one contender's series on every runtime side by side (the summary keeps them
  // runtime by runtime): "naive-map · node20", "naive-map · node22", then "typed-array · node20"...
  for (const { label, row, repetition } of byContenderAcrossRuntimes(series)) {
    const windowMs = row.measurement.latency.windowMs;
    // A window in which no request completed has no latency: it is left out, not drawn as 0.
    const windows = row.summary.windows.filter((w) => w.count > 0);
    overTime.push({
      contender: label,
      repetition,
      t: windows.map((w) => (w.startMs + windowMs) / 1000),
      p50: windows.map((w) => w.p50Ms),
      p99: windows.map((w) => w.p99Ms),
      max: windows.map((w) => w.maxMs),
      gc: row.measurement.gcEvents.map((gc) => ({ t: gc.startMs / 1000, ms: gc.durationMs, kind: gc.kind, forced: gc.forced })),
    });
    const samples = row.measurement.windows;
    resources.push({
      contender: label,
      t: samples.map((s) => s.atMs / 1000),
      // A figure the service did not report is null in JSON: NaN here, never 0 MiB.
      heapMiB: samples.map((s) => mib(s.heapUsedBytes)),
      rssMiB: samples.map((s) => mib(s.rssBytes)),
      offHeapMiB: samples.map((s) => mib(s.externalBytes) + mib(s.cacheOffHeapBytes)),
      cpuPercent: samples.map((s) => s.cpuPercent),
    });
  }

  const spectrumOf = (encoded: readonly string[]): Array<{ x: number; y: number }> => {
    const merged = mergeEncoded(encoded);
    const points = SPECTRUM_PERCENTILES.map((p) => ({ x: 1 / (1 - p / 100), y: merged.getValueAtPercentile(p) / 1e6 }));
    // The maximum sits one decade beyond the last percentile, where HdrHistogram plots put it.
    points.push({ x: 1e6, y: merged.maxValue / 1e6 });
    merged.destroy();
    return points;
  };
  const spectrum = names.flatMap((name) => {
    const rows = completed.filter((row) => row.contender === name && row.summary.latency.count > 0);
    if (rows.length === 0) return [];
    return [{ contender: name, points: spectrumOf(rows.map((row) => row.measurement.latency.overall)) }];
  });
  // Only rows that recorded the outcome, and only an outcome that happened: no empty spectrum.
  const byOutcome = names.flatMap((name) =>
    (['hit', 'miss'] as const).flatMap((outcome) => {
      const rows = completed.filter((row) => row.contender === name && (row.summary.byOutcome?.[outcome].count ?? 0) > 0);
      if (rows.length === 0) return [];
      return [{ contender: name, outcome, points: spectrumOf(rows.map((row) => row.measurement.latency.byOutcome![outcome])) }];
    }),
  );

  const gcRows: GcRow[] = series.map(({ label, row }) => {
    const pauses = row.measurement.gcEvents.map((gc) => gc.durationMs);
    const totalMs = pauses.reduce((a, b) => a + b, 0);
    const longestMs = pauses.length === 0 ? Number.NaN : Math.max(...pauses);
    const forced = row.measurement.gcEvents.filter((gc) => gc.forced).length;
    return {
      contender: label,
      count: pauses.length,
      totalMs,
      longestMs,
      cells: [
        label,
        ...(pauses.length === 0 && row.runtime !== undefined
          ? ['not reported', '-', '-', '-']
          : [formatCount(pauses.length), formatCount(forced), formatMs(totalMs), formatMs(longestMs)]),
        ...threadStallCells(row),
      ],
      buckets: GC_BUCKETS_MS.map((edge, i) => pauses.filter((ms) => ms < edge && ms >= (GC_BUCKETS_MS[i - 1] ?? 0)).length),
    };
  });

  const repetitionText = (row: CompletedRow): string => {
    const run = merged === undefined ? undefined : runOfRow(results, row);
    return run === undefined ? String(row.repetition) : `${run.label} #${row.repetition - run.repetitionOffset}`;
  };
  // A row that timed nothing has no p99 to call a spike against, and an empty window no maximum.
  const stalls = completed
    .filter((row) => row.summary.latency.count > 0)
    .flatMap((row) => {
      const found = attributeStalls({
        windows: row.summary.windows.filter((w) => w.count > 0),
        windowMs: row.measurement.latency.windowMs,
        gcEvents: row.measurement.gcEvents,
        forcedGcs: row.measurement.forcedGcs,
        stalls: row.measurement.stalls,
      });
      return found.map((stall) => ({
        contender: row.contender,
        repetition: row.repetition,
        stall,
        text: [
          row.contender,
          repetitionText(row),
          `${(stall.windowStartMs / 1000).toFixed(0)} s`,
          formatMs(stall.maxMs),
          stall.cause,
          Number.isNaN(stall.threadStallMs) ? '-' : stall.threadStallMs === 0 ? 'no' : formatMs(stall.threadStallMs),
          stall.overlapping === '' ? 'no GC' : stall.overlapping,
        ],
      }));
    });

  const env = results.environment;
  const settings: Array<[string, string]> = [
    ['run id', results.runId],
    ['date', results.createdAt],
    ['scenario', `${scenario.name}: ${scenario.description}`],
    ['seed', String(scenario.seed)],
    ['rate', rateText(results)],
    ['capacity', `${formatCount(scenario.capacity)} read states`],
    ['time scale', `${scenario.timeScale}x (scenario seconds per wall second)`],
    ['forced GC', forcedGcText(scenario)],
    ['store', results.settings.store],
    ['store latency', storeLatencyText(results.settings)],
    ['repetitions', String(results.settings.repeat)],
    ['request log', results.settings.requestsFile ?? 'generated from the scenario and seed'],
    ['Node / V8', `${env.node} / ${env.v8}`],
    ...(env.runtimes === undefined ? [] : [['runtimes', env.runtimes.map((r) => `${r.name} (${r.version})`).join(', ')] as [string, string]]),
    ['CPU', `${env.cpuCount} x ${env.cpuModel}`],
    ['memory', formatBytes(env.totalMemoryBytes)],
    ['platform', `${env.platform} ${env.arch}`],
    ...(env.hostLoad?.floor === undefined ? [] : [['machine floor', machineFloorText(env.hostLoad.floor)] as [string, string]]),
    ...driverSettings(results, completed),
    ['node flags', env.nodeFlags.join(' ')],
  ];
  const notes = forcedGcNotes(results);
  const silent = completed.filter((row) => row.measurement.gcEvents.length === 0 && row.runtime !== undefined).map((row) => row.contender);
  if (silent.length > 0) {
    notes.push(
      `note: ${[...new Set(silent)].join(', ')} ran on a runtime that reports no GC events (Bun, Deno): their GC counts are missing, not zero; the thread stalls in the GC table and the stall attribution show when they stopped`,
    );
  }
  if (merged === undefined) {
    settings.push(['reproduce', reproduceCommand(results)]);
  } else {
    mergedSettings(merged.runs, settings, notes);
  }
  const kindText = results.settings.serviceLevel === undefined ? '' : ' (service-level, over HTTP)';
  const mergedText =
    merged === undefined ? '' : merged.separate ? `, ${merged.runs.length} runs side by side (their settings differ)` : `, ${merged.runs.length} runs merged`;
  return {
    kind: 'run',
    title: `readstate-lab: ${scenario.name}${kindText}${mergedText}`,
    contenders: seriesColors(
      names,
      series.map((s) => s.label),
    ),
    summary: summaryTable(results.contenders, results.settings.repeat > 1, results.settings.serviceLevel !== undefined),
    notes,
    overTime,
    spectrum,
    byOutcome,
    latencyNote: latencyNote(results),
    resources,
    gc: { bucketLabels: GC_BUCKETS_MS.map((edge, i) => (edge === Infinity ? `≥ ${GC_BUCKETS_MS[i - 1]} ms` : `< ${edge} ms`)), rows: gcRows },
    stalls,
    stallRule: stallRuleText(scenario.windowSeconds * 1000),
    settings,
    storeLatency: storeLatencyText(results.settings),
    storePressure: storePressureSeries(results),
  };
}

function forcedGcText(scenario: Results['settings']['scenario']): string {
  return scenario.forcedGc === null
    ? 'none'
    : `${scenario.forcedGc.mode}, every ${scenario.forcedGc.intervalSeconds} s scenario time (${(scenario.forcedGc.intervalSeconds / scenario.timeScale).toFixed(1)} s wall)`;
}

/** Service-level runs before the open-loop driver carried no `driver`: they were closed loop. */
function closedLoopRun(settings: Results['settings']): boolean {
  return settings.serviceLevel === undefined ? settings.closedLoop : serviceDriver(settings) === 'closed-loop';
}

/**
 * A `load` run's driver, what it measured against a server that costs nothing (the ruler's
 * floor, beside the machine's), and how late it sent each row's requests: the driver's own
 * share of every latency.
 */
function driverSettings(results: Results, completed: readonly CompletedRow[]): Array<[string, string]> {
  const driver = serviceDriver(results.settings);
  if (driver === undefined) return [];
  const out: Array<[string, string]> = [['driver', driverText(driver)]];
  const floor = results.environment.rulerFloor;
  if (floor !== undefined) out.push(['driver floor', rulerFloorText(floor)]);
  const lags = completed.flatMap((row) =>
    row.measurement.drive.sendLag === undefined ? [] : [`${row.contender} ${sendLagText(row.measurement.drive.sendLag)}`],
  );
  if (lags.length > 0) out.push(['sent late by', lags.join('; ')]);
  return out;
}

function rateText(results: Results): string {
  const { scenario, serviceLevel, closedLoop } = results.settings;
  if (serviceLevel === undefined) return `${formatCount(scenario.rate)} requests/s, ${closedLoop ? 'CLOSED loop' : 'open loop'}, ${scenario.durationSeconds} s`;
  const driver = closedLoopRun(results.settings)
    ? `CLOSED loop: ${serviceLevel.connections} autocannon connections, each waits for its answer`
    : `open loop${serviceDriver(results.settings) === 'open-loop-compiled' ? ' (compiled driver)' : ''}, a pool of up to ${formatCount(serviceLevel.connections)} keep-alive connections`;
  return `${formatCount(scenario.rate)} requests/s over HTTP, ${driver}, ${scenario.durationSeconds} s${serviceLevel.target === null ? '' : `, target ${serviceLevel.target}`}`;
}

function latencyNote(results: Results): string {
  if (!closedLoopRun(results.settings))
    return "Latency is measured from each request's intended start (open loop), so a stall counts in every request that fell due during it.";
  return results.settings.serviceLevel === undefined
    ? 'CLOSED loop: each request is sent when the previous one is answered and timed from its send, so a stall counts once (coordinated omission); compare with an open-loop run.'
    : 'CLOSED loop (autocannon): each connection sends its next request when the previous one is answered, timed from its send, so a stall counts once per connection (coordinated omission).';
}

/** Where a difference in one setting shows in the settings list above. */
const SETTING_ROWS: Readonly<Record<string, string>> = {
  scenario: 'scenario',
  duration: 'rate',
  rate: 'rate',
  'closed loop': 'rate',
  kind: 'rate',
  connections: 'rate',
  target: 'rate',
  capacity: 'capacity',
  'time scale': 'time scale',
  'forced GC': 'forced GC',
  seed: 'seed',
  store: 'store',
  'store latency': 'store latency',
  'requests file': 'request log',
  'node flags': 'node flags',
};

/**
 * The settings of merged runs: each run with where it came from, the settings in which it differs
 * from run-1 and its command line; a row above whose setting differs by run says so. Differing
 * settings and machines become notes too.
 */
function mergedSettings(runs: readonly MergedRun[], settings: Array<[string, string]>, notes: string[]): void {
  const [first] = runs;
  const differingRows = new Set<string>();
  const differingNames = new Set<string>();
  for (const run of runs) {
    const differences = settingsDifferences(first!, run);
    const machine = environmentDifferences(first!.environment, run.environment);
    for (const d of differences) {
      differingNames.add(d.setting);
      differingRows.add(SETTING_ROWS[d.setting.split('.')[0]!] ?? '');
    }
    const own = differences.map((d) => `${d.setting} ${d.b}`).join(', ');
    settings.push([
      run.label,
      `${run.source} (run ${run.runId}, ${run.repetitions} repetition(s))` +
        (run === first ? '' : own === '' ? '; same settings as run-1' : `; differs from run-1 in: ${own}`) +
        (machine.length === 0 ? '' : `; measured on ${describeEnvironmentBriefly(run.environment)}`),
    ]);
    settings.push([`reproduce ${run.label}`, reproduceCommand({ settings: run.settings })]);
    if (machine.length > 0)
      notes.push(
        `note: ${run.label} was measured on another machine or Node version than run-1 (${machine.map((d) => `${d.setting} ${d.b}`).join(', ')}): compare its figures with care`,
      );
  }
  for (const entry of settings) {
    if (differingRows.has(entry[0])) entry[1] = `${entry[1]} (run-1's; differs by run, see ${runs.map((run) => run.label).join(', ')} below)`;
  }
  if (differingNames.size > 0) {
    notes.push(
      `note: these runs' settings differ (${[...differingNames].join(', ')}): each run's rows are a group of their own, labelled [run-N], and figures of different groups do not compare like for like`,
    );
  }
}

/** The command that made the results, without where it wrote them; rebuilt for version-1 files. */
function reproduceCommand(results: Pick<Results, 'settings'>): string {
  const { invocation } = results.settings;
  if (invocation !== undefined) return ['readstate-lab', ...withoutOutput(invocation)].map(shellQuote).join(' ');
  const s = results.settings.scenario;
  const parts = [
    results.settings.serviceLevel === undefined ? 'readstate-lab run' : 'readstate-lab load',
    `--impl ${results.settings.contenderNames.join(',')}`,
    `--scenario ${s.name}`,
    `--duration ${s.durationSeconds}`,
    `--rate ${s.rate}`,
    `--capacity ${s.capacity}`,
    `--seed ${s.seed}`,
    `--repeat ${results.settings.repeat}`,
  ];
  if (results.settings.serviceLevel === undefined && results.settings.closedLoop) parts.push('--closed-loop');
  if (results.settings.serviceLevel !== undefined) {
    parts.splice(parts.indexOf(`--repeat ${results.settings.repeat}`), 1);
    if (closedLoopRun(results.settings)) parts.push('--closed-loop');
    if (results.settings.serviceLevel.target !== null) parts.push(`--target ${results.settings.serviceLevel.target}`);
  }
  return parts.join(' ');
}

function withoutOutput(args: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') i++;
    else if (!args[i]!.startsWith('--out=')) kept.push(args[i]!);
  }
  return kept;
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export const SUMMARY_HEADER = [
  'contender',
  'p50',
  'p99',
  'p99.9',
  'max',
  'achieved rate',
  'miss rate',
  'B/entry',
  'B/request',
  'scavenges/100k',
  'hit p99.9',
  'miss p99',
  'nothing lost',
];

/**
 * Each figure with its multiple of the best contender's (×1 is the best), and with several
 * repetitions the range it moved in. Failed contenders keep a row that says why.
 */
function summaryTable(contenders: readonly ContenderSummary[], repeated: boolean, serviceLevel: boolean): RunReportModel['summary'] {
  const done = contenders.filter((c) => c.completed > 0);
  // The best of the contenders that have the figure: a missing one is neither best nor worst.
  const best = (pick: (c: ContenderSummary) => Spread, higherIsBetter = false): number => {
    const values = done.map((c) => pick(c).median).filter(Number.isFinite);
    if (values.length === 0) return Number.NaN;
    return higherIsBetter ? Math.max(...values) : Math.min(...values);
  };
  const cell = (c: ContenderSummary, pick: (c: ContenderSummary) => Spread, format: (v: number) => string, higherIsBetter = false): string => {
    const spread = pick(c);
    if (!Number.isFinite(spread.median)) return '-';
    const reference = best(pick, higherIsBetter);
    const multiple = higherIsBetter ? reference / spread.median : spread.median / reference;
    const range = repeated && spread.min !== spread.max ? ` [${format(spread.min)}–${format(spread.max)}]` : '';
    return `${format(spread.median)} ×${Number.isFinite(multiple) ? multiple.toFixed(multiple < 10 ? 2 : 0) : '-'}${range}`;
  };
  const rows: SummaryRow[] = contenders.map((c) => {
    if (c.completed === 0) {
      return { contender: c.contender, failed: true, cells: [c.contender, `failed: ${c.failures.join('; ')}`] };
    }
    return {
      contender: c.contender,
      failed: false,
      cells: [
        c.contender,
        cell(c, (x) => x.p50Ms, formatMs),
        cell(c, (x) => x.p99Ms, formatMs),
        cell(c, (x) => x.p999Ms, formatMs),
        cell(c, (x) => x.maxMs, formatMs),
        `${cell(
          c,
          (x) => x.achievedRate,
          (v) => `${formatCount(v)}/s`,
          true,
        )}${c.saturated ? ' SATURATED' : ''}`,
        formatPercent(c.missRate.median),
        cell(c, (x) => x.bytesPerEntry, formatCount),
        cell(c, (x) => x.bytesPerRequest, formatFigure),
        cell(c, (x) => x.scavengesPer100k, formatFigure),
        cell(c, (x) => x.hitP999Ms, formatMs),
        cell(c, (x) => x.missP99Ms, formatMs),
        `${serviceLevel ? (c.integrityOk ? 'all answered 2xx' : 'NO: requests failed') : c.integrityOk ? 'yes' : 'NO: read states lost'}${c.failed > 0 ? ` (${c.failed} repetition(s) failed: ${c.failures.join('; ')})` : ''}`,
      ],
    };
  });
  const header = serviceLevel ? [...SUMMARY_HEADER.slice(0, -1), 'answered'] : SUMMARY_HEADER;
  return { header, rows };
}

/**
 * Each contender and each extra series label ("naive-map (run-2)") with its colour: contenders
 * keep the colours they have in any report, the extra labels take the slots left.
 */
function seriesColors(names: readonly string[], labels: readonly string[]): Array<{ name: string; color: string }> {
  const all = [...new Set([...names, ...labels])];
  const colors = contenderColors(all);
  return all.map((name) => ({ name, color: colors.get(name)! }));
}

/** Each contender with its series colour (harness/report/colors.ts). */
export function withColors(names: readonly string[]): Array<{ name: string; color: string }> {
  const colors = contenderColors(names);
  return names.map((name) => ({ name, color: colors.get(name)! }));
}

/**
 * The series reordered so that one contender's rows on every runtime come together, in the
 * order contenders first appear; rows without a runtime label keep their place.
 */
function byContenderAcrossRuntimes<T extends { label: string; row: CompletedRow }>(series: readonly T[]): T[] {
  const base = (s: T): string => {
    const suffix = s.row.runtime === undefined ? '' : ` · ${s.row.runtime}`;
    return suffix !== '' && s.row.contender.endsWith(suffix) ? s.row.contender.slice(0, -suffix.length) : s.label;
  };
  const order = [...new Set(series.map(base))];
  return [...series].sort((a, b) => order.indexOf(base(a)) - order.indexOf(base(b)));
}

/** The stall recorder's figures for the GC table: stalls of its threshold or more, and the longest. */
function threadStallCells(row: CompletedRow): [string, string] {
  const recording = row.measurement.stalls;
  if (recording === undefined) return ['-', '-'];
  const count = recording.stalls.length + (recording.droppedStalls ?? 0);
  const longest = recording.stalls.reduce((most, s) => Math.max(most, s.durationMs), 0);
  return [formatCount(count), count === 0 ? '-' : formatMs(longest)];
}

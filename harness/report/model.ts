import { mergeEncoded } from '../results/histogram.js';
import { type MergedResults, type MergedRun, runOfRow } from '../results/results-file.js';
import type { CompletedRow, Results } from '../results/schema.js';
import { stallRuleText } from '../results/stall-attribution.js';
import { contenderColors } from './colors.js';
import { type CpuOverTime, type CycleMark, cpuOverTime, cycleMarks } from './gc-over-time.js';
import { type GcRow, gcBucketLabels, gcRows, type StallRow, stallRows } from './gc-tables.js';
import { buildRunSummary, type RunSummary } from './run-summary.js';
import { type StoreGcLane, type StoreGcRow, storeGcLanes, storeGcRows } from './store-gc.js';
import { type StorePressureSeries, storePressureSeries } from './store-pressure.js';
import type { SummaryTableModel } from './summary-model.js';
import type { Verdict } from './verdict.js';

export type { GcRow, StallRow } from './gc-tables.js';

/**
 * Everything the HTML report shows, computed in Node from results.json: the page's script only
 * draws. Numbers in tables are formatted here, with the same functions as the terminal table.
 */
export interface RunReportModel {
  readonly kind: 'run';
  readonly title: string;
  readonly contenders: ReadonlyArray<{ readonly name: string; readonly color: string }>;
  /** The verdict, in the terminal's words: a finding per question and every warning. */
  readonly verdict: Verdict;
  readonly summary: SummaryTableModel;
  /** What the figures cannot say, shown in a warning block by the summary (no forced GC measured, runs that differ). */
  readonly notes: readonly string[];
  readonly overTime: readonly OverTimeSeries[];
  readonly spectrum: ReadonlyArray<{ readonly contender: string; readonly points: ReadonlyArray<{ x: number; y: number }> }>;
  /** The spectrum of cache hits and of misses, per contender that recorded latency by outcome. */
  readonly byOutcome: ReadonlyArray<{ readonly contender: string; readonly outcome: 'hit' | 'miss'; readonly points: ReadonlyArray<{ x: number; y: number }> }>;
  /** How latency was timed (open loop from the intended start, or closed loop), under the summary. */
  readonly latencyNote: string;
  readonly resources: readonly ResourceSeries[];
  /** `storeRows`: the database's collector during each row (store-gc.ts), shown under the series' own line. */
  readonly gc: { readonly bucketLabels: readonly string[]; readonly rows: readonly GcRow[]; readonly storeRows: readonly StoreGcRow[] };
  /** Every spike, worst first. */
  readonly stalls: readonly StallRow[];
  readonly stallRule: string;
  readonly settings: ReadonlyArray<readonly [string, string]>;
  /** The store latency profile in one line, and the pressure on the database per row. */
  readonly storeLatency: string;
  readonly storePressure: readonly StorePressureSeries[];
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
  /** Whole GC cycles: a forced GC's band spans its cycle, its pauses (`gc`) marked inside. */
  readonly cycles: readonly CycleMark[];
  /** The process's CPU and its collector's per window, drawn under the latency chart. */
  readonly cpu: CpuOverTime;
  /** The database's collector, a lane per node of the GC strip; absent when the row has none. */
  readonly storeGc?: readonly StoreGcLane[];
}

export interface ResourceSeries {
  readonly contender: string;
  readonly t: readonly number[];
  readonly heapMiB: readonly number[];
  readonly rssMiB: readonly number[];
  readonly offHeapMiB: readonly number[];
  readonly cpuPercent: readonly number[];
}

/** Percentiles plotted in the spectrum: the usual HdrHistogram ticks and steps between. */
const SPECTRUM_PERCENTILES = [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.995, 99.999];
const MIB = 1024 * 1024;
const mib = (bytes: number | null): number => (typeof bytes === 'number' ? bytes / MIB : Number.NaN);

/** The page of a run: its summary (built once, run-summary.ts) and the series its charts draw. */
export function buildRunReport(input: Results, summary: RunSummary = buildRunSummary(input)): RunReportModel {
  const results: MergedResults = input;
  const names = results.contenders.map((c) => c.contender);
  const completed = results.rows.filter((row): row is CompletedRow => row.state === 'completed');
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
      cycles: cycleMarks(row),
      cpu: cpuOverTime(row),
      ...(row.measurement.storeGc === undefined ? {} : { storeGc: storeGcLanes(row) }),
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

  const stalls = stallRows(results, completed, merged !== undefined);

  const silent = completed
    .filter((row) => row.measurement.gcEvents.length === 0 && row.runtime !== undefined && row.measurement.collectsGarbage !== false)
    .map((row) => row.contender);
  const silentNote =
    silent.length === 0
      ? []
      : [
          `note: ${[...new Set(silent)].join(', ')} ran on a runtime that reports no GC events (Bun, Deno): their GC counts are missing, not zero; the thread stalls in the GC table and the stall attribution show when they stopped`,
        ];
  const mergedText =
    merged === undefined ? '' : merged.separate ? `, ${merged.runs.length} runs side by side (their settings differ)` : `, ${merged.runs.length} runs merged`;
  return {
    kind: 'run',
    title: `${summary.title}${mergedText}`,
    contenders: seriesColors(
      names,
      series.map((s) => s.label),
    ),
    verdict: summary.verdict,
    summary: summary.table,
    notes: [...summary.forcedGcNotes, ...silentNote, ...summary.settings.notes],
    overTime,
    spectrum,
    byOutcome,
    latencyNote: summary.settings.latencyNote,
    resources,
    gc: { bucketLabels: gcBucketLabels(), rows: gcRows(series), storeRows: storeGcRows(series) },
    stalls,
    stallRule: stallRuleText(results.settings.scenario.windowSeconds * 1000),
    settings: summary.settings.list,
    storeLatency: summary.settings.storeLatency,
    storePressure: storePressureSeries(results),
  };
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

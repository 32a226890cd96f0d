import type { ContenderSummary, Results, Spread } from '../results/schema.js';
import { type ContenderFacts, type ContenderState, contenderFacts } from './contender-facts.js';
import { formatBytes, formatCount, formatFigure, formatMs, formatPercent } from './format.js';

/**
 * The summary table, built once from Results: every figure as a value with its text, its
 * multiple of the best row's, its range over repetitions and its state. The terminal, Markdown
 * and HTML renderers draw these cells; none of them parses another's text.
 */

/** Which way a column is better; 'none' for figures that are the workload's or words. */
export type Better = 'lower' | 'higher' | 'none';

/**
 * What a cell or row must say beside its figure: the contender's state, or `no-gc` (a row
 * measured in a program without a garbage collector: GC figures do not apply).
 */
export type CellState = ContenderState | 'no-gc';

export interface SummaryColumn {
  readonly title: string;
  readonly better: Better;
}

export interface SummaryCell {
  /** The median; NaN for words and figures not measured. */
  readonly value: number;
  /** The median as text ("4.66 µs"), or words ("no GC", "ok"); "-" for not measured. */
  readonly text: string;
  /** This row's median over the best row's (1 is the best); absent where it means nothing. */
  readonly multiple?: number;
  /** The range over repetitions as text, when it moved. */
  readonly range?: readonly [string, string];
  readonly state: CellState;
}

export interface SummaryRowModel {
  readonly contender: string;
  readonly state: CellState;
  /** One cell per column after the first; a failed row has none and says why in `reason`. */
  readonly cells: readonly SummaryCell[];
  readonly reason?: string;
}

export interface SummaryTableModel {
  readonly columns: readonly SummaryColumn[];
  readonly rows: readonly SummaryRowModel[];
}

interface ColumnSpec {
  readonly title: string;
  readonly better: Better;
  readonly pick: (c: ContenderSummary) => Spread;
  readonly format: (value: number) => string;
  /** A GC figure: "no GC" on a row without a collector. */
  readonly gc?: boolean;
  /** Whether a multiple of the best means anything (not for counts that can be 0). */
  readonly multiple?: boolean;
}

/** A figure an older summary does not carry: "-", never 0. */
const NOT_MEASURED: Spread = { median: Number.NaN, min: Number.NaN, max: Number.NaN };

const COLUMN_SPECS: readonly ColumnSpec[] = [
  { title: 'p50', better: 'lower', pick: (c) => c.p50Ms, format: formatMs, multiple: true },
  { title: 'p99', better: 'lower', pick: (c) => c.p99Ms, format: formatMs, multiple: true },
  { title: 'p99.9', better: 'lower', pick: (c) => c.p999Ms, format: formatMs, multiple: true },
  { title: 'max', better: 'lower', pick: (c) => c.maxMs, format: formatMs, multiple: true },
  { title: 'rate/s', better: 'higher', pick: (c) => c.achievedRate, format: formatCount, multiple: true },
  { title: 'GCs', better: 'none', pick: (c) => c.gcCount, format: formatCount, gc: true },
  { title: 'longest pause', better: 'lower', pick: (c) => c.longestGcMs, format: formatMs, gc: true, multiple: true },
  // The whole cycle beside the pause: concurrent marking can run far longer than it stops the program.
  { title: 'longest GC cycle', better: 'lower', pick: (c) => c.longestGcCycleMs ?? NOT_MEASURED, format: formatMs, gc: true, multiple: true },
  { title: 'GC CPU share', better: 'lower', pick: (c) => c.gcCpuShare ?? NOT_MEASURED, format: formatPercent, gc: true },
  { title: 'heap', better: 'lower', pick: (c) => c.heapUsedMaxBytes, format: formatBytes, multiple: true },
  { title: 'B/entry', better: 'lower', pick: (c) => c.bytesPerEntry, format: formatCount, multiple: true },
  { title: 'miss', better: 'none', pick: (c) => c.missRate, format: formatPercent },
  { title: 'B/request', better: 'lower', pick: (c) => c.bytesPerRequest, format: formatFigure, multiple: true },
  { title: 'scavenges/100k', better: 'lower', pick: (c) => c.scavengesPer100k, format: formatFigure, gc: true, multiple: true },
  { title: 'hit p99.9', better: 'lower', pick: (c) => c.hitP999Ms, format: formatMs, multiple: true },
  { title: 'miss p99', better: 'lower', pick: (c) => c.missP99Ms, format: formatMs, multiple: true },
];

export const SUMMARY_TABLE_COLUMNS: readonly SummaryColumn[] = [
  { title: 'contender', better: 'none' },
  ...COLUMN_SPECS.map(({ title, better }) => ({ title, better })),
  { title: 'check', better: 'none' },
];

/** The table from the results' figures and the facts of each contender, found here unless the caller has them. */
export function buildSummaryTable(results: Results, facts: readonly ContenderFacts[] = contenderFacts(results)): SummaryTableModel {
  const repeated = results.settings.repeat > 1;
  const serviceLevel = results.settings.serviceLevel !== undefined;
  const yardsticks = facts.filter((f) => f.comparable);
  const best = COLUMN_SPECS.map((spec) => {
    const values = yardsticks.filter((f) => !(spec.gc === true && f.noCollector)).map((f) => spec.pick(f.summary).median);
    const finite = values.filter((v) => Number.isFinite(v) && v > 0);
    if (finite.length === 0) return Number.NaN;
    return spec.better === 'higher' ? Math.max(...finite) : Math.min(...finite);
  });
  const rows = facts.map(({ summary: c, state, noCollector }): SummaryRowModel => {
    if (state === 'failed') return { contender: c.contender, state, cells: [], reason: `FAILED: ${c.failures.join('; ') || 'unknown'}` };
    const cells = COLUMN_SPECS.map((spec, i): SummaryCell => {
      if (spec.gc === true && noCollector) return { value: Number.NaN, text: 'no GC', state: 'no-gc' };
      const spread = spec.pick(c);
      const value = spread.median;
      const cellState: CellState = spec.title === 'rate/s' && c.saturated ? 'saturated' : 'ok';
      if (!Number.isFinite(value)) return { value, text: '-', state: cellState };
      const reference = best[i]!;
      const multiple = spec.multiple === true && Number.isFinite(reference) && reference > 0 ? value / reference : undefined;
      // A range that reads the same at both ends ("10,000–10,000") says nothing: left out.
      const moved = repeated && Number.isFinite(spread.min) && spec.format(spread.min) !== spec.format(spread.max);
      return {
        value,
        text: spec.format(value),
        ...(multiple === undefined ? {} : { multiple }),
        ...(moved ? { range: [spec.format(spread.min), spec.format(spread.max)] as const } : {}),
        state: cellState,
      };
    });
    // Service-level runs can only say that every request was answered (see commands/load.ts).
    const [okText, badText] = serviceLevel ? ['all 2xx', 'REQUESTS FAILED'] : ['ok', 'LOST STATES'];
    const checkText = !c.integrityOk ? badText : c.failed > 0 ? `${okText}, ${c.failed} failed` : okText;
    cells.push({ value: Number.NaN, text: checkText, state: c.integrityOk ? 'ok' : 'lost' });
    return { contender: c.contender, state, cells };
  });
  return { columns: SUMMARY_TABLE_COLUMNS, rows };
}

/** What the GC columns measure, under every rendering of the table. */
export const GC_COLUMNS_NOTE =
  'longest pause: the longest time the collector stopped the program; longest GC cycle: the longest whole collection, from the start of ' +
  'marking to the end of its pause or sweep, as the runtime reports it; GC CPU share: the CPU the collector used as a share of the ' +
  'process\'s, over the measured windows; "no GC": a program without a garbage collector.';

/** "×1.00", "×3.50", "×240", "×65,155": a multiple as the tables print it. */
export function multipleText(multiple: number): string {
  return `×${multiple < 10 ? multiple.toFixed(2) : Math.round(multiple).toLocaleString('en-US')}`;
}

/** A column's title with the way it is better, where the multiple runs the other way. */
export function columnTitle(column: SummaryColumn): string {
  return column.better === 'higher' ? `${column.title}\u00a0↑` : column.title;
}

/**
 * A range as the tables print it: "[1.09–1.59]" when both ends are in the figure's unit,
 * "[1.09–1.59 s]" when they share another, "[872 µs–1.18 ms]" when they differ.
 */
export function rangeText([min, max]: readonly [string, string], figure = ''): string {
  const unit = (text: string): string => /\s(\S+)$/.exec(text)?.[1] ?? '';
  const shared = unit(min) !== '' && unit(min) === unit(max);
  if (!shared) return `[${min}–${max}]`;
  const bare = (text: string): string => text.slice(0, -unit(text).length - 1);
  return unit(figure) === unit(min) ? `[${bare(min)}–${bare(max)}]` : `[${bare(min)}–${max}]`;
}

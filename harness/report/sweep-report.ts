import type { SweepResults } from '../results/schema.js';
import { chart, page, table } from './html.js';
import { withColors } from './model.js';
import { sweepTable } from './sweep-table.js';
import { type TradeoffModel, tradeoffModel, tradeoffSection } from './tradeoff-chart.js';

/** A sweep's page: the full GC pause, p99 and max against cache size, the trade-off chart and the table. */
export function sweepReport(results: SweepResults): string {
  return renderSweepReport(sweepModel(results));
}

function sweepModel(results: SweepResults): SweepReportModel {
  const names = [...new Set(results.points.map((p) => p.contender))];
  const [header, cells] = sweepTable(results);
  return {
    kind: 'sweep',
    title: `readstate-lab: sweep (${results.scenario.name})`,
    contenders: withColors(names),
    series: names.map((name) => ({
      contender: name,
      points: results.points
        .filter((p) => p.contender === name && p.state === 'completed')
        .map((p) => ({ capacity: p.capacity, fullGcPauseMs: p.fullGcPauseMs ?? 0, p99Ms: p.p99Ms ?? 0, maxMs: p.maxMs ?? 0 })),
    })),
    table: { header, cells },
    tradeoff: tradeoffModel(results),
  };
}

export interface SweepReportModel {
  readonly kind: 'sweep';
  readonly title: string;
  readonly contenders: ReadonlyArray<{ readonly name: string; readonly color: string }>;
  readonly series: ReadonlyArray<{
    readonly contender: string;
    readonly points: ReadonlyArray<{ capacity: number; fullGcPauseMs: number; p99Ms: number; maxMs: number }>;
  }>;
  readonly table: { readonly header: readonly string[]; readonly cells: readonly string[][] };
  /** The trade-off figure (harness/report/tradeoff-chart.ts). */
  readonly tradeoff: TradeoffModel;
}

function renderSweepReport(model: SweepReportModel): string {
  const body = `
<h2>Against cache size</h2>
<p class="note">Log axes. The full GC pause is a forced gc() with the churned cache in place, after the measured load.</p>
<div class="grid">${chart('sweep-pause')}${chart('sweep-p99')}${chart('sweep-max')}</div>
${tradeoffSection(model.tradeoff)}
<h2>Table</h2>
${table(
  model.table.header,
  model.table.cells.map((cells) => ({ cells })),
  'sweep-table',
)}
`;
  return page(model.title, 'What each contender costs as the cache grows.', body, model);
}

import type { MicroResults } from '../results/schema.js';
import { escapeHtml } from './escape-html.js';
import { chart, page, table } from './html.js';
import { microTable } from './micro-table.js';
import { withColors } from './model.js';

/** A micro run's page: operations per second per task as a chart, and its table. */
export function microReport(results: MicroResults): string {
  return renderMicroReport(microModel(results));
}

function microModel(results: MicroResults): MicroReportModel {
  const names = results.rows.map((row) => row.contender);
  const completed = results.rows.flatMap((row) => (row.state === 'completed' ? [row] : []));
  const tasks = [...new Set(completed.flatMap((row) => row.tasks.map((t) => t.task)))];
  const [header, cells] = microTable(results);
  return {
    kind: 'micro',
    title: 'readstate-lab: micro',
    contenders: withColors(names),
    tasks,
    rows: completed.map((row) => ({
      contender: row.contender,
      opsPerSecond: tasks.map((task) => row.tasks.find((t) => t.task === task)?.opsPerSecond ?? 0),
    })),
    table: { header, cells },
    note: `${results.settings.capacity.toLocaleString('en-US')} cached entries; every sample times ${results.settings.opsPerSample} hits; log axis.`,
  };
}

export interface MicroReportModel {
  readonly kind: 'micro';
  readonly title: string;
  readonly contenders: ReadonlyArray<{ readonly name: string; readonly color: string }>;
  readonly tasks: readonly string[];
  readonly rows: ReadonlyArray<{ readonly contender: string; readonly opsPerSecond: readonly number[] }>;
  readonly table: { readonly header: readonly string[]; readonly cells: readonly string[][] };
  readonly note: string;
}

function renderMicroReport(model: MicroReportModel): string {
  const body = `
<h2>Operations per second</h2>
<p class="note">${escapeHtml(model.note)}</p>
${chart('micro-ops', true)}
<h2>Table</h2>
${table(
  model.table.header,
  model.table.cells.map((cells) => ({ cells })),
  'micro-table',
)}
`;
  return page(model.title, 'Hit-path microbenchmarks (tinybench), one child process per contender.', body, model);
}

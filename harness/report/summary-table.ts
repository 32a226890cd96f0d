import type { Results } from '../results/schema.js';
import { renderFittedTable } from './fitted-table.js';
import { buildSummaryTable, columnTitle, multipleText, rangeText, SUMMARY_TABLE_COLUMNS, type SummaryCell, type SummaryTableModel } from './summary-model.js';

/** The summary's column titles, as the terminal and Markdown print them (the model's, with ↑ where higher is better). */
export const SUMMARY_COLUMNS: readonly string[] = SUMMARY_TABLE_COLUMNS.map(columnTitle);

/** A cell as plain text: the figure, its state in words, with `multiples` its multiple of the best, and its range. */
function cellText(cell: SummaryCell, multiples: boolean): string {
  const multiple = multiples && cell.multiple !== undefined ? ` ${multipleText(cell.multiple)}` : '';
  const range = cell.range === undefined ? '' : ` ${rangeText(cell.range, cell.text)}`;
  const state = cell.state === 'saturated' ? ' SATURATED' : '';
  return `${cell.text}${state}${multiple}${range}`;
}

/**
 * The summary as cells of text, one row per contender (medians over repetitions), from the one
 * table model: the terminal's without multiples (it must fit a terminal), Markdown's with them.
 */
export function summaryCells(results: Results, options: { multiples?: boolean } = {}): string[][] {
  return summaryTextRows(buildSummaryTable(results), options.multiples ?? false);
}

/** The table model's rows as cells of text; with `multiples`, each figure's multiple of the best. */
export function summaryTextRows(table: SummaryTableModel, multiples: boolean): string[][] {
  return table.rows.map((row) => {
    if (row.cells.length === 0) return [row.contender, ...table.columns.slice(1, -1).map(() => '-'), row.reason ?? 'FAILED'];
    return [row.contender, ...row.cells.map((cell) => cellText(cell, multiples))];
  });
}

/**
 * An aligned plain-text table for the terminal: figures right-aligned, words left-aligned. With
 * `align` each column is aligned as it says; without, a column is of figures when every cell in
 * it is one.
 */
export function renderTextTable(header: readonly string[], cells: readonly string[][], align?: ReadonlyArray<'left' | 'right'>): string {
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((row) => (row[i] ?? '').length)));
  const isFigure = (cell: string): boolean => /^[-\d.,]/.test(cell);
  // A description that happens to start with a digit ("4 worker threads...") stays left-aligned
  // with the others of its column.
  const figureColumn = header.map((_, i) =>
    align !== undefined ? align[i] === 'right' : i > 0 && cells.length > 0 && cells.every((row) => isFigure(row[i] ?? '-')),
  );
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) => (figureColumn[i] === true && (align !== undefined || isFigure(cell)) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/**
 * The columns a reader needs first, in the order a narrow terminal shows them: the latencies, the
 * rate kept, the longest GC pause and the nothing-lost check. The rest follow in further blocks.
 */
export const ESSENTIAL_SUMMARY_COLUMNS: readonly string[] = ['contender', 'p50', 'p99', 'p99.9', 'max', 'rate/s', 'longest pause', 'check'];

/**
 * The summary for the terminal, aligned from the table model: every figure column to the right
 * ("no GC" and "3,100 SATURATED" with them), the contender and the check to the left. Within
 * `width` (the terminal's) the essential columns come first and the rest in blocks below, each
 * block led by the contender; when all fit (or without a width), every column on one line, in
 * the model's order.
 */
export function renderSummaryText(table: SummaryTableModel, options: { width?: number } = {}): string {
  const width = options.width ?? Number.POSITIVE_INFINITY;
  const titles = SUMMARY_TABLE_COLUMNS.map((column) => column.title);
  const align = titles.map((_, i): 'left' | 'right' => (i === 0 || i === titles.length - 1 ? 'left' : 'right'));
  const essential = ESSENTIAL_SUMMARY_COLUMNS.map((title) => titles.indexOf(title)).filter((i) => i > 0);
  const others = titles.map((_, i) => i).filter((i) => i > 0 && !essential.includes(i));
  return renderFittedTable(SUMMARY_COLUMNS, summaryTextRows(table, false), { width, align, groups: [essential, others] });
}

export function renderMarkdownTable(header: readonly string[], cells: readonly string[][]): string {
  const escapeCell = (cell: string): string => cell.replaceAll('|', '\\|');
  const line = (row: readonly string[]): string => `| ${row.map(escapeCell).join(' | ')} |`;
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [line(header), `|${align.join('|')}|`, ...cells.map(line)].join('\n');
}

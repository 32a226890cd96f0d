/**
 * A plain-text table that fits a width: the first column (the row's name) on the left of every
 * block, the other columns as many to a block as fit, the rest in blocks below. When every
 * column fits on one line they keep their order; otherwise each group of columns starts a block
 * of its own (the columns a reader needs first, then the rest). A title wider than its figures
 * breaks at a space onto a second header line, so that "longest pause" costs the width of
 * "longest", not of its figures plus words.
 */

export type Alignment = 'left' | 'right';

export interface FittedTableOptions {
  /** Characters a line may hold; Infinity: every column in one block, titles on one line. */
  readonly width: number;
  /** How each column aligns, by index. */
  readonly align: readonly Alignment[];
  /** The columns after the first, by index, in groups placed in this order; default: one group, as given. */
  readonly groups?: ReadonlyArray<readonly number[]>;
}

const GAP = '  ';

/** `title` in at most two lines, the longer as short as a break at a space makes it. */
export function titleLines(title: string, room: number): readonly string[] {
  if (title.length <= room) return [title];
  let best: readonly string[] = [title];
  let bestWidth = title.length;
  for (let i = title.indexOf(' '); i !== -1; i = title.indexOf(' ', i + 1)) {
    const lines = [title.slice(0, i), title.slice(i + 1)];
    const width = Math.max(...lines.map((line) => line.length));
    if (width < bestWidth) [best, bestWidth] = [lines, width];
  }
  return best;
}

interface Column {
  readonly index: number;
  readonly title: readonly string[];
  readonly width: number;
  readonly align: Alignment;
}

export function renderFittedTable(header: readonly string[], cells: readonly string[][], options: FittedTableOptions): string {
  const { width, align } = options;
  const cellsOf = (i: number): string[] => cells.map((row) => row[i] ?? '');
  const nameWidth = Math.max(header[0]!.length, ...cellsOf(0).map((cell) => cell.length));
  // Words wider than the room beside the names (a failure's reason) are cut; the verdict's
  // lines print them whole.
  const room = Number.isFinite(width) ? Math.max(8, width - nameWidth - GAP.length) : Number.POSITIVE_INFINITY;
  const shown = cells.map((row) => row.map((cell, i) => (i > 0 && cell.length > room ? `${cell.slice(0, room - 1)}…` : cell)));
  const column = (index: number, breakTitle: boolean): Column => {
    const widest = Math.max(0, ...shown.map((row) => (row[index] ?? '').length));
    const title = breakTitle ? titleLines(header[index]!, Math.max(widest, 1)) : [header[index]!];
    return { index, title, width: Math.max(widest, ...title.map((line) => line.length)), align: align[index] ?? 'left' };
  };
  const all = header.map((_, i) => i).slice(1);
  const whole = all.map((i) => column(i, false));
  if (whole.reduce((sum, col) => sum + GAP.length + col.width, column(0, false).width) <= width) {
    return renderBlock([column(0, false), ...whole], shown);
  }
  const first = column(0, true);
  const groups = options.groups ?? [all];

  const blocks: Column[][] = [];
  let used = 0;
  let groupBlocks = 0;
  for (const group of groups) {
    // A group that filled one block leaves the next to start a block of its own; the spill of a
    // group that did not fit in one is joined by the next group's columns, not left alone.
    let fresh = groupBlocks <= 1;
    groupBlocks = 0;
    for (const col of group.map((i) => column(i, true))) {
      const needed = GAP.length + col.width;
      if (fresh || used + needed > width) {
        fresh = false;
        blocks.push([col]);
        used = first.width + needed;
        groupBlocks++;
      } else {
        blocks.at(-1)!.push(col);
        used += needed;
      }
    }
  }
  return blocks.map((block) => renderBlock([first, ...block], shown)).join('\n\n');
}

function renderBlock(columns: readonly Column[], cells: readonly string[][]): string {
  const pad = (text: string, col: Column): string => (col.align === 'right' ? text.padStart(col.width) : text.padEnd(col.width));
  const line = (texts: readonly string[]): string =>
    texts
      .map((text, i) => pad(text, columns[i]!))
      .join(GAP)
      .trimEnd();
  const headerHeight = Math.max(...columns.map((col) => col.title.length));
  // A one-line title sits on the lower header line, beside the second line of the others.
  const headerLines = Array.from({ length: headerHeight }, (_, h) => line(columns.map((col) => col.title[h - (headerHeight - col.title.length)] ?? '')));
  return [...headerLines, line(columns.map((col) => '-'.repeat(col.width))), ...cells.map((row) => line(columns.map((col) => row[col.index] ?? '')))].join(
    '\n',
  );
}

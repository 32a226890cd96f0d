import { performance } from 'node:perf_hooks';
import { clearLine, cursorTo } from 'node:readline';
import { formatCount, formatMs } from '../report/format.js';
import type { RowProgress } from '../run/row-progress.js';
import { colorsFor, highlightStates, type OutputStream, paint, truncate } from './terminal.js';

export interface ProgressOptions {
  /** Where progress goes: stderr in the CLI, so stdout keeps only the table (or the JSON). */
  readonly stream: OutputStream;
  /** --quiet: nothing at all. */
  readonly quiet: boolean;
  /** A live line redrawn in place; default: when the stream is a terminal. */
  readonly live?: boolean;
  /** Default: colorsFor(stream). */
  readonly colors?: boolean;
  /** The clock, in ms; tests pass their own. */
  readonly now?: () => number;
}

/** How often the live line is redrawn, so that elapsed time ticks between the child's reports. */
const REDRAW_MS = 250;
/** How far above the shown ETA a new estimate must be to replace it (see #shownCommandLeftMs). */
const ETA_RESET_RATIO = 1.5;
/** Columns assumed for a live line on a terminal that does not say its width. */
const LIVE_COLUMNS = 80;

/** A live line in parts: `head` and `eta` always show; `optional` ones only where they fit. */
export interface ProgressLineParts {
  readonly head: string;
  readonly phase: string;
  readonly optional: readonly string[];
  readonly eta: string | undefined;
}

/**
 * One line that fits `columns`: the row and the ETA always, then the phase and the optional
 * figures in their order as far as they fit, the phase cut short before the ETA is.
 */
export function fitProgressLine(parts: ProgressLineParts, columns = LIVE_COLUMNS): string {
  const width = Math.max(20, columns - 1);
  const join = (items: readonly string[]): string => items.join(' · ');
  const tail = parts.eta === undefined ? [] : [parts.eta];
  let kept: string[] = [];
  for (const part of parts.optional) {
    if (join([parts.head, parts.phase, ...kept, part, ...tail]).length <= width) kept = [...kept, part];
  }
  const whole = join([parts.head, parts.phase, ...kept, ...tail]);
  if (whole.length <= width) return whole;
  // Even without figures it is too long: cut the phase, then the head, never the ETA.
  const fixed = join([parts.head, ...tail]).length + 3;
  if (fixed + 2 <= width) return join([parts.head, truncate(parts.phase, width - fixed), ...tail]);
  const room = width - (tail[0]?.length ?? 0) - 3;
  return join([truncate(parts.head, Math.max(5, room)), ...tail]);
}

/**
 * A command's progress, row by row. On a terminal one live line per row is redrawn in place
 * (phase, requests done of total, the last window's p99, elapsed, ETA of the row and of the
 * whole command) and left behind as the row's result line; elsewhere (a pipe, a CI log) one
 * line per phase, so a log stays short. `quiet` prints nothing.
 *
 * The ETA of the command is the rows still to run times the mean wall time of the rows that
 * finished (or, before the first one finished, of the running row as the child's report of
 * requests done projects it), plus what is left of the running row.
 */
export class CommandProgress {
  readonly #stream: OutputStream;
  readonly #quiet: boolean;
  readonly #live: boolean;
  readonly #colors: boolean;
  readonly #now: () => number;
  readonly #totalRows: number;
  #rowsDone = 0;
  #finishedRowsMs = 0;
  #row:
    | {
        index: number;
        label: string;
        start: number;
        phase: string;
        phaseStart: number;
        figures: RowProgress | undefined;
        /** How long the phase should take, when the caller knows (a load at a fixed rate). */
        expectedPhaseMs: number | undefined;
      }
    | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lineShown = false;
  /** The command ETA last shown, and when. */
  #shownEta: { leftMs: number; atMs: number } | undefined;

  constructor(totalRows: number, options: ProgressOptions) {
    this.#stream = options.stream;
    this.#quiet = options.quiet;
    this.#live = options.live ?? options.stream.isTTY === true;
    this.#colors = options.colors ?? colorsFor(options.stream);
    this.#now = options.now ?? (() => performance.now());
    this.#totalRows = totalRows;
  }

  /** A row begins: `label` says what runs ("naive-map (repetition 1)", "1,000,000 entries: lru-cache"). */
  startRow(label: string, phase = 'starting'): void {
    const now = this.#now();
    this.#row = { index: this.#rowsDone + 1, label, start: now, phase, phaseStart: now, figures: undefined, expectedPhaseMs: undefined };
    if (this.#quiet) return;
    if (this.#live) {
      this.#draw();
      this.#timer ??= setInterval(() => this.#draw(), REDRAW_MS);
      this.#timer.unref();
    } else {
      this.#writeLine(`${this.#prefix()} ${label}: ${phase}`);
    }
  }

  /**
   * The running row's news: a new phase (`message`, e.g. "measuring 120,000 requests at
   * 2,000/s") or, with the same message, new figures. Off a terminal only a new message prints.
   * `expectedPhaseMs`, with a new phase: how long it should last, for the ETA.
   */
  update(message: string, figures?: RowProgress, expectedPhaseMs?: number): void {
    const row = this.#row;
    if (row === undefined) return;
    const newPhase = message !== row.phase;
    if (newPhase) {
      row.phase = message;
      row.phaseStart = this.#now();
      row.figures = undefined;
      row.expectedPhaseMs = expectedPhaseMs;
    }
    if (figures !== undefined) row.figures = figures;
    if (this.#quiet) return;
    if (this.#live) this.#draw();
    else if (newPhase) this.#writeLine(`${this.#prefix()} ${row.label}: ${message}`);
  }

  /** The row ended: its one-line result stays on screen. */
  endRow(result: string): void {
    const row = this.#row;
    if (row === undefined) return;
    const wallMs = this.#now() - row.start;
    this.#rowsDone++;
    this.#finishedRowsMs += wallMs;
    this.#row = undefined;
    if (this.#quiet) return;
    const left = this.#rowsDone < this.#totalRows ? `; ${formatDuration(this.#commandLeftMs() ?? 0)} left` : '';
    this.#writeLine(`${this.#prefix(row.index)} ${row.label}: ${result} (${formatDuration(wallMs)}${left})`);
  }

  /** A line that stays (a note, a warning), printed above the live line. */
  note(line: string): void {
    if (!this.#quiet) this.#writeLine(line);
  }

  /** Stops redrawing and clears the live line. Call it once the command's rows are done. */
  finish(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#clearLive();
  }

  #prefix(index = this.#row?.index ?? this.#rowsDone): string {
    return `[${index}/${this.#totalRows}]`;
  }

  #writeLine(text: string): void {
    this.#clearLive();
    this.#stream.write(`${highlightStates(text, this.#colors)}\n`);
  }

  #clearLive(): void {
    if (!this.#lineShown) return;
    if (isTerminal(this.#stream)) {
      clearLine(this.#stream, 0);
      cursorTo(this.#stream, 0);
    } else {
      this.#stream.write('\r\n');
    }
    this.#lineShown = false;
  }

  #draw(): void {
    const row = this.#row;
    if (row === undefined || this.#quiet) return;
    const line = fitProgressLine(this.#lineParts(row), this.#stream.columns);
    if (isTerminal(this.#stream)) {
      clearLine(this.#stream, 0);
      cursorTo(this.#stream, 0);
      this.#stream.write(paint('dim', line, this.#colors));
    } else {
      // A live line asked for on a stream that cannot move its cursor (tests): carriage returns.
      this.#stream.write(`\r${line}`);
    }
    this.#lineShown = true;
  }

  /** The live line's parts, most needed first (see fitProgressLine). */
  #lineParts(row: { label: string; start: number; phase: string; figures: RowProgress | undefined }): ProgressLineParts {
    const figures = row.figures;
    const optional: string[] = [];
    const counted = figures?.done !== undefined && figures.total !== undefined && figures.total > 0;
    if (counted) optional.push(`${Math.floor((figures.done! / figures.total!) * 100)}%`);
    if (figures?.p99Ms !== undefined && Number.isFinite(figures.p99Ms)) optional.push(`p99 ${formatMs(figures.p99Ms)}`);
    optional.push(`${formatDuration(this.#now() - row.start)} elapsed`);
    if (counted) optional.push(`${formatCount(figures.done!)}/${formatCount(figures.total!)} requests`);
    const many = this.#totalRows > 1;
    const left = many ? this.#shownCommandLeftMs() : this.#rowLeftMs();
    return {
      head: `${this.#prefix()} ${row.label}`,
      phase: row.phase,
      optional,
      eta: left === undefined ? undefined : `${many ? 'all ' : ''}~${formatDuration(left)} left`,
    };
  }

  /**
   * The command's ETA as shown: it only counts down, because an estimate that rises and falls
   * between redraws reads as noise. A new estimate more than ETA_RESET_RATIO above the shown one
   * is a real change of forecast (a row much slower than the rows before it) and is shown as is.
   */
  #shownCommandLeftMs(): number | undefined {
    const estimate = this.#commandLeftMs();
    if (estimate === undefined) return undefined;
    const now = this.#now();
    const shown = this.#shownEta;
    const countedDown = shown === undefined ? undefined : Math.max(0, shown.leftMs - (now - shown.atMs));
    const left = countedDown === undefined || estimate > countedDown * ETA_RESET_RATIO + 1000 ? estimate : Math.min(estimate, countedDown);
    this.#shownEta = { leftMs: left, atMs: now };
    return left;
  }

  /** What is left of the running row: projected from requests done while measuring, else from finished rows. */
  #rowLeftMs(): number | undefined {
    const row = this.#row;
    if (row === undefined) return undefined;
    const figures = row.figures;
    if (figures?.done !== undefined && figures.total !== undefined && figures.done > 0) {
      const elapsed = this.#now() - row.phaseStart;
      return (elapsed * (figures.total - figures.done)) / figures.done;
    }
    if (row.expectedPhaseMs !== undefined) return Math.max(0, row.expectedPhaseMs - (this.#now() - row.phaseStart));
    if (this.#rowsDone > 0) return Math.max(0, this.#finishedRowsMs / this.#rowsDone - (this.#now() - row.start));
    return undefined;
  }

  #commandLeftMs(): number | undefined {
    const rowLeft = this.#row === undefined ? 0 : this.#rowLeftMs();
    const rowsAfter = this.#totalRows - this.#rowsDone - (this.#row === undefined ? 0 : 1);
    let perRow: number | undefined;
    if (this.#rowsDone > 0) perRow = this.#finishedRowsMs / this.#rowsDone;
    else if (this.#row !== undefined && rowLeft !== undefined) perRow = this.#now() - this.#row.start + rowLeft;
    if (perRow === undefined || rowLeft === undefined) return undefined;
    return rowLeft + rowsAfter * perRow;
  }
}

function isTerminal(stream: OutputStream): stream is OutputStream & NodeJS.WritableStream {
  return stream.isTTY === true && 'on' in stream;
}

/** 41 s, 3:05 min, 1:02:09 h. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const s = String(seconds % 60).padStart(2, '0');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}:${s} min`;
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:${s} h`;
}

import { performance } from 'node:perf_hooks';
import { clearLine, cursorTo } from 'node:readline';
import { formatCount, formatMs } from '../report/format.js';
import type { RowProgress } from '../run/row-progress.js';
import { colorsFor, highlightStates, type OutputStream, paint } from './terminal.js';

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
    const parts = [`${this.#prefix()} ${row.label}`, row.phase];
    const figures = row.figures;
    if (figures?.done !== undefined && figures.total !== undefined && figures.total > 0) {
      parts.push(`${formatCount(figures.done)}/${formatCount(figures.total)} (${Math.floor((figures.done / figures.total) * 100)}%)`);
    }
    if (figures?.p99Ms !== undefined && Number.isFinite(figures.p99Ms)) parts.push(`p99 ${formatMs(figures.p99Ms)}`);
    parts.push(`${formatDuration(this.#now() - row.start)} elapsed`);
    const rowLeft = this.#rowLeftMs();
    if (rowLeft !== undefined) parts.push(`row ~${formatDuration(rowLeft)} left`);
    const commandLeft = this.#commandLeftMs();
    if (commandLeft !== undefined && this.#totalRows > 1) parts.push(`all ~${formatDuration(commandLeft)} left`);
    let line = parts.join(' · ');
    const columns = this.#stream.columns;
    if (columns !== undefined && columns > 10 && line.length >= columns) line = `${line.slice(0, columns - 2)}…`;
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

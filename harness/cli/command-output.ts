import { CommandProgress } from './progress.js';
import { colorsFor, highlightStates, type OutputStream } from './terminal.js';

/**
 * Where a measuring command's words go. stdout holds what the command produced (the table, the
 * verdict, the files written), or with --json one JSON document and nothing else; stderr holds
 * what happens meanwhile (progress, skipped contenders, Ctrl-C), which --quiet silences.
 */
export class CommandOutput {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly #stdout: (line: string) => void;
  readonly #stderr: OutputStream;
  /** Whether the lines of `print` may carry colour. */
  readonly #printColors: boolean;

  constructor(
    flags: { readonly quiet?: boolean; readonly json?: boolean },
    stdout: (line: string) => void,
    streams: { readonly stdout: OutputStream; readonly stderr: OutputStream } = { stdout: process.stdout, stderr: process.stderr },
  ) {
    this.json = flags.json === true;
    this.quiet = flags.quiet === true;
    this.#stdout = stdout;
    this.#stderr = streams.stderr;
    this.#printColors = this.json ? colorsFor(streams.stderr) : colorsFor(streams.stdout);
  }

  /** The command's product (table, verdict): stdout; with --json, stderr unless --quiet. */
  readonly print = (line: string): void => {
    if (!this.json) this.#stdout(highlightStates(line, this.#printColors));
    else if (!this.quiet) this.#stderr.write(`${highlightStates(line, this.#printColors)}\n`);
  };

  /** News while the command runs (skipped contenders, stopping): stderr unless --quiet. */
  readonly note = (line: string): void => {
    if (!this.quiet) this.#stderr.write(`${line}\n`);
  };

  /**
   * Runs `step` (choosing contenders, which notes what it skips) and prints its notes only when
   * it succeeds: when it refuses the command line, its one-line error says it all.
   */
  async notingIfItSucceeds<T>(step: (note: (line: string) => void) => Promise<T>): Promise<T> {
    const notes: string[] = [];
    const value = await step((line) => notes.push(line));
    for (const line of notes) this.note(line);
    return value;
  }

  /** Progress over `totalRows` rows, on stderr. */
  progress(totalRows: number): CommandProgress {
    return new CommandProgress(totalRows, { stream: this.#stderr, quiet: this.quiet });
  }

  /** With --json, `value` as the one document on stdout; without, nothing. */
  emitJson(value: unknown): void {
    if (this.json) this.#stdout(JSON.stringify(value, null, 2));
  }
}

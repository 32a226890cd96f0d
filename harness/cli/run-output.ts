import { basename } from 'node:path';
import { type WrittenFiles, writeTableFiles } from '../experiment/output.js';
import { buildRunSummary } from '../report/run-summary.js';
import { renderSummaryText, renderTextTable } from '../report/summary-table.js';
import { verdictText } from '../report/verdict.js';
import type { AnyResults, Results, Row } from '../results/schema.js';
import { readerPath } from './reader-path.js';
import { terminalWidth, wrapWords } from './terminal.js';

/** What a finished run wrote, and the verdict it printed. */
export interface WrittenRun extends WrittenFiles {
  readonly verdict: readonly string[];
}

/**
 * A finished run on the terminal: the summary table, the files written and the verdict, within
 * the terminal's width (or $COLUMNS, or 80); with `wide`, the table on one line per row.
 */
export function printRun(results: Results, files: WrittenFiles, print: (line: string) => void, options: { wide?: boolean } = {}): WrittenRun {
  const summary = buildRunSummary(results);
  const verdict = verdictText(summary.verdict, { reportPath: readerPath(files.report) });
  const width = options.wide === true ? Number.POSITIVE_INFINITY : terminalWidth(process.stdout);
  const printWrapped = (line: string): void => {
    for (const part of Number.isFinite(width) ? wrapWords(line, width) : [line]) print(part);
  };
  print('');
  print(renderSummaryText(summary.table, { width }));
  for (const note of summary.forcedGcNotes) printWrapped(note);
  print('');
  printWrapped(`wrote ${readerPath(files.json)} and ${basename(files.markdown)}`);
  print('');
  for (const line of verdict) printWrapped(line);
  return { ...files, verdict };
}

/** The JSON document --json prints: what ran, where it went, the verdict and every contender's summary. */
export function runJson(command: string, results: Results, written: WrittenRun, exitCode: number): Record<string, unknown> {
  return {
    command,
    runId: results.runId,
    exitCode,
    files: { results: written.json, summary: written.markdown, report: written.html },
    verdict: written.verdict,
    environment: results.environment,
    contenders: results.contenders,
  };
}

/**
 * What a micro or sweep run leaves behind (experiment/output.ts writes `<name>.json`, its table
 * as `<name>.md` and index.html), and the table on the terminal.
 */
export function writeTableOutput(dir: string, name: string, results: AnyResults, table: [string[], string[][]], print: (line: string) => void): WrittenFiles {
  const written = writeTableFiles(dir, name, results, table);
  print('');
  print(renderTextTable(...table));
  print('');
  print(`wrote ${readerPath(written.json)} and ${basename(written.markdown)}`);
  return written;
}

/** 130 when interrupted, 1 when nothing ran or a row failed or lost read states, else 0. */
export function runExitCode(finished: readonly Row[], interrupted: boolean, print: (line: string) => void): number {
  if (interrupted) return 130;
  if (finished.length === 0) {
    print('no row ran: nothing was measured');
    return 1;
  }
  const bad = finished.filter((row) => row.state === 'failed' || !row.summary.integrityOk);
  if (bad.length > 0) {
    print(`${bad.length} row(s) failed or lost read states; see the check column`);
    return 1;
  }
  return 0;
}

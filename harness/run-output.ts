import { summarizeContenders } from './aggregate.js';
import { describeEnvironment } from './environment.js';
import { writeHtmlReport } from './report-writer.js';
import { SCHEMA_VERSION, type Results, type Row, type RunSettings } from './results.js';
import { markLatest, writeResultFiles } from './run-directory.js';
import { renderTextTable, SUMMARY_COLUMNS, summaryCells } from './summary-table.js';

/** A run's rows as a results.json document, with the environment and per-contender summaries. */
export function assembleResults(runId: string, settings: RunSettings, rows: readonly Row[], extraNodeFlags: readonly string[] = []): Results {
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'run',
    runId,
    createdAt: new Date().toISOString(),
    environment: describeEnvironment(extraNodeFlags),
    settings,
    rows,
    contenders: summarizeContenders(rows),
  };
}

/**
 * Everything a finished run leaves behind: results.json, summary.md and index.html in `dir`,
 * reports/latest pointing at it, and the summary table on the terminal.
 */
export function writeRunOutput(dir: string, results: Results, print: (line: string) => void): void {
  const files = writeResultFiles(dir, results);
  const html = writeHtmlReport(dir, results);
  markLatest(dir);
  print('');
  print(renderTextTable(SUMMARY_COLUMNS, summaryCells(results)));
  print('');
  print(`wrote ${files.json}`);
  print(`wrote ${files.markdown}`);
  print(`wrote ${html}`);
}

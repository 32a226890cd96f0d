import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeEnvironment } from '../measure/environment.js';
import { forcedGcNotes, renderMarkdownTable, renderTextTable, SUMMARY_COLUMNS, summaryCells } from '../report/summary-table.js';
import { writeHtmlReport } from '../report/write-report.js';
import { summarizeContenders } from '../results/aggregate.js';
import { type AnyResults, type Results, type Row, type RunSettings, SCHEMA_VERSION } from '../results/schema.js';
import { markLatest, writeResultFiles } from './run-directory.js';

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
  for (const note of forcedGcNotes(results)) print(note);
  print('');
  print(`wrote ${files.json}`);
  print(`wrote ${files.markdown}`);
  print(`wrote ${html}`);
}

/**
 * What a micro or sweep run leaves behind: `<name>.json`, its table as `<name>.md`, index.html,
 * and the table on the terminal.
 */
export function writeTableOutput(dir: string, name: string, results: AnyResults, table: [string[], string[][]], print: (line: string) => void): void {
  const [header, cells] = table;
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(results, null, 1)}\n`);
  writeFileSync(join(dir, `${name}.md`), `${renderMarkdownTable(header, cells)}\n`);
  print('');
  print(renderTextTable(header, cells));
  print('');
  print(`wrote ${join(dir, `${name}.json`)}`);
  print(`wrote ${writeHtmlReport(dir, results)}`);
}

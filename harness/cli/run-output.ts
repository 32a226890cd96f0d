import { writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative } from 'node:path';
import { describeEnvironment } from '../measure/environment.js';
import { forcedGcNotes, renderMarkdownTable, renderTextTable, SUMMARY_COLUMNS, summaryCells } from '../report/summary-table.js';
import { verdictLines } from '../report/verdict.js';
import { writeHtmlReport } from '../report/write-report.js';
import { summarizeContenders } from '../results/aggregate.js';
import { type AnyResults, type HostLoad, type Results, type Row, type RunSettings, SCHEMA_VERSION } from '../results/schema.js';
import { markLatest, reportsDir, writeResultFiles } from './run-directory.js';

/** A run's rows as a results.json document, with the environment and per-contender summaries. */
export function assembleResults(
  runId: string,
  settings: RunSettings,
  rows: readonly Row[],
  extraNodeFlags: readonly string[] = [],
  hostLoad?: HostLoad,
): Results {
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'run',
    runId,
    createdAt: new Date().toISOString(),
    environment: { ...describeEnvironment(extraNodeFlags), ...(hostLoad === undefined ? {} : { hostLoad }) },
    settings,
    rows,
    contenders: summarizeContenders(rows),
  };
}

/** What a finished run wrote, and the verdict it printed. */
export interface WrittenRun {
  readonly json: string;
  readonly markdown: string;
  readonly html: string;
  /** The report as a reader should open it: reports/latest/index.html when it points there. */
  readonly report: string;
  readonly verdict: readonly string[];
}

/**
 * Everything a finished run leaves behind: results.json, summary.md and index.html in `dir`,
 * reports/latest pointing at it, and the summary table and the verdict on the terminal.
 */
export function writeRunOutput(dir: string, results: Results, print: (line: string) => void): WrittenRun {
  const files = writeResultFiles(dir, results);
  const html = writeHtmlReport(dir, results);
  const isLatest = markLatest(dir, results.settings.scenario);
  const report = readerPath(isLatest ? join(reportsDir, 'latest', 'index.html') : html);
  const verdict = verdictLines(results, { reportPath: report });
  print('');
  print(renderTextTable(SUMMARY_COLUMNS, summaryCells(results)));
  for (const note of forcedGcNotes(results)) print(note);
  print('');
  print(`wrote ${readerPath(files.json)} and ${basename(files.markdown)}`);
  print('');
  for (const line of verdict) print(line);
  return { ...files, html, report, verdict };
}

/** A path as the reader at this shell should type it: relative below the working folder, else absolute. */
function readerPath(path: string): string {
  const relativePath = relative(process.cwd(), path);
  return relativePath === '' || relativePath.startsWith('..') || isAbsolute(relativePath) ? path : relativePath;
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
 * What a micro or sweep run leaves behind: `<name>.json`, its table as `<name>.md`, index.html,
 * and the table on the terminal.
 */
export function writeTableOutput(
  dir: string,
  name: string,
  results: AnyResults,
  table: [string[], string[][]],
  print: (line: string) => void,
): { json: string; markdown: string; html: string; report: string } {
  const [header, cells] = table;
  const json = join(dir, `${name}.json`);
  const markdown = join(dir, `${name}.md`);
  writeFileSync(json, `${JSON.stringify(results, null, 1)}\n`);
  writeFileSync(markdown, `${renderMarkdownTable(header, cells)}\n`);
  const html = writeHtmlReport(dir, results);
  print('');
  print(renderTextTable(header, cells));
  print('');
  print(`wrote ${readerPath(json)} and ${basename(markdown)}`);
  return { json, markdown, html, report: readerPath(html) };
}

/**
 * What an experiment leaves on disk, written here and nowhere else: results.json, summary.md
 * and index.html in the run's folder (through the report's writers), reports/latest pointing at
 * it, and a sweep's or micro run's own table files. Nothing here prints: the CLI says what was
 * written.
 */
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { packageRoot } from '../package-root.js';
import { renderMarkdownTable } from '../report/summary-table.js';
import { writeHtmlReport, writeRunReport } from '../report/write-report.js';
import type { Scenario } from '../results/scenario-schema.js';
import type { AnyResults, Results } from '../results/schema.js';
import { loadScenario, scenarioNames } from '../workload/scenario.js';

/**
 * Where runs go by default: reports/ of the checkout, or, when the lab is an installed package
 * (npx readstate-lab, inside node_modules), reports/ of the folder it is run from.
 */
export const reportsDir = packageRoot.split(sep).includes('node_modules') ? resolve('reports') : join(packageRoot, 'reports');

/** The files a run wrote. */
export interface WrittenFiles {
  readonly json: string;
  readonly markdown: string;
  readonly html: string;
  /** The report to open: reports/latest/index.html when it points there; the CLI prints it as the reader types it. */
  readonly report: string;
}

/** Writes results.json and the run's report (summary.md and index.html) into `dir`; returns their paths. */
export function writeResultFiles(dir: string, results: Results): { json: string; markdown: string; html: string } {
  const json = join(dir, 'results.json');
  writeFileSync(json, `${JSON.stringify(results, null, 1)}\n`);
  return { json, ...writeRunReport(dir, results) };
}

/**
 * A run's files: results.json, summary.md and index.html in `dir`, and, with `latest`,
 * reports/latest pointing at it (see markLatest). A sweep writes one set per capacity, without.
 */
export function writeRunFiles(dir: string, results: Results, latest: boolean): WrittenFiles {
  const files = writeResultFiles(dir, results);
  const isLatest = latest && markLatest(dir, results.settings.scenario);
  return { ...files, report: isLatest ? join(reportsDir, 'latest', 'index.html') : files.html };
}

/** A sweep's or micro run's files: `<name>.json`, its table as `<name>.md`, and index.html. */
export function writeTableFiles(dir: string, name: string, results: AnyResults, table: [string[], string[][]]): WrittenFiles {
  const [header, cells] = table;
  const json = join(dir, `${name}.json`);
  const markdown = join(dir, `${name}.md`);
  writeFileSync(json, `${JSON.stringify(results, null, 1)}\n`);
  writeFileSync(markdown, `${renderMarkdownTable(header, cells)}\n`);
  const html = writeHtmlReport(dir, results);
  return { json, markdown, html, report: html };
}

/**
 * Points reports/latest at `dir` when the run was written under reports/ and ran its scenario
 * for the scenario's whole length. A run shortened with --duration is a check (a smoke test,
 * a quick look at a flag), and moving `latest` to it would hide the last real comparison from
 * whoever opens reports/latest next. Returns whether it moved.
 */
export function markLatest(dir: string, scenario?: Scenario): boolean {
  if (dirname(dir) !== reportsDir) return false;
  if (scenario !== undefined && isShortened(scenario)) return false;
  const latest = join(reportsDir, 'latest');
  rmSync(latest, { force: true, recursive: false });
  symlinkSync(basename(dir), latest);
  return true;
}

/** True when `scenario` is a named scenario run for less than its own duration. */
function isShortened(scenario: Scenario): boolean {
  if (!scenarioNames().includes(scenario.name)) return false;
  return scenario.durationSeconds < loadScenario(scenario.name).durationSeconds;
}

import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { packageRoot } from '../package-root.js';
import { renderSummaryMarkdown } from '../report/summary-table.js';
import type { Scenario } from '../results/scenario-schema.js';
import type { Results } from '../results/schema.js';
import { loadScenario, scenarioNames } from '../workload/scenario.js';
import { checkOutputFolder, createFolder } from './output-paths.js';

/**
 * Where runs go by default: reports/ of the checkout, or, when the lab is an installed package
 * (npx readstate-lab, inside node_modules), reports/ of the folder it is run from.
 */
export const reportsDir = packageRoot.split(sep).includes('node_modules') ? resolve('reports') : join(packageRoot, 'reports');

/** A run id that sorts by time and says what ran: 2026-11-26T19-50-12-discord-2min. */
export function newRunId(scenarioName: string, now = new Date()): string {
  return `${now.toISOString().slice(0, 19).replaceAll(':', '-')}-${scenarioName}`;
}

/**
 * Checks, before any work, the folder a run will write to: `--out DIR` as given, else
 * reports/ (where reports/<run-id>/ will go). Returns the `--out` folder's absolute path.
 */
export function checkRunDirectory(out: string | undefined): string | undefined {
  if (out === undefined) {
    checkOutputFolder('the reports folder', reportsDir);
    return undefined;
  }
  return checkOutputFolder('--out', out);
}

/** Creates the folder a run writes to: `--out DIR` as given, else reports/<run-id>/. */
export function runDirectory(runId: string, out: string | undefined): string {
  const dir = out === undefined ? join(reportsDir, runId) : checkOutputFolder('--out', out);
  return createFolder(dir);
}

/** Writes results.json and summary.md into `dir`; returns their paths. */
export function writeResultFiles(dir: string, results: Results): { json: string; markdown: string } {
  const json = join(dir, 'results.json');
  const markdown = join(dir, 'summary.md');
  writeFileSync(json, `${JSON.stringify(results, null, 1)}\n`);
  writeFileSync(markdown, renderSummaryMarkdown(results));
  return { json, markdown };
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

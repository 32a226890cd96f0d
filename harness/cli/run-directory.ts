import { join } from 'node:path';
import { reportsDir } from '../experiment/output.js';
import { checkOutputFolder, createFolder } from './output-paths.js';

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

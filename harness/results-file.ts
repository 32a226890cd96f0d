import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { MicroResults } from './commands/micro.js';
import type { SweepResults } from './commands/sweep.js';
import { summarizeContenders, summarizeRow } from './aggregate.js';
import { describeError, UsageError } from './errors.js';
import { SCHEMA_VERSION, type Results, type Row } from './results.js';

export type AnyResults = Results | MicroResults | SweepResults;

const FILE_NAMES = { run: 'results.json', micro: 'micro.json', sweep: 'sweep.json' } as const;

/** The results file a path names: the file itself, or the one a run folder holds. */
export function resolveResultsPath(path: string): string {
  if (!existsSync(path)) throw new UsageError(`no such file or folder: ${path}`);
  if (!statSync(path).isDirectory()) return path;
  for (const name of Object.values(FILE_NAMES)) if (existsSync(join(path, name))) return join(path, name);
  throw new UsageError(`${path} holds no results.json, micro.json or sweep.json`);
}

/**
 * Reads and checks a results file. Summaries are recomputed from the raw measurements, so a
 * file is only as good as its raw data, and an unreadable row is named in the error.
 */
export function loadResults(path: string): AnyResults {
  const file = resolveResultsPath(path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON (${describeError(error).split('\n')[0]})`);
  }
  if (typeof raw !== 'object' || raw === null) throw new UsageError(`${file} is not a results object`);
  const record = raw as Record<string, unknown>;
  if (record['schemaVersion'] !== SCHEMA_VERSION) {
    throw new UsageError(`${file} has schemaVersion ${JSON.stringify(record['schemaVersion'])}; this lab reads ${SCHEMA_VERSION}`);
  }
  const need = (key: string, check: (value: unknown) => boolean, what: string): void => {
    if (!check(record[key])) throw new UsageError(`${file}: "${key}" must be ${what}`);
  };
  need('kind', (v) => v === 'run' || v === 'micro' || v === 'sweep', 'run, micro or sweep');
  need('runId', (v) => typeof v === 'string', 'a string');
  need('environment', (v) => typeof v === 'object' && v !== null, 'an object');
  if (record['kind'] === 'micro') {
    need('rows', Array.isArray, 'an array');
    return raw as MicroResults;
  }
  if (record['kind'] === 'sweep') {
    need('points', Array.isArray, 'an array');
    return raw as SweepResults;
  }
  need('settings', (v) => typeof v === 'object' && v !== null && typeof (v as { scenario?: unknown }).scenario === 'object', 'an object with a scenario');
  need('rows', Array.isArray, 'an array');
  const rows = (record['rows'] as unknown[]).map((row, i) => checkRow(row, `${file}: row ${i + 1}`));
  return { ...(raw as Results), rows, contenders: summarizeContenders(rows) };
}

function checkRow(raw: unknown, where: string): Row {
  if (typeof raw !== 'object' || raw === null) throw new UsageError(`${where} is not an object`);
  const row = raw as Record<string, unknown>;
  if (typeof row['implementation'] !== 'string') throw new UsageError(`${where}: "implementation" must be a string`);
  const name = `${where} (${row['implementation']})`;
  if (row['state'] === 'failed') {
    if (typeof row['reason'] !== 'string') throw new UsageError(`${name}: a failed row needs a "reason"`);
    return raw as Row;
  }
  if (row['state'] !== 'completed') throw new UsageError(`${name}: "state" must be completed or failed`);
  try {
    const measurement = (raw as { measurement: Parameters<typeof summarizeRow>[0] }).measurement;
    return { ...(raw as Row & { state: 'completed' }), summary: summarizeRow(measurement) };
  } catch (error) {
    throw new UsageError(`${name}: measurement unreadable (${describeError(error).split('\n')[0]})`);
  }
}

/** Several run results as one comparison: their rows side by side. They must share a scenario. */
export function mergeRuns(runs: readonly Results[]): Results {
  const first = runs[0];
  if (first === undefined) throw new UsageError('nothing to merge');
  for (const other of runs.slice(1)) {
    if (other.settings.scenario.name !== first.settings.scenario.name) {
      throw new UsageError(`cannot merge runs of different scenarios: ${first.settings.scenario.name} and ${other.settings.scenario.name}`);
    }
  }
  if (runs.length === 1) return first;
  const rows = runs.flatMap((run) => run.rows);
  return {
    ...first,
    runId: runs.map((run) => run.runId).join('+'),
    settings: {
      ...first.settings,
      implementations: [...new Set(runs.flatMap((run) => run.settings.implementations))],
      repeat: Math.max(...runs.map((run) => run.settings.repeat)),
    },
    rows,
    contenders: summarizeContenders(rows),
  };
}

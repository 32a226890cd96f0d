import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeContenders, summarizeRow } from './aggregate.js';
import { describeError, UsageError } from '../errors.js';
import { FieldReader, readJsonFile } from '../json-input.js';
import { OLDEST_READABLE_VERSION, upgradeFromVersion1 } from './upgrade.js';
import { SCHEMA_VERSION, type Results, type Row, type MicroResults, type SweepResults } from './schema.js';
import type { AnyResults } from './schema.js';

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
  let raw = readJsonFile(file, 'results file');
  const version = new FieldReader(raw, file).number('schemaVersion', { min: -Infinity });
  if (version < OLDEST_READABLE_VERSION || version > SCHEMA_VERSION) {
    throw new UsageError(`${file} has schemaVersion ${JSON.stringify(version)}; this lab reads ${OLDEST_READABLE_VERSION} to ${SCHEMA_VERSION}`);
  }
  if (version === 1) raw = upgradeFromVersion1(raw as Record<string, unknown>);
  const fields = new FieldReader(raw, file);
  const kind = fields.oneOf('kind', ['run', 'micro', 'sweep'] as const);
  fields.string('runId');
  fields.object('environment');
  if (kind === 'micro') {
    fields.array('rows');
    return raw as MicroResults;
  }
  if (kind === 'sweep') {
    fields.array('points');
    return raw as SweepResults;
  }
  fields.object('settings').object('scenario');
  const rows = fields.array('rows').map((row, i) => checkRow(row, (raw as { rows: unknown[] }).rows[i]));
  return { ...(raw as Results), rows, contenders: summarizeContenders(rows) };
}

function checkRow(fields: FieldReader, raw: unknown): Row {
  const contender = fields.string('contender');
  const state = fields.oneOf('state', ['completed', 'failed'] as const);
  if (state === 'failed') {
    fields.string('reason');
    return raw as Row;
  }
  try {
    const measurement = (raw as { measurement: Parameters<typeof summarizeRow>[0] }).measurement;
    return { ...(raw as Row & { state: 'completed' }), summary: summarizeRow(measurement) };
  } catch (error) {
    throw new UsageError(`${fields.where} (${contender}): measurement unreadable (${describeError(error).split('\n')[0]})`);
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
      contenderNames: [...new Set(runs.flatMap((run) => run.settings.contenderNames))],
      repeat: Math.max(...runs.map((run) => run.settings.repeat)),
    },
    rows,
    contenders: summarizeContenders(rows),
  };
}

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeError, UsageError } from '../errors.js';
import { FieldReader, readJsonFile } from '../json-input.js';
import { summarizeContenders, summarizeRow } from './aggregate.js';
import { describeDifference, firstSettingDifference } from './compare-settings.js';
import type { AnyResults } from './schema.js';
import { type Environment, type MicroResults, type Results, type Row, type RunSettings, SCHEMA_VERSION, type SweepResults } from './schema.js';
import { OLDEST_READABLE_VERSION, upgradeFromVersion1 } from './upgrade.js';

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
  if (fields.has('merged')) checkMerged(fields.object('merged'), (raw as { merged: { separate?: unknown } }).merged);
  const rows = fields.array('rows').map((row, i) => checkRow(row, (raw as { rows: unknown[] }).rows[i]));
  return { ...(raw as Results), rows, contenders: summarizeContenders(rows) };
}

/** The record of the runs a merged file came from: the report reads each run's settings from it. */
function checkMerged(fields: FieldReader, raw: { separate?: unknown }): void {
  if (typeof raw.separate !== 'boolean') throw new UsageError(`${fields.where}: "separate" must be true or false`);
  for (const run of fields.array('runs')) {
    run.text('label');
    run.string('source');
    run.string('runId');
    run.integer('repetitionOffset', { min: 0 });
    run.integer('repetitions', { min: 0 });
    run.object('settings').object('scenario');
    run.object('environment');
  }
}

function checkRow(fields: FieldReader, raw: unknown): Row {
  const contender = fields.string('contender');
  const state = fields.oneOf('state', ['completed', 'failed'] as const);
  if (state === 'failed') {
    fields.string('reason');
    return raw as Row;
  }
  if (fields.has('summary')) fields.object('summary');
  checkDrive(fields.object('measurement').object('drive'));
  try {
    const measurement = (raw as { measurement: Parameters<typeof summarizeRow>[0] }).measurement;
    return { ...(raw as Row & { state: 'completed' }), summary: summarizeRow(measurement) };
  } catch (error) {
    throw new UsageError(`${fields.where} (${contender}): measurement unreadable (${describeError(error).split('\n')[0]})`);
  }
}

/**
 * The drive figures every verdict leans on, checked for being possible: a driver never sends
 * faster than it was asked to (it may round up a little at the end of a run), nor sends more
 * than it completed plus what it gave up on.
 */
function checkDrive(drive: FieldReader): void {
  const target = drive.number('targetRate', { min: 0 });
  const achieved = drive.number('achievedRate', { min: 0 });
  if (!Number.isFinite(target) || !Number.isFinite(achieved) || achieved > target * 1.01 + 1) {
    throw new UsageError(`${drive.where}: achievedRate ${achieved} is not possible at targetRate ${target} (a driver never sends faster than asked)`);
  }
  const sent = drive.integer('sent', { min: 0 });
  const completed = drive.integer('completed', { min: 0 });
  if (completed > sent) throw new UsageError(`${drive.where}: completed ${completed} is more than sent ${sent}`);
}

/** One of the runs a merged results file was made from, as `report A B` recorded it. */
export interface MergedRun {
  /** How the report names it: "run-1", "run-2"... in the order the runs were given. */
  readonly label: string;
  /** The path it was read from, as given. */
  readonly source: string;
  readonly runId: string;
  readonly createdAt: string;
  readonly environment: Environment;
  readonly settings: RunSettings;
  /** Its rows' repetitions were shifted by this much, so that every run's repetitions stay apart. */
  readonly repetitionOffset: number;
  /** How many repetitions it holds: its rows' repetitions are offset + 1 .. offset + repetitions. */
  readonly repetitions: number;
}

/**
 * Results merged from several runs. `separate` is set when their settings differed and they were
 * merged anyway (`--allow-different`): every contender name then carries its run's label,
 * "naive-map [run-2]", so that no row of one run is pooled with another's.
 */
export interface MergedResults extends Results {
  readonly merged?: { readonly separate: boolean; readonly runs: readonly MergedRun[] };
}

/** A run to merge and the name messages give it (the path it was read from). */
export interface NamedRun {
  readonly name: string;
  readonly results: Results;
}

/**
 * Several run results as one comparison: every run's rows, each run's repetitions numbered after
 * the previous run's (so that a repetition still pairs contenders measured side by side). Runs
 * merge only when their settings compare (compare-settings.ts): otherwise a UsageError names the
 * first setting that differs, unless `allowDifferent`, which keeps each run's rows as a group of
 * their own, labelled with the run.
 */
export function mergeRuns(runs: readonly NamedRun[], options: { allowDifferent?: boolean } = {}): MergedResults {
  const first = runs[0];
  if (first === undefined) throw new UsageError('nothing to merge');
  if (runs.length === 1) return first.results;
  let separate = false;
  for (const other of runs.slice(1)) {
    const difference = firstSettingDifference(first.results, other.results);
    if (difference === undefined) continue;
    if (options.allowDifferent !== true) {
      throw new UsageError(
        `cannot merge: ${describeDifference(difference, first.name, other.name)} (--allow-different shows them side by side, each run its own group)`,
      );
    }
    separate = true;
  }
  const mergedRuns: MergedRun[] = [];
  const rows: Row[] = [];
  let offset = 0;
  runs.forEach(({ name, results }, i) => {
    const label = `run-${i + 1}`;
    const repetitions = Math.max(results.settings.repeat, ...results.rows.map((row) => row.repetition));
    mergedRuns.push({
      label,
      source: name,
      runId: results.runId,
      createdAt: results.createdAt,
      environment: results.environment,
      settings: results.settings,
      repetitionOffset: offset,
      repetitions,
    });
    for (const row of results.rows) {
      rows.push({ ...row, contender: separate ? groupName(row.contender, label) : row.contender, repetition: row.repetition + offset });
    }
    offset += repetitions;
  });
  const contenderNames = separate
    ? mergedRuns.flatMap((run) => run.settings.contenderNames.map((name) => groupName(name, run.label)))
    : [...new Set(runs.flatMap((run) => run.results.settings.contenderNames))];
  const contenders = summarizeContenders(rows);
  return {
    ...first.results,
    runId: runs.map((run) => run.results.runId).join('+'),
    settings: {
      ...first.results.settings,
      contenderNames,
      // The most repetitions any contender has, now that runs' repetitions follow each other.
      repeat: Math.max(1, ...contenders.map((c) => c.completed + c.failed)),
    },
    rows,
    contenders,
    merged: { separate, runs: mergedRuns },
  };
}

/** A contender's name in a group of its own: "naive-map [run-2]". */
export function groupName(contender: string, runLabel: string): string {
  return `${contender} [${runLabel}]`;
}

/** The run of a merged results file a row came from, found by its repetition. */
export function runOfRow(results: MergedResults, row: Pick<Row, 'repetition'>): MergedRun | undefined {
  return results.merged?.runs.find((run) => row.repetition > run.repetitionOffset && row.repetition <= run.repetitionOffset + run.repetitions);
}

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { describeError, UsageError } from '../errors.js';
import { readJsonFile } from '../json-input.js';
import { summarizeContenders, summarizeRow } from './aggregate.js';
import { checkAgainstSchema } from './check-against-schema.js';
import { describeDifference, firstSettingDifference } from './compare-settings.js';
import type { AnyResults, CompletedRow, DriveOutcome } from './schema.js';
import { type Environment, type Results, type Row, type RunSettings, SCHEMA_VERSION } from './schema.js';
import { OneOf } from './schemas/figures.js';
import { MicroResults as MicroResultsSchema, SweepResults as SweepResultsSchema } from './schemas/micro-sweep.js';
import { Results as ResultsSchema } from './schemas/run.js';
import { OLDEST_READABLE_VERSION, upgradeFromVersion1 } from './upgrade.js';

const FILE_NAMES = { run: 'results.json', micro: 'micro.json', sweep: 'sweep.json' } as const;

/** The results file a path names: the file itself, or the one a run folder holds. */
export function resolveResultsPath(path: string): string {
  if (!existsSync(path)) throw new UsageError(`no such file or folder: ${path}`);
  if (!statSync(path).isDirectory()) return path;
  for (const name of Object.values(FILE_NAMES)) if (existsSync(join(path, name))) return join(path, name);
  throw new UsageError(`${path} holds no results.json, micro.json or sweep.json`);
}

const FileHeader = Type.Object({ schemaVersion: Type.Number() });
const FileKind = Type.Object({ kind: OneOf(['run', 'micro', 'sweep'] as const) });

/**
 * Reads and checks a results file against its schema (harness/results/schemas/). Summaries are
 * recomputed from the raw measurements, so a file is only as good as its raw data, and an
 * unreadable row is named in the error.
 */
export function loadResults(path: string): AnyResults {
  const file = resolveResultsPath(path);
  let raw = readJsonFile(file, 'results file');
  const version = checkAgainstSchema(FileHeader, raw, file).schemaVersion;
  if (version < OLDEST_READABLE_VERSION || version > SCHEMA_VERSION) {
    throw new UsageError(`${file} has schemaVersion ${JSON.stringify(version)}; this lab reads ${OLDEST_READABLE_VERSION} to ${SCHEMA_VERSION}`);
  }
  if (version === 1) raw = upgradeFromVersion1(raw);
  const { kind } = checkAgainstSchema(FileKind, raw, file);
  if (kind === 'micro') return checkAgainstSchema(MicroResultsSchema, raw, file);
  if (kind === 'sweep') return checkAgainstSchema(SweepResultsSchema, raw, file);
  const results = checkAgainstSchema(ResultsSchema, raw, file);
  const rows = results.rows.map((row, i) => (row.state === 'completed' ? resummarized(row, `${file}.rows[${i}]`) : row));
  return { ...results, rows, contenders: summarizeContenders(rows) };
}

/** A completed row with its summary computed again from its raw measurement, which is checked for being possible first. */
function resummarized(row: CompletedRow, where: string): CompletedRow {
  checkDrive(row.measurement.drive, `${where}.measurement.drive`);
  try {
    return { ...row, summary: summarizeRow(row.measurement) };
  } catch (error) {
    throw new UsageError(`${where} (${row.contender}): measurement unreadable (${describeError(error).split('\n')[0]})`);
  }
}

/**
 * The drive figures every verdict leans on, checked for being possible: a driver never sends
 * faster than it was asked to (it may round up a little at the end of a run), nor sends more
 * than it completed plus what it gave up on.
 */
function checkDrive(drive: DriveOutcome, where: string): void {
  const { targetRate: target, achievedRate: achieved, sent, completed } = drive;
  if (achieved > target * 1.01 + 1) {
    throw new UsageError(`${where}: achievedRate ${achieved} is not possible at targetRate ${target} (a driver never sends faster than asked)`);
  }
  if (completed > sent) throw new UsageError(`${where}: completed ${completed} is more than sent ${sent}`);
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

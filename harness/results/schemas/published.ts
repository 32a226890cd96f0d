import type { TSchema } from '@sinclair/typebox';
import { isRecord } from '../../json-input.js';
import * as Environment from './environment.js';
import { Figure } from './figures.js';
import * as Measurement from './measurement.js';
import * as Run from './run.js';
import { Scenario } from './scenario.js';
import { StoreLatencyProfile } from './store-latency.js';
import * as Summary from './summary.js';

/** Where the published JSON Schema of results.json lives in the package. */
export const PUBLISHED_SCHEMA_PATH = 'schemas/results.schema.json';

/** Parts named in the published file's `definitions`, so that a reader sees a Percentiles once, not forty times. */
const NAMED: Record<string, TSchema> = {
  Figure,
  Scenario,
  StoreLatencyProfile,
  Environment: Environment.Environment,
  RunSettings: Run.RunSettings,
  CompletedRow: Run.CompletedRow,
  FailedRow: Run.FailedRow,
  RowMeasurement: Measurement.RowMeasurement,
  DriveOutcome: Measurement.DriveOutcome,
  SendLag: Measurement.SendLag,
  GcEvent: Measurement.GcEvent,
  GcCycle: Measurement.GcCycle,
  WindowSample: Measurement.WindowSample,
  Mismatch: Measurement.Mismatch,
  RowSummary: Summary.RowSummary,
  Percentiles: Summary.Percentiles,
  ContenderSummary: Summary.ContenderSummary,
  Spread: Summary.Spread,
};

/**
 * The JSON Schema of results.json for readers in other languages: the very schema the lab checks
 * files with, as JSON (TypeBox's schemas are JSON Schema; its own markers are symbols, which JSON
 * leaves out), with its repeated parts named once under `definitions`.
 */
export function resultsJsonSchema(): string {
  const names = new Map(Object.entries(NAMED).map(([name, schema]) => [JSON.stringify(schema), name]));
  const definitions: Record<string, unknown> = {};
  const named = (value: unknown, isRoot = false): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const name = isRoot ? undefined : names.get(JSON.stringify(value));
    if (name !== undefined) {
      definitions[name] ??= named(value, true);
      return { $ref: `#/definitions/${name}` };
    }
    if (Array.isArray(value)) return value.map((item) => named(item));
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, named(item)]));
  };
  const root = named(JSON.parse(JSON.stringify(Run.Results)), true);
  if (!isRecord(root)) throw new Error('the results schema is not a JSON object');
  const sorted = Object.fromEntries(
    Object.keys(definitions)
      .sort()
      .map((name) => [name, definitions[name]]),
  );
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...root, definitions: sorted }, null, 2)}\n`;
}

import { describeEnvironment } from '../measure/environment.js';
import { summarizeContenders } from '../results/aggregate.js';
import { type HostLoad, type Results, type Row, type RunSettings, SCHEMA_VERSION } from '../results/schema.js';

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

import { Type } from '@sinclair/typebox';
import { Environment, ServiceLevelDriver } from './environment.js';
import { Count, Figure, Nullable, OneOf } from './figures.js';
import { RowMeasurement } from './measurement.js';
import { JVM_COLLECTORS, SCHEMA_VERSION, STORE_KINDS } from './plain-values.js';
import { Scenario } from './scenario.js';
import { StoreLatencyProfile } from './store-latency.js';
import { ContenderSummary, RowSummary } from './summary.js';

/**
 * A run's results file (results.json, `kind: "run"`), merged ones included: the schema that
 * schemas/results.schema.json publishes and every reader checks. harness/results/schema.ts
 * documents every field.
 */

export const CassandraSettings = Type.Object({
  contactPoints: Type.Array(Type.String()),
  nodes: Count,
  consistency: OneOf(['one', 'quorum'] as const),
  collector: Type.Optional(OneOf(JVM_COLLECTORS)),
  heap: Type.Optional(Type.String()),
});

export const RunSettings = Type.Object({
  scenario: Scenario,
  contenderNames: Type.Array(Type.String()),
  repeat: Figure,
  closedLoop: Type.Boolean(),
  store: OneOf(STORE_KINDS),
  storeLatency: Type.Optional(Nullable(StoreLatencyProfile)),
  cassandra: Type.Optional(CassandraSettings),
  requestsFile: Nullable(Type.String()),
  serviceLevel: Type.Optional(Type.Object({ connections: Figure, target: Nullable(Type.String()), driver: Type.Optional(ServiceLevelDriver) })),
  invocation: Type.Optional(Type.Array(Type.String())),
});

const rowBase = {
  contender: Type.String(),
  runtime: Type.Optional(Type.String()),
  variant: Type.Optional(Type.String()),
  repetition: Count,
  nodeFlags: Type.Array(Type.String()),
  wallMs: Figure,
};

export const CompletedRow = Type.Object({ ...rowBase, state: Type.Literal('completed'), measurement: RowMeasurement, summary: RowSummary });
export const FailedRow = Type.Object({ ...rowBase, state: Type.Literal('failed'), reason: Type.String() });
export const Row = Type.Union([CompletedRow, FailedRow]);

export const MergedRun = Type.Object({
  label: Type.String({ minLength: 1 }),
  source: Type.String(),
  runId: Type.String(),
  createdAt: Type.String(),
  environment: Environment,
  settings: RunSettings,
  repetitionOffset: Count,
  repetitions: Count,
});

export const Results = Type.Object(
  {
    schemaVersion: Type.Literal(SCHEMA_VERSION),
    kind: Type.Literal('run'),
    runId: Type.String(),
    createdAt: Type.String(),
    environment: Environment,
    settings: RunSettings,
    rows: Type.Array(Row),
    contenders: Type.Array(ContenderSummary),
    merged: Type.Optional(Type.Object({ separate: Type.Boolean(), runs: Type.Array(MergedRun) })),
  },
  {
    title: 'readstate-lab results.json',
    description:
      'One run of readstate-lab: per (contender, repetition) row the raw measurement (encoded HDR histograms in ns, GC events, per-window samples) and a summary computed from it, and per contender the median and range over its repetitions. A figure that could not be measured is null.',
  },
);

import { Type } from '@sinclair/typebox';
import { Environment } from './environment.js';
import { Figure, Nullable } from './figures.js';
import { SCHEMA_VERSION } from './plain-values.js';
import { Scenario } from './scenario.js';
import { StoreLatencyProfile } from './store-latency.js';

/** micro.json (`micro`) and sweep.json (`sweep`), as harness/results/schema.ts documents them. */

export const MicroTaskResult = Type.Object({ task: Type.String(), opsPerSecond: Figure, meanNsPerOp: Figure, p99NsPerOp: Figure, samples: Figure });

/** What a micro child writes (harness/run/micro-child.ts): one row of micro.json without its names. */
export const MicroChildOutput = Type.Union([
  Type.Object({ state: Type.Literal('completed'), tasks: Type.Array(MicroTaskResult), fullGcMs: Figure }),
  Type.Object({ state: Type.Literal('failed'), reason: Type.String() }),
]);

export const MicroResults = Type.Object({
  schemaVersion: Type.Literal(SCHEMA_VERSION),
  kind: Type.Literal('micro'),
  runId: Type.String(),
  createdAt: Type.String(),
  environment: Environment,
  settings: Type.Object({ capacity: Figure, timeMs: Figure, opsPerSample: Figure }),
  rows: Type.Array(
    Type.Union([
      Type.Object({
        contender: Type.String(),
        runtime: Type.Optional(Type.String()),
        state: Type.Literal('completed'),
        tasks: Type.Array(MicroTaskResult),
        fullGcMs: Figure,
      }),
      Type.Object({ contender: Type.String(), runtime: Type.Optional(Type.String()), state: Type.Literal('failed'), reason: Type.String() }),
    ]),
  ),
});

const optionalFigure = Type.Optional(Figure);

export const SweepPoint = Type.Object({
  contender: Type.String(),
  runtime: Type.Optional(Type.String()),
  capacity: Figure,
  state: Type.Union([Type.Literal('completed'), Type.Literal('failed')]),
  reason: Type.Optional(Type.String()),
  cachedStates: optionalFigure,
  bytesPerEntry: optionalFigure,
  fullGcPauseMs: optionalFigure,
  longestGcMs: optionalFigure,
  p99Ms: optionalFigure,
  p999Ms: optionalFigure,
  maxMs: optionalFigure,
  achievedRate: optionalFigure,
  saturated: Type.Optional(Type.Boolean()),
  missRate: optionalFigure,
  storeReadsPerSecond: optionalFigure,
  storeWritesPendingMax: optionalFigure,
  missP99Ms: optionalFigure,
  hitP99Ms: optionalFigure,
});

export const SweepResults = Type.Object({
  schemaVersion: Type.Literal(SCHEMA_VERSION),
  kind: Type.Literal('sweep'),
  runId: Type.String(),
  createdAt: Type.String(),
  environment: Environment,
  scenario: Scenario,
  storeLatency: Type.Optional(Nullable(StoreLatencyProfile)),
  capacities: Type.Array(Figure),
  points: Type.Array(SweepPoint),
});

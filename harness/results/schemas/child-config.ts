import { Type } from '@sinclair/typebox';
import { Count, OneOf } from './figures.js';
import { STORE_KINDS } from './plain-values.js';
import { Scenario } from './scenario.js';
import { StoreLatencyProfile } from './store-latency.js';

/**
 * What a parent hands a measuring child in a file (harness/run/child-main.ts, harness/run/micro-child.ts),
 * as JSON has it: a field the program holds as undefined is absent. The child checks these with
 * the functions generated from them (harness/results/schemas/checks.generated.ts), which load no
 * schema library onto the heap it measures.
 */

const CassandraTarget = Type.Object({
  contactPoints: Type.Array(Type.String()),
  localDataCenter: Type.String(),
  keyspace: Type.String(),
  table: Type.String(),
  consistency: OneOf(['one', 'quorum'] as const),
});

export const RowConfigFile = Type.Object({
  contender: Type.String(),
  label: Type.Optional(Type.String()),
  runtime: Type.Optional(Type.String()),
  variant: Type.Optional(Type.String()),
  extraNodeFlags: Type.Optional(Type.Array(Type.String())),
  modulePath: Type.Optional(Type.String()),
  scenario: Scenario,
  repetition: Count,
  requestsFile: Type.Optional(Type.String()),
  closedLoop: Type.Boolean(),
  store: OneOf(STORE_KINDS),
  cassandra: Type.Optional(CassandraTarget),
  storeLatency: Type.Optional(StoreLatencyProfile),
  dumpStatePath: Type.Optional(Type.String()),
  injectStallMs: Type.Optional(Type.Number({ minimum: 0 })),
  benchExecutable: Type.Optional(Type.String()),
});

export const MicroConfigFile = Type.Object({
  contender: Type.String(),
  modulePath: Type.Optional(Type.String()),
  capacity: Type.Integer({ minimum: 1 }),
  timeMs: Type.Number({ minimum: 0 }),
  seed: Type.Integer(),
});

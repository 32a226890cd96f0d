import { type AnyContender, createFrom } from '../../implementations/registry.js';
import type { Scenario } from '../results/scenario-schema.js';
import type { CassandraTarget } from '../store/cassandra-target.js';
import { StoreClient } from '../store/client.js';
import type { StoreLatencyProfile } from '../store/latency-profile.js';
import type { StoreKind } from '../store/protocol.js';
import { WRITE_BACK_BATCH, WRITE_BACK_EVERY_MS } from '../tuning.js';
import type { RequestLog } from '../workload/request-log.js';
import { shareLog } from '../workload/shared-log.js';
import { PartitionedService } from './partitioned-service.js';
import { ReadStateService } from './read-state-service.js';
import { RedisService } from './redis-service.js';
import type { RequestService } from './request-service.js';

/** What a service is built from in the child process that measures it. */
export interface ServiceContext {
  readonly scenario: Scenario;
  readonly store: StoreKind;
  /** The cluster and table of a Cassandra store; every store of the service shares the table. */
  readonly cassandra?: CassandraTarget | undefined;
  /** How long the store takes to answer; undefined: as fast as it can. */
  readonly storeLatency?: StoreLatencyProfile | undefined;
  /** Where stores may put their files (one per store, with a suffix). */
  readonly storePathPrefix: string;
  /** Scenario ms now, on this thread. */
  readonly clock: () => number;
  readonly log: RequestLog;
}

/**
 * The service that runs a contender: the plain service over a cache contender, or the service
 * a service contender's design describes.
 */
export function createService(contender: AnyContender, context: ServiceContext): RequestService {
  const { scenario } = context;
  if (contender.kind === 'cache') {
    return new ReadStateService({
      makeCache: (onEvict) => createFrom(contender, { capacity: scenario.capacity, onEvict }),
      store: storeClientFor(context),
      clock: context.clock,
      writeBackDelayMs: scenario.writeBackDelaySeconds * 1000,
      writeBackEveryMs: WRITE_BACK_EVERY_MS,
      writeBackBatch: WRITE_BACK_BATCH,
    });
  }
  switch (contender.design.kind) {
    case 'worker-partitions':
      return new PartitionedService({
        partitions: contender.design.partitions,
        contender: contender.design.innerCache,
        totalCapacity: scenario.capacity,
        store: context.store,
        cassandra: context.cassandra,
        storeLatency: context.storeLatency,
        storePathPrefix: context.storePathPrefix,
        log: shareLog(context.log),
        timeScale: scenario.timeScale,
        writeBackDelayMs: scenario.writeBackDelaySeconds * 1000,
        writeBackEveryMs: WRITE_BACK_EVERY_MS,
        writeBackBatch: WRITE_BACK_BATCH,
      });
    case 'redis-server':
      return new RedisService({
        persistence: contender.design.persistence,
        capacity: scenario.capacity,
        store: storeClientFor(context),
        clock: context.clock,
        writeBackDelayMs: scenario.writeBackDelaySeconds * 1000,
        writeBackEveryMs: WRITE_BACK_EVERY_MS,
        writeBackBatch: WRITE_BACK_BATCH,
      });
    case 'http-process':
      throw new Error(`${contender.name} is a service in a process of its own, measured over HTTP: use readstate-lab load --impl ${contender.name}`);
  }
}

/** The store a cache or Redis service keeps its read states in, as the run's settings say. */
function storeClientFor(context: ServiceContext): StoreClient {
  return new StoreClient({
    kind: context.store,
    path: `${context.storePathPrefix}.sqlite`,
    cassandra: context.cassandra,
    latency: context.storeLatency,
    latencySeed: context.scenario.seed,
  });
}

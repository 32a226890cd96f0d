import { contenders as cacheContenders, createCache, findContender, UnknownImplementationError } from '../implementations/registry.js';
import { PartitionedService } from './partitioned-service.js';
import { ReadStateService, WRITE_BACK_BATCH, WRITE_BACK_EVERY_MS } from './read-state-service.js';
import type { RequestService } from './request-service.js';
import type { RequestLog } from './request-log.js';
import type { Scenario } from './scenario.js';
import { shareLog } from './shared-log.js';
import { StoreClient } from './store-client.js';
import type { StoreKind } from './store-protocol.js';

/**
 * Partitions of the partitioned service. More than this machine's 2 cores on purpose: each
 * partition's heap is a quarter of the cache, which is what bounds its GC pause, and the
 * oversubscription is part of what the design costs here.
 */
const PARTITIONS = 4;
/** The cache inside each partition: the naive one, whose GC cost partitioning should cut. */
const PARTITIONED_INNER = 'naive-map';

/** What a service is built from in the child process that measures it. */
export interface ServiceContext {
  readonly scenario: Scenario;
  readonly store: StoreKind;
  /** Where stores may put their files (one per store, with a suffix). */
  readonly storePathPrefix: string;
  /** Scenario ms now, on this thread. */
  readonly clock: () => number;
  readonly log: RequestLog;
}

/** A contender of either kind, as listings, the runner and the CLI see it. */
export interface Contender {
  readonly name: string;
  readonly kind: 'cache' | 'service';
  readonly description: string;
  readonly nodeFlags: readonly string[];
  readonly unavailableReason: () => string | undefined;
}

interface ServiceContender extends Contender {
  readonly create: (context: ServiceContext) => RequestService;
}

/** Contenders that are whole services rather than caches run by the plain service. */
const serviceContenders: readonly ServiceContender[] = [
  {
    name: 'partitioned',
    kind: 'service',
    description: `${PARTITIONS} worker threads, each its own V8 heap with a ${PARTITIONED_INNER} cache and store, requests routed by user`,
    nodeFlags: [],
    unavailableReason: () => undefined,
    create: (context) =>
      new PartitionedService({
        partitions: PARTITIONS,
        implementation: PARTITIONED_INNER,
        totalCapacity: context.scenario.capacity,
        store: context.store,
        storePathPrefix: context.storePathPrefix,
        log: shareLog(context.log),
        timeScale: context.scenario.timeScale,
        writeBackDelayMs: context.scenario.writeBackDelaySeconds * 1000,
        writeBackEveryMs: WRITE_BACK_EVERY_MS,
        writeBackBatch: WRITE_BACK_BATCH,
      }),
  },
];

/** Every contender, caches first, in the order reports list them. */
export function allContenders(): Contender[] {
  return [...cacheContenders.map((c) => ({ ...c, kind: 'cache' as const })), ...serviceContenders];
}

export function findAnyContender(name: string): Contender {
  const found = allContenders().find((c) => c.name === name);
  if (found === undefined) {
    throw new UnknownImplementationError(name, allContenders().map((c) => c.name));
  }
  return found;
}

/** The service that runs a contender: its own, or the plain service over the named cache. */
export function createService(name: string, context: ServiceContext): RequestService {
  const service = serviceContenders.find((c) => c.name === name);
  if (service !== undefined) return service.create(context);
  findContender(name);
  return new ReadStateService({
    makeCache: (onEvict) => createCache(name, { capacity: context.scenario.capacity, onEvict }),
    store: new StoreClient({ kind: context.store, path: `${context.storePathPrefix}.sqlite` }),
    clock: context.clock,
    writeBackDelayMs: context.scenario.writeBackDelaySeconds * 1000,
    writeBackEveryMs: WRITE_BACK_EVERY_MS,
    writeBackBatch: WRITE_BACK_BATCH,
  });
}

import { resolve } from 'node:path';
import type { CacheOptions, ContenderInfo, ReadStateCache } from './contract.js';
import { LruCacheCache } from './lru-cache.js';
import { isModulePath, loadModuleContender } from './module-contender.js';
import { NaiveMapCache } from './naive-map.js';
import { NativeCache, nativeUnavailableReason } from './native/native-cache.js';
import { INHEAP_PARTITIONS, PartitionedInHeapCache } from './partitioned-inheap.js';
import { redisUnavailableReason } from './redis-server.js';
import { referenceUnavailableReason } from './reference-services.js';
import { TypedArrayCache } from './typed-array.js';

const alwaysAvailable = (): string | undefined => undefined;

/** Worker threads of the partitioned service. */
const PARTITIONS = 4;

/** Every cache contender, in the order reports list them. */
export const contenders: readonly ContenderInfo[] = [
  {
    name: 'naive-map',
    description: 'Map<"user:channel", object>, LRU by delete-and-set (what most people write first)',
    nodeFlags: [],
    unavailableReason: alwaysAvailable,
    create: (options) => new NaiveMapCache(options),
  },
  {
    name: 'lru-cache',
    description: 'the lru-cache npm package (v11) holding one object per state',
    nodeFlags: [],
    unavailableReason: alwaysAvailable,
    create: (options) => new LruCacheCache(options),
  },
  {
    name: 'typed-array',
    description: 'struct of preallocated typed arrays: open-addressing index, intrusive LRU and dirty lists',
    nodeFlags: [],
    unavailableReason: alwaysAvailable,
    create: (options) => new TypedArrayCache(options),
  },
  {
    name: 'native',
    description: 'a C++ Node-API addon holding every entry outside the V8 heap (same design as typed-array)',
    nodeFlags: [],
    unavailableReason: nativeUnavailableReason,
    create: (options) => new NativeCache(options),
  },
  {
    name: 'partitioned-inheap',
    description: `the partitioned service's routing over ${INHEAP_PARTITIONS} naive-map shards on one heap (the control)`,
    nodeFlags: [],
    unavailableReason: alwaysAvailable,
    lruScope: 'partition',
    create: (options) => new PartitionedInHeapCache(options),
  },
];

/**
 * Contenders that are whole services rather than caches run by the plain service. The harness
 * builds each from its `design`; no contender's name appears in harness logic.
 */
export const serviceContenders: readonly ServiceContenderInfo[] = [
  {
    name: 'partitioned',
    description: `${PARTITIONS} worker threads, each its own V8 heap with a naive-map cache and store, requests routed by user`,
    nodeFlags: [],
    unavailableReason: alwaysAvailable,
    // More partitions than this machine's 2 cores on purpose: each partition's heap holds a
    // quarter of the cache, which is what bounds its GC pause, and the oversubscription is part
    // of what the design costs here. The inner cache is the naive one, whose GC cost
    // partitioning should cut.
    design: { kind: 'worker-partitions', partitions: PARTITIONS, innerCache: 'naive-map' },
  },
  {
    name: 'go-lru',
    description: "Discord's Go service: net/http, a map + container/list LRU of pointers, runtime.GC() every 2 scenario minutes (the Go on this machine)",
    nodeFlags: [],
    unavailableReason: () => referenceUnavailableReason('go-lru', 'Go'),
    design: { kind: 'http-process', binary: 'go-lru' },
  },
  {
    name: 'go-lru-go1.19',
    description: "the same Go service built with Debian's Go 1.19, the Go of Discord's 2020 story",
    nodeFlags: [],
    unavailableReason: () => referenceUnavailableReason('go-lru-go1.19', "Debian's golang-go"),
    design: { kind: 'http-process', binary: 'go-lru-go1.19' },
  },
  {
    name: 'rust-btree',
    description: "Discord's Rust rewrite: tokio + hyper, an LRU keyed by BTreeMaps, no GC",
    nodeFlags: [],
    unavailableReason: () => referenceUnavailableReason('rust-btree', 'cargo'),
    design: { kind: 'http-process', binary: 'rust-btree' },
  },
  {
    name: 'redis',
    description:
      "read states in a redis-server the lab starts on a loopback port (no persistence: --save '' --appendonly no); exact LRU, dirty set and write-back in Lua scripts, one auto-pipelined script call per request; runs only when --impl names it",
    nodeFlags: [],
    unavailableReason: redisUnavailableReason,
    design: { kind: 'redis-server', persistence: 'none' },
    onRequestOnly: true,
  },
  {
    name: 'redis-rdb',
    description:
      'the redis contender with RDB snapshots (--save "1 1"): a fork of the Redis process every second or two under writes; runs only when --impl names it',
    nodeFlags: [],
    unavailableReason: redisUnavailableReason,
    design: { kind: 'redis-server', persistence: 'rdb' },
    onRequestOnly: true,
  },
];

/**
 * How the harness builds a service contender: worker threads in the measuring process, or a
 * reference service's own process (references/), reached over HTTP only.
 */
export type ServiceDesign =
  | { readonly kind: 'worker-partitions'; readonly partitions: number; readonly innerCache: string }
  | { readonly kind: 'http-process'; readonly binary: string }
  /** A Node service whose cache lives in a redis-server it starts (harness/service/redis-service.ts). */
  | { readonly kind: 'redis-server'; readonly persistence: 'none' | 'rdb' };

export interface ServiceContenderInfo {
  readonly name: string;
  readonly description: string;
  readonly nodeFlags: readonly string[];
  readonly unavailableReason: () => string | undefined;
  /**
   * Run only when --impl names it, never in the default comparison: the Redis contenders start
   * a server per row and add minutes to `npm start`, for a question (does moving the data out
   * of process help?) the default run does not ask.
   */
  readonly onRequestOnly?: boolean;
  readonly design: ServiceDesign;
}

/** A contender of either kind, as listings, the runner and the CLI see it. */
export type AnyContender = (ContenderInfo & { readonly kind: 'cache' }) | (ServiceContenderInfo & { readonly kind: 'service' });

/** Every registered contender, caches first, in the order reports list them. */
export function allContenders(): AnyContender[] {
  return [...contenders.map((c) => ({ ...c, kind: 'cache' as const })), ...serviceContenders.map((c) => ({ ...c, kind: 'service' as const }))];
}

/** Names of every registered contender, whether or not it can run here. */
export function knownContenderNames(): string[] {
  return allContenders().map((contender) => contender.name);
}

/** Thrown for a name the registry does not know; its message lists the names it does. */
export class UnknownContenderError extends Error {
  constructor(name: string, known: readonly string[] = knownContenderNames()) {
    super(`unknown contender "${name}"; known: ${known.join(', ')}, or a path to a module that exports createCache`);
    this.name = 'UnknownContenderError';
  }
}

/** A registered contender of either kind, by name. */
export function findAnyContender(name: string): AnyContender {
  const found = allContenders().find((c) => c.name === name);
  if (found === undefined) throw new UnknownContenderError(name);
  return found;
}

/** A registered cache contender, by name. */
export function findContender(name: string): ContenderInfo {
  const contender = contenders.find((candidate) => candidate.name === name);
  if (contender === undefined)
    throw new UnknownContenderError(
      name,
      contenders.map((c) => c.name),
    );
  return contender;
}

/** Creates the named cache; throws when the name is unknown or the contender cannot run here. */
export function createCache(name: string, options: CacheOptions): ReadStateCache {
  return createFrom(findContender(name), options);
}

/** Creates a cache of a contender already found (registered or loaded from a module). */
export function createFrom(contender: ContenderInfo, options: CacheOptions): ReadStateCache {
  const unavailable = contender.unavailableReason();
  if (unavailable !== undefined) throw new Error(`${contender.name} is unavailable: ${unavailable}`);
  return contender.create(options);
}

/**
 * The contender an `--impl` value names: a registered name, or the path of a module that
 * exports createCache (implementations/module-contender.ts).
 */
export async function resolveContender(reference: string): Promise<AnyContender & { readonly modulePath?: string }> {
  if (!isModulePath(reference)) return findAnyContender(reference);
  return { ...(await loadModuleContender(reference)), kind: 'cache', modulePath: resolve(reference) };
}

import type { CacheOptions, ContenderInfo, ReadStateCache } from './contract.js';
import { LruCacheCache } from './lru-cache.js';
import { NaiveMapCache } from './naive-map.js';
import { NativeCache, nativeUnavailableReason } from './native/native-cache.js';
import { INHEAP_PARTITIONS, PartitionedInHeapCache } from './partitioned-inheap.js';
import { TypedArrayCache } from './typed-array.js';

const alwaysAvailable = (): string | undefined => undefined;

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

/** Names of every registered cache contender, whether or not it can run here. */
export function implementationNames(): string[] {
  return contenders.map((contender) => contender.name);
}

/** Thrown for a name the registry does not know; its message lists the names it does. */
export class UnknownImplementationError extends Error {
  constructor(name: string, known: readonly string[] = implementationNames()) {
    super(`unknown implementation "${name}"; known: ${known.join(', ')}`);
    this.name = 'UnknownImplementationError';
  }
}

export function findContender(name: string): ContenderInfo {
  const contender = contenders.find((candidate) => candidate.name === name);
  if (contender === undefined) throw new UnknownImplementationError(name);
  return contender;
}

/** Creates the named cache; throws when the name is unknown or the contender cannot run here. */
export function createCache(name: string, options: CacheOptions): ReadStateCache {
  const contender = findContender(name);
  const unavailable = contender.unavailableReason();
  if (unavailable !== undefined) throw new Error(`${name} is unavailable: ${unavailable}`);
  return contender.create(options);
}

export type {
  CacheOptions,
  ContenderInfo,
  ReadState,
  ReadStateCache,
  StateSink,
} from './contract.js';
export { emptyState, freshState } from './contract.js';
export { contenders, createCache, createFrom, knownContenderNames, resolveContender } from './registry.js';

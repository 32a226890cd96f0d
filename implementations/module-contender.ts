import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CacheOptions, ContenderInfo, ReadStateCache } from './contract.js';

/**
 * Bring your own contender: a module, named by its path, that exports
 * `createCache(options: CacheOptions): ReadStateCache` (implementations/contract.ts). It runs
 * under the same harness and checks as the built-in caches, named after its file.
 */

/** True when an `--impl` value names a module file rather than a registered contender. */
export function isModulePath(reference: string): boolean {
  return reference.includes('/') || /\.(c|m)?(j|t)s$/.test(reference);
}

/** The name a module contender appears under in reports: its file name without extension. */
export function moduleContenderName(path: string): string {
  return basename(path, extname(path));
}

/** Thrown when a module cannot serve as a contender; the message says why in one line. */
export class ModuleContenderError extends Error {
  override name = 'ModuleContenderError';
}

/** Loads the module at `path` and checks that it exports a `createCache` function. */
export async function loadModuleContender(path: string): Promise<ContenderInfo> {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new ModuleContenderError(`contender module ${path} does not exist`);
  let exported: unknown;
  try {
    exported = await import(pathToFileURL(absolute).href);
  } catch (error) {
    throw new ModuleContenderError(`contender module ${path} did not load: ${messageOf(error).split('\n')[0]}`);
  }
  // A module namespace is an object; the check only tells TypeScript so.
  if (typeof exported !== 'object' || exported === null) throw new ModuleContenderError(`contender module ${path} did not load: no module namespace`);
  const create = 'createCache' in exported ? exported.createCache : undefined;
  if (!isFunction(create)) {
    throw new ModuleContenderError(
      `contender module ${path} must export a function createCache(options); it exports ${Object.keys(exported).join(', ') || 'nothing'}`,
    );
  }
  checkContract(path, create);
  return {
    name: moduleContenderName(absolute),
    description: `your module ${absolute}`,
    nodeFlags: [],
    unavailableReason: () => undefined,
    create: (options: CacheOptions) => asCache(path, create(options)),
  };
}

/** Every method of ReadStateCache (contract.ts): a module missing one would fail its row mid-run. */
const CONTRACT_METHODS = ['read', 'ack', 'mention', 'insert', 'drainDue', 'forEach', 'offHeapBytes', 'close'] as const;
/** Small enough that building one to look at costs nothing. */
const PROBE_CAPACITY = 16;

/**
 * Builds one small cache and looks for every method and field of the contract, so that a module
 * missing one is refused in one line before any row runs, not halfway through a measurement.
 */
function checkContract(path: string, create: (options: CacheOptions) => unknown): void {
  let cache: unknown;
  try {
    cache = create({ capacity: PROBE_CAPACITY });
  } catch (error) {
    throw new ModuleContenderError(`contender module ${path}: createCache({ capacity: ${PROBE_CAPACITY} }) threw: ${messageOf(error).split('\n')[0]}`);
  }
  if (typeof cache !== 'object' || cache === null) {
    throw new ModuleContenderError(`contender module ${path}: createCache must return a cache object, returned ${cache === null ? 'null' : typeof cache}`);
  }
  const missing = missingMembers(cache);
  if (missing.length > 0) {
    throw new ModuleContenderError(`contender module ${path} does not implement the contract (implementations/contract.ts): missing ${missing.join(', ')}`);
  }
  const close: unknown = Reflect.get(cache, 'close');
  if (isFunction(close)) close.call(cache);
}

/** The contract's methods and fields that `cache` lacks. */
function missingMembers(cache: object): string[] {
  const missing: string[] = CONTRACT_METHODS.filter((method) => typeof Reflect.get(cache, method) !== 'function');
  for (const field of ['size', 'capacity']) if (typeof Reflect.get(cache, field) !== 'number') missing.push(field);
  return missing;
}

/** What a module's createCache returned, checked for the contract's members as the probe was. */
function asCache(path: string, cache: unknown): ReadStateCache {
  if (!isReadStateCache(cache)) throw new ModuleContenderError(`contender module ${path}: createCache returned something that does not implement the contract`);
  return cache;
}

function isReadStateCache(cache: unknown): cache is ReadStateCache {
  return typeof cache === 'object' && cache !== null && missingMembers(cache).length === 0;
}

function isFunction(value: unknown): value is (...args: unknown[]) => unknown {
  return typeof value === 'function';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

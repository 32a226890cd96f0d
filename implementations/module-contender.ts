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
  let exported: Record<string, unknown>;
  try {
    exported = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ModuleContenderError(`contender module ${path} did not load: ${(error as Error).message.split('\n')[0]}`);
  }
  const create = exported['createCache'];
  if (typeof create !== 'function') {
    throw new ModuleContenderError(
      `contender module ${path} must export a function createCache(options); it exports ${Object.keys(exported).join(', ') || 'nothing'}`,
    );
  }
  checkContract(path, create as (options: CacheOptions) => unknown);
  return {
    name: moduleContenderName(absolute),
    description: `your module ${absolute}`,
    nodeFlags: [],
    unavailableReason: () => undefined,
    create: (options: CacheOptions) => create(options) as ReadStateCache,
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
    throw new ModuleContenderError(`contender module ${path}: createCache({ capacity: ${PROBE_CAPACITY} }) threw: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof cache !== 'object' || cache === null) {
    throw new ModuleContenderError(`contender module ${path}: createCache must return a cache object, returned ${cache === null ? 'null' : typeof cache}`);
  }
  const object = cache as Record<string, unknown>;
  const missing: string[] = CONTRACT_METHODS.filter((method) => typeof object[method] !== 'function');
  for (const field of ['size', 'capacity']) if (typeof object[field] !== 'number') missing.push(field);
  if (missing.length > 0) {
    throw new ModuleContenderError(`contender module ${path} does not implement the contract (implementations/contract.ts): missing ${missing.join(', ')}`);
  }
  (object['close'] as () => void).call(cache);
}

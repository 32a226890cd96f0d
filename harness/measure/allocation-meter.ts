import { GCProfiler, getHeapSpaceStatistics } from 'node:v8';
import type { AllocationFigures } from '../results/schema.js';

/** Used bytes per heap space, by space name. */
type SpaceUse = Map<string, number>;

interface ProfiledSpace {
  readonly spaceName: string;
  readonly spaceUsedSize: number;
}

interface ProfiledGc {
  readonly gcType: string;
  readonly beforeGC: { readonly heapSpaceStatistics: readonly ProfiledSpace[] };
  readonly afterGC: { readonly heapSpaceStatistics: readonly ProfiledSpace[] };
}

/**
 * Bytes this thread allocates on its JS heap between start and stop, and the GCs it takes.
 * v8.GCProfiler records heap statistics before and after every GC from V8's GC callbacks into a
 * buffer outside the JS heap, so metering adds nothing to what it meters; the bytes allocated
 * between two GCs are, per space, used bytes before the later minus used bytes after the
 * earlier (see AllocationFigures in results/schema.ts for what that misses).
 */
export class AllocationMeter {
  readonly #profiler = new GCProfiler();
  readonly #start: SpaceUse;

  constructor() {
    this.#start = currentUse();
    this.#profiler.start();
  }

  /**
   * Stops metering; `requests` is how many requests were answered meanwhile, `misses` (when the
   * service counts them) how many cache operations waited for the store.
   */
  stop(requests: number, misses?: number): AllocationFigures {
    const end = currentUse();
    // Typed as always a result; Node returns undefined from a profiler that did not start.
    const profile: { statistics?: readonly ProfiledGc[] } | undefined = this.#profiler.stop();
    const gcs = profile?.statistics ?? [];
    let bytes = 0;
    let previous = this.#start;
    for (const gc of gcs) {
      bytes += grownBetween(previous, profiledUse(gc.beforeGC.heapSpaceStatistics));
      previous = profiledUse(gc.afterGC.heapSpaceStatistics);
    }
    bytes += grownBetween(previous, end);
    const scavenges = gcs.filter((gc) => gc.gcType === 'Scavenge' || gc.gcType === 'MinorMarkCompact').length;
    const majorGcs = gcs.filter((gc) => gc.gcType === 'MarkSweepCompact').length;
    return {
      bytes,
      requests,
      bytesPerRequest: requests === 0 ? 0 : bytes / requests,
      scavenges,
      scavengesPer100k: requests === 0 ? 0 : (scavenges / requests) * 100_000,
      majorGcs,
      ...(misses === undefined ? {} : { misses, bytesPerMiss: misses === 0 ? Number.NaN : bytes / misses }),
    };
  }
}

function currentUse(): SpaceUse {
  return new Map(getHeapSpaceStatistics().map((space) => [space.space_name, space.space_used_size]));
}

function profiledUse(spaces: readonly ProfiledSpace[]): SpaceUse {
  return new Map(spaces.map((space) => [space.spaceName, space.spaceUsedSize]));
}

/** Bytes added to every space from `before` to `after`; a space that shrank adds nothing. */
function grownBetween(before: SpaceUse, after: SpaceUse): number {
  let grown = 0;
  for (const [space, used] of after) grown += Math.max(0, used - (before.get(space) ?? 0));
  return grown;
}

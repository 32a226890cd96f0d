import type { Results } from '../results/schema.js';
import { labelsNeedRuntime, type Runtime, runtimeVersion } from '../runtimes/locate.js';

/**
 * The fields a row config takes from its runtime: the runtime always, and a series label of
 * its own ("naive-map · node22") when the run has several runtimes or one that is not the
 * system Node, so that every table and chart tells the runtimes apart.
 */
export function runtimeFields(contender: string, runtime: Runtime, all: readonly Runtime[]): { runtime: string; label?: string } {
  return labelsNeedRuntime(all) ? { runtime: runtime.name, label: `${contender} · ${runtime.name}` } : { runtime: runtime.name };
}

/** Results with the version of every runtime the rows ran on, in the environment. */
export function withRuntimeVersions<T extends Pick<Results, 'environment'>>(results: T, runtimes: readonly Runtime[]): T {
  return {
    ...results,
    environment: { ...results.environment, runtimes: runtimes.map((runtime) => ({ name: runtime.name, version: runtimeVersion(runtime) })) },
  };
}

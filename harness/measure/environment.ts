import { cpus, totalmem } from 'node:os';
import { packageVersion } from '../package-root.js';
import type { Environment } from '../results/schema.js';
import { BASE_NODE_FLAGS } from '../tuning.js';

/** The machine and runtime a run measured on, enough to tell two results files apart. */
export function describeEnvironment(extraNodeFlags: readonly string[]): Environment {
  const cpuList = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cpuCount: cpuList.length,
    totalMemoryBytes: totalmem(),
    labVersion: packageVersion(),
    nodeFlags: [...BASE_NODE_FLAGS, ...extraNodeFlags],
  };
}

import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { RUNTIMES, runtimeNames, systemRuntimeName } from './catalog.js';
import { findRuntime, installFolder, type Runtime } from './locate.js';

function definitionOf(name: string): (typeof RUNTIMES)[number] {
  const definition = RUNTIMES.find((runtime) => runtime.name === name);
  if (definition === undefined) throw new UsageError(`unknown runtime "${name}"; runtimes: ${runtimeNames().join(', ')}`);
  return definition;
}

/**
 * Installs one runtime with npm into its own folder of the runtimes cache: a prebuilt package
 * without install scripts, so nothing is built and nothing runs. Throws (one line) when npm fails.
 */
export function installRuntime(name: string): Runtime {
  if (name === systemRuntimeName()) throw new UsageError(`${name} is the system Node that runs the lab: nothing to install`);
  const definition = definitionOf(name);
  const folder = installFolder(name);
  const spec = `${definition.npmPackage}@${definition.npmVersion}`;
  const result = spawnSync('npm', ['install', '--prefix', folder, '--no-audit', '--no-fund', '--ignore-scripts', spec], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 600_000,
  });
  if (result.status !== 0) {
    const said = `${result.stderr ?? ''}`
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .pop();
    throw new Error(`npm install ${spec} failed: ${said ?? result.error?.message ?? `exit ${result.status}`}`);
  }
  const runtime = findRuntime(name);
  if (runtime === undefined) throw new Error(`npm installed ${spec} into ${folder}, but its executable is not where expected`);
  return runtime;
}

/** Removes an installed runtime's folder; false when it was not installed. */
export function removeRuntime(name: string): boolean {
  if (name === systemRuntimeName()) throw new UsageError(`${name} is the system Node that runs the lab: the lab does not remove it`);
  definitionOf(name);
  const installed = findRuntime(name) !== undefined;
  rmSync(installFolder(name), { recursive: true, force: true });
  return installed;
}

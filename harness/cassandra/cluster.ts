/**
 * The running Cassandra cluster that `readstate-lab cassandra start` left behind, read from its
 * files under the lab's cache folder, for any code that talks to it (the stores, the GC reader).
 *
 *   import { cassandraContactPoints, clusterStatus, CASSANDRA_KEYSPACE } from '../cassandra/cluster.js';
 *   const points = cassandraContactPoints();        // ['127.0.0.1'] or the three; throws a UsageError when none is up
 *   const cluster = clusterStatus();                // undefined when never started; else nodes, heap, gc and each member
 *   for (const member of cluster?.members ?? []) console.log(member.address, member.pid, member.alive, member.gcLogPath);
 *
 * Every node listens for CQL on CQL_PORT of its own address (127.0.0.1, .2, .3), in the data
 * centre LOCAL_DATA_CENTER (what cassandra-driver's `localDataCenter` must name), and holds the
 * table CASSANDRA_KEYSPACE.CASSANDRA_TABLE, whose columns are the SQLite store's.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { labCacheRoot } from '../runtimes/locate.js';

export const CASSANDRA_VERSION = '5.0.6';
export const CQL_PORT = 9042;
export const STORAGE_PORT = 7000;
export const LOCAL_DATA_CENTER = 'datacenter1';
export const CASSANDRA_KEYSPACE = 'readstate_lab';
export const CASSANDRA_TABLE = 'read_states';

export type CassandraGc = 'g1' | 'zgc';

/** What `start` was asked for: the shape a second `start` compares itself with. */
export interface ClusterShape {
  readonly nodes: 1 | 3;
  /** The JVM heap of each node, as -Xmx takes it ("1g", "768m"). */
  readonly heap: string;
  readonly gc: CassandraGc;
}

/** One node's files and process. */
export interface CassandraMember {
  /** 1, 2 or 3. */
  readonly index: number;
  readonly address: string;
  readonly directory: string;
  readonly logPath: string;
  /** The JVM's unified GC log (-Xlog:gc*), read by the lab's JVM GC log reader. */
  readonly gcLogPath: string;
  readonly pidFile: string;
  /** The JVM's pid from its pid file, when there is one. */
  readonly pid: number | undefined;
  /** The pid names a live Cassandra JVM (not merely some process that reused the number). */
  readonly alive: boolean;
}

export interface CassandraCluster extends ClusterShape {
  readonly startedAt: string;
  readonly members: readonly CassandraMember[];
  /** The replication factor of the keyspace: 1 for one node, 3 for three. */
  readonly replication: number;
}

/**
 * ~/.cache/readstate-lab/cassandra: the jars' classpath, the cluster file and one folder per
 * node; $READSTATE_LAB_CASSANDRA_ROOT names another, for a second cluster beside the first.
 */
export function cassandraRoot(): string {
  const fromEnv = process.env.READSTATE_LAB_CASSANDRA_ROOT;
  return fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : cassandraCacheFolder();
}

/** ~/.cache/readstate-lab/cassandra, where the jars stay whichever cluster uses them. */
export function cassandraCacheFolder(): string {
  return join(labCacheRoot(), 'cassandra');
}

/**
 * The address node `index` (1-based) listens on: 127.0.0.1, .2, .3, since all of 127/8 is
 * loopback on Linux. $READSTATE_LAB_CASSANDRA_FIRST_HOST (127.0.0.N) moves the cluster up, so a
 * second one (a test's) has ports of its own beside the lab's.
 */
export function nodeAddress(index: number): string {
  const first = Number(/^127\.0\.0\.(\d+)$/.exec(process.env.READSTATE_LAB_CASSANDRA_FIRST_HOST ?? '')?.[1] ?? 1);
  return `127.0.0.${first + index - 1}`;
}

/** Node `index`'s folder and the files in it. */
export function memberFiles(index: number): Omit<CassandraMember, 'pid' | 'alive'> {
  const directory = join(cassandraRoot(), `node${index}`);
  return {
    index,
    address: nodeAddress(index),
    directory,
    logPath: join(directory, 'node.log'),
    gcLogPath: join(directory, 'gc.log'),
    pidFile: join(directory, 'cassandra.pid'),
  };
}

function clusterFile(): string {
  return join(cassandraRoot(), 'cluster.json');
}

/** Records what `start` started; `clusterStatus` reads it back. */
export function writeClusterShape(shape: ClusterShape): void {
  writeFileSync(clusterFile(), `${JSON.stringify({ ...shape, startedAt: new Date().toISOString() }, null, 2)}\n`);
}

/** Forgets the cluster (after `stop`). */
export function removeClusterShape(): void {
  rmSync(clusterFile(), { force: true });
}

/** Whether `pid` is a running Cassandra JVM, judged by its command line. */
export function isCassandraProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('CassandraDaemon');
  } catch {
    return false;
  }
}

function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** One node as its pid file says it is now. */
export function readMember(index: number): CassandraMember {
  const files = memberFiles(index);
  const pid = readPid(files.pidFile);
  return { ...files, pid, alive: pid !== undefined && isCassandraProcess(pid) };
}

/** The cluster `start` last started, each member with its process state; undefined when none was started (or it was stopped). */
export function clusterStatus(): CassandraCluster | undefined {
  if (!existsSync(clusterFile())) return undefined;
  let recorded: unknown;
  try {
    recorded = JSON.parse(readFileSync(clusterFile(), 'utf8'));
  } catch {
    return undefined;
  }
  // A file this module wrote, unless someone edited it: one that does not read as ours is no cluster,
  // so `start` writes a new one.
  if (!isClusterRecord(recorded)) return undefined;
  const nodes = recorded.nodes;
  const members = Array.from({ length: nodes }, (_, at) => readMember(at + 1));
  return { nodes, heap: recorded.heap, gc: recorded.gc, startedAt: recorded.startedAt, members, replication: nodes };
}

function isClusterRecord(value: unknown): value is ClusterShape & { startedAt: string } {
  if (typeof value !== 'object' || value === null) return false;
  const record: Record<string, unknown> = { ...value };
  return (
    (record.nodes === 1 || record.nodes === 3) &&
    typeof record.heap === 'string' &&
    (record.gc === 'g1' || record.gc === 'zgc') &&
    typeof record.startedAt === 'string'
  );
}

/** The addresses of the running nodes, for a driver's contact points; one line telling how to start one when none runs. */
export function cassandraContactPoints(): string[] {
  const alive = (clusterStatus()?.members ?? []).filter((member) => member.alive).map((member) => member.address);
  if (alive.length === 0) throw new UsageError('no Cassandra is running: start one with readstate-lab cassandra start');
  return alive;
}

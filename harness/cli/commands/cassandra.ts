import { readFileSync } from 'node:fs';
import { type CassandraCluster, type CassandraGc, type ClusterShape, cassandraRoot, clusterStatus } from '../../cassandra/cluster.js';
import { cqlAnswers } from '../../cassandra/cql-probe.js';
import { describeShape, startCluster, stopCluster } from '../../cassandra/lifecycle.js';
import { schemaExists } from '../../cassandra/schema.js';
import { UsageError } from '../../errors.js';
import { isOneOf } from '../../json-input.js';
import { formatBytes } from '../../report/format.js';
import { CommandFlags } from '../flags.js';

const cassandraFlags = new CommandFlags(['nodes', 'heap', 'gc', 'help'], {});

export const cassandraHelp = `readstate-lab cassandra: start, inspect or stop the lab's own Cassandra (one node or three)

Usage: readstate-lab cassandra start [--nodes 1|3] [--heap SIZE] [--gc g1|zgc]
       readstate-lab cassandra status
       readstate-lab cassandra stop

${cassandraFlags.help()}

start resolves Cassandra 5.0.6 from Maven Central with mvn (once), starts each node detached
with its GC log on (-Xlog:gc*), waits until CQL answers on port 9042 and creates the keyspace
readstate_lab (replication 1, or 3 for three nodes) with its table read_states. Every start is
a fresh database. Needs Java 17 and mvn. Everything lives in
  ${cassandraRoot()}
(node1/ holds node.log, gc.log, cassandra.pid and the data). A start of the same shape as the
running cluster says so and exits 0. stop sends SIGTERM, and SIGKILL after 10 s.
status exits 0 when every node answers CQL, 1 otherwise; every command exits 2 on bad input.`;

const NODE_COUNTS = ['1', '3'];
const GCS: readonly CassandraGc[] = ['g1', 'zgc'];
/** Cassandra 5.0 does not start in less, and a heap beyond a quarter of this machine's memory starves the services it serves. */
const HEAP_RANGE_MB = { min: 512, max: 8192 };

/** The shape `start` asks for, every flag checked before anything starts. */
export function shapeOf(values: { nodes?: string; heap?: string; gc?: string }): ClusterShape {
  const nodes = values.nodes ?? '1';
  if (!NODE_COUNTS.includes(nodes)) throw new UsageError(`--nodes must be 1 or 3, got "${nodes}"`);
  const gc = values.gc ?? 'g1';
  if (!isOneOf(GCS, gc)) throw new UsageError(`--gc must be g1 or zgc, got "${gc}"`);
  const heap = (values.heap ?? (nodes === '3' ? '768m' : '1g')).toLowerCase();
  const match = /^(\d+)([mg])$/.exec(heap);
  const megabytes = match === null ? Number.NaN : Number(match[1]) * (match[2] === 'g' ? 1024 : 1);
  if (!(megabytes >= HEAP_RANGE_MB.min && megabytes <= HEAP_RANGE_MB.max)) {
    throw new UsageError(`--heap must be a size from ${HEAP_RANGE_MB.min}m to ${HEAP_RANGE_MB.max / 1024}g such as 768m or 1g, got "${values.heap}"`);
  }
  return { nodes: nodes === '3' ? 3 : 1, heap, gc };
}

export async function cassandraCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  // The action comes first; a command line that starts with a flag is read whole, so an unknown one is named as such.
  const startsWithFlag = args[0]?.startsWith('-') ?? false;
  const action = startsWithFlag ? undefined : args[0];
  const rest = startsWithFlag ? args : args.slice(1);
  const values = cassandraFlags.parse(rest, 'cassandra');
  if (values.help) {
    print(cassandraHelp);
    return 0;
  }
  switch (action) {
    case 'start':
      return start(shapeOf(values), print);
    case 'status':
    case 'stop':
      if (values.nodes !== undefined || values.heap !== undefined || values.gc !== undefined) {
        throw new UsageError(`cassandra ${action} takes no --nodes, --heap or --gc; they belong to start`);
      }
      return action === 'status' ? status(print) : stop(print);
    case undefined:
      throw new UsageError('cassandra needs an action: start, status or stop (see readstate-lab cassandra --help)');
    default:
      throw new UsageError(`unknown cassandra action "${action}"; actions: start, status, stop`);
  }
}

async function start(shape: ClusterShape, print: (line: string) => void): Promise<number> {
  const began = Date.now();
  const outcome = await startCluster(shape, print);
  if (outcome === 'running') {
    print(`Cassandra is already running with that shape (${describeShape(shape)}); nothing to do`);
    return 0;
  }
  print(`Cassandra up in ${((Date.now() - began) / 1000).toFixed(1)} s: keyspace readstate_lab, table read_states`);
  return status(print);
}

function residentBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kilobytes = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kilobytes === undefined ? undefined : Number(kilobytes) * 1024;
  } catch {
    return undefined;
  }
}

async function status(print: (line: string) => void): Promise<number> {
  const cluster: CassandraCluster | undefined = clusterStatus();
  if (cluster === undefined) {
    print('no Cassandra is running (start one with readstate-lab cassandra start)');
    return 1;
  }
  print(`Cassandra ${describeShape(cluster)}, started ${cluster.startedAt}`);
  const answering: string[] = [];
  for (const member of cluster.members) {
    const cql = member.alive && (await cqlAnswers(member.address));
    if (cql) answering.push(member.address);
    const rss = residentBytes(member.alive ? member.pid : undefined);
    print(
      `  ${member.address}  pid ${member.pid ?? '-'}  ${member.alive ? 'up' : 'down'}  CQL ${cql ? 'answering' : 'not answering'}` +
        `  heap ${cluster.heap}  gc ${cluster.gc}  resident ${rss === undefined ? '-' : formatBytes(rss)}  gc log ${member.gcLogPath}`,
    );
  }
  if (answering.length > 0) {
    const present = await schemaExists(answering).catch(() => false);
    print(`  table readstate_lab.read_states: ${present ? 'present' : 'missing'}`);
  }
  return answering.length === cluster.members.length ? 0 : 1;
}

async function stop(print: (line: string) => void): Promise<number> {
  const outcomes = await stopCluster(print);
  if (outcomes.length === 0) print('no Cassandra was running; nothing to stop');
  return 0;
}

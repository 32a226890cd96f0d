/**
 * One node's configuration: its cassandra.yaml, its logging, and the java command line that
 * starts it in the foreground (the lab detaches it itself), with the JVM's GC log on.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CassandraGc, type ClusterShape, CQL_PORT, memberFiles, nodeAddress, STORAGE_PORT } from './cluster.js';

/** Java 17 closes the JDK internals Cassandra 5.0 uses; this is its own jvm17-server.options list. */
const JAVA17_OPENINGS: readonly string[] = [
  ...['java.base/jdk.internal.misc', 'java.base/jdk.internal.ref', 'java.base/sun.nio.ch', 'java.management.rmi/com.sun.jmx.remote.internal.rmi']
    .concat(['java.rmi/sun.rmi.registry', 'java.rmi/sun.rmi.server', 'java.sql/java.sql'])
    .map((module) => `--add-exports=${module}=ALL-UNNAMED`),
  ...[
    'java.lang.module',
    'jdk.internal.loader',
    'jdk.internal.ref',
    'jdk.internal.reflect',
    'jdk.internal.math',
    'jdk.internal.module',
    'jdk.internal.util.jar',
    'sun.nio.ch',
    'java.io',
    'java.nio',
    'java.util',
    'java.util.concurrent',
    'java.util.concurrent.atomic',
    'java.lang',
    'java.math',
    'java.lang.reflect',
    'java.net',
  ].map((pkg) => `--add-opens=java.base/${pkg}=ALL-UNNAMED`),
  '--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED',
];

const GC_FLAGS: Record<CassandraGc, readonly string[]> = {
  g1: ['-XX:+UseG1GC'],
  zgc: ['-XX:+UseZGC'],
};

/** Node `index`'s token, so three nodes split the Murmur3 ring evenly whatever order they start in. */
function initialToken(index: number, nodes: number): string {
  return (-(2n ** 63n) + (BigInt(index - 1) * 2n ** 64n) / BigInt(nodes)).toString();
}

/**
 * auto_snapshot is off because the lab drops a table after every row it checked: Cassandra would
 * otherwise keep a snapshot of each dropped table on disk until the node is wiped.
 */
function yaml(index: number, nodes: number, directory: string): string {
  const address = nodeAddress(index);
  return `cluster_name: readstate-lab
num_tokens: 1
initial_token: ${initialToken(index, nodes)}
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
auto_bootstrap: false
commitlog_sync: periodic
commitlog_sync_period: 10000ms
data_file_directories: [${join(directory, 'data')}]
commitlog_directory: ${join(directory, 'commitlog')}
saved_caches_directory: ${join(directory, 'saved_caches')}
hints_directory: ${join(directory, 'hints')}
cdc_raw_directory: ${join(directory, 'cdc_raw')}
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "${nodeAddress(1)}:${STORAGE_PORT}"
listen_address: ${address}
rpc_address: ${address}
storage_port: ${STORAGE_PORT}
native_transport_port: ${CQL_PORT}
endpoint_snitch: SimpleSnitch
auto_snapshot: false
start_native_transport: true
`;
}

/** Cassandra logs through logback, which without a file of its own would log every DEBUG line. */
const LOGBACK = `<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT" /></root>
</configuration>
`;

/**
 * Wipes node `index`'s folder and writes its configuration: every start is a fresh database,
 * so a cluster of another size never inherits a ring or a keyspace it did not make.
 */
export function prepareNode(index: number, shape: ClusterShape): void {
  const { directory } = memberFiles(index);
  rmSync(directory, { recursive: true, force: true });
  for (const folder of ['data', 'commitlog', 'saved_caches', 'hints', 'cdc_raw']) mkdirSync(join(directory, folder), { recursive: true });
  writeFileSync(join(directory, 'cassandra.yaml'), yaml(index, shape.nodes, directory));
  writeFileSync(join(directory, 'logback.xml'), LOGBACK);
}

/** The java arguments that start node `index` in the foreground. */
export function javaArguments(index: number, shape: ClusterShape, classpath: string): string[] {
  const { directory, gcLogPath } = memberFiles(index);
  const clustered = shape.nodes > 1 ? ['-Dcassandra.ring_delay_ms=1000', '-Dcassandra.skip_wait_for_gossip_to_settle=0'] : [];
  return [
    `-Xms${shape.heap}`,
    `-Xmx${shape.heap}`,
    ...GC_FLAGS[shape.gc],
    // filecount=0: one file that never rotates, so a byte offset taken before a run stays valid.
    `-Xlog:gc*:file=${gcLogPath}:time,uptime,level,tags:filecount=0`,
    '-Xss256k',
    // A node out of memory stops rather than serve from a corrupted state.
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.net.preferIPv4Stack=true',
    ...JAVA17_OPENINGS,
    `-Dcassandra.config=file://${join(directory, 'cassandra.yaml')}`,
    `-Dlogback.configurationFile=${join(directory, 'logback.xml')}`,
    `-Dcassandra.logdir=${directory}`,
    `-Dcassandra.storagedir=${directory}`,
    '-Dcassandra-foreground=yes',
    ...clustered,
    '-cp',
    classpath,
    'org.apache.cassandra.service.CassandraDaemon',
  ];
}

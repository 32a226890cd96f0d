import { CASSANDRA_KEYSPACE, CASSANDRA_TABLE, cassandraContactPoints, clusterStatus, LOCAL_DATA_CENTER } from '../cassandra/cluster.js';
import { UsageError } from '../errors.js';
import { type CassandraTarget, consistencyFor } from '../store/cassandra-target.js';
import { STORE_KINDS, type StoreKind } from '../store/protocol.js';

/** What --store chose: a kind, and for Cassandra the cluster and table. */
export interface StoreChoice {
  readonly store: StoreKind;
  readonly cassandra?: CassandraTarget | undefined;
}

/** A host name or address, with a port or not: what a contact point may be. */
const HOST = /^[A-Za-z0-9][A-Za-z0-9.-]*(:\d{1,5})?$/;

/**
 * Reads --store: sqlite, memory, or cassandra[:HOST,...]. Without hosts, Cassandra is the lab's
 * running cluster (readstate-lab cassandra start), and none running is one line. The
 * consistency follows the cluster's size: ONE for one node, QUORUM for three (clusterSizeOf).
 */
export function parseStoreFlag(given: string): StoreChoice {
  const [givenKind, hostList] = splitOnce(given);
  const kind = STORE_KINDS.find((known) => known === givenKind);
  if (kind === undefined) throw new UsageError(`--store must be one of sqlite, memory, cassandra[:HOST,...], got "${given}"`);
  if (kind !== 'cassandra') {
    if (hostList !== undefined) throw new UsageError(`--store ${kind} takes no hosts, got "${given}"`);
    return { store: kind };
  }
  const hosts = hostList === undefined ? cassandraContactPoints() : hostList.split(',');
  const bad = hosts.find((host) => !HOST.test(host));
  if (bad !== undefined) throw new UsageError(`--store cassandra:HOST,... needs host names or addresses, got "${bad}" in "${given}"`);
  const nodes = clusterSizeOf(hosts);
  return {
    store: 'cassandra',
    cassandra: {
      contactPoints: hosts,
      localDataCenter: LOCAL_DATA_CENTER,
      keyspace: CASSANDRA_KEYSPACE,
      table: CASSANDRA_TABLE,
      consistency: consistencyFor(nodes),
    },
  };
}

/**
 * How many nodes the named hosts belong to: the lab's cluster's size when they are its nodes,
 * else as many as are named (three hosts of another cluster are QUORUM even while the lab's one
 * node runs).
 */
function clusterSizeOf(hosts: readonly string[]): number {
  const lab = clusterStatus();
  const labAddresses = new Set(lab?.members.map((member) => member.address));
  const named = hosts.map((host) => host.replace(/:\d+$/, ''));
  return lab !== undefined && named.every((host) => labAddresses.has(host)) ? lab.nodes : hosts.length;
}

function splitOnce(given: string): [string, string | undefined] {
  const at = given.indexOf(':');
  return at === -1 ? [given, undefined] : [given.slice(0, at), given.slice(at + 1)];
}

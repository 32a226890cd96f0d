/**
 * Where a Cassandra store keeps its read states: which nodes to contact, which table, and how
 * many replicas must answer. It travels to the store worker (and to a run's child process) as
 * plain data, so it holds no client.
 */
export interface CassandraTarget {
  /** host or host:port of each node the driver contacts first; it finds the rest itself. */
  readonly contactPoints: readonly string[];
  /** The data centre the driver prefers; a lab cluster has one. */
  readonly localDataCenter: string;
  readonly keyspace: string;
  readonly table: string;
  /**
   * ONE on a single node; QUORUM on three, so that a read and a write always meet on one
   * replica (2 + 2 > 3) and a load sees every write-back acknowledged before it.
   */
  readonly consistency: 'one' | 'quorum';
}

/** The keyspace and table every service of the lab writes, whatever its language. */
export const LAB_KEYSPACE = 'readstate_lab';
export const LAB_TABLE = 'read_states';
/** What Cassandra names the data centre of a node whose snitch says nothing else. */
export const DEFAULT_DATA_CENTER = 'datacenter1';

/** The consistency a cluster of `nodes` nodes needs for a load to see every acknowledged write. */
export function consistencyFor(nodes: number): CassandraTarget['consistency'] {
  return nodes >= 3 ? 'quorum' : 'one';
}

/** The target with another table of the same keyspace. */
export function withTable(target: CassandraTarget, table: string): CassandraTarget {
  return { ...target, table };
}

/** "cassandra at 127.0.0.1 (readstate_lab.read_states, ONE)": for progress lines and errors. */
export function describeCassandraTarget(target: CassandraTarget): string {
  return `cassandra at ${target.contactPoints.join(',')} (${target.keyspace}.${target.table}, ${target.consistency.toUpperCase()})`;
}

import { CASSANDRA_KEYSPACE, CASSANDRA_TABLE, clusterStatus, LOCAL_DATA_CENTER } from '../../harness/cassandra/cluster.js';
import { type CassandraTarget, consistencyFor } from '../../harness/store/cassandra-target.js';

/**
 * The lab's running Cassandra, as the tests that use it find it: its live nodes, a skip reason
 * when none runs (except in CI, which starts one: there a missing node fails the test), and the
 * target of its read-state table.
 */
const cluster = clusterStatus();

export const labNodes = cluster?.members.filter((member) => member.alive) ?? [];

export const skipWithoutLabNode: string | false =
  labNodes.length > 0 || process.env.CI === 'true' ? false : 'no Cassandra is running (readstate-lab cassandra start); CI starts one';

export function labTarget(): CassandraTarget {
  return {
    contactPoints: labNodes.map((member) => member.address),
    localDataCenter: LOCAL_DATA_CENTER,
    keyspace: CASSANDRA_KEYSPACE,
    table: CASSANDRA_TABLE,
    consistency: consistencyFor(cluster?.nodes ?? 1),
  };
}

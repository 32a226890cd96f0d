import { clusterStatus } from '../cassandra/cluster.js';
import type { CassandraSettings } from '../results/schema.js';
import type { CassandraTarget } from '../store/cassandra-target.js';

/**
 * What a run records of --store cassandra's database, beside `store: "cassandra"`: the contact
 * points, the node count and consistency level the stores were given (store-flag.ts chose them;
 * the Node, Go and Rust stores take that level as it is), and the collector and heap of the lab's
 * cluster when the contact points are its nodes. Spread into the run's settings: nothing for the
 * other stores.
 */
export function cassandraSettingsOf(target: CassandraTarget | undefined): { cassandra?: CassandraSettings } {
  if (target === undefined) return {};
  const cluster = clusterStatus();
  const hosts = new Set(target.contactPoints.map((point) => point.replace(/:\d+$/, '')));
  const labs = cluster?.members.some((member) => hosts.has(member.address)) ? cluster : undefined;
  return {
    cassandra: {
      contactPoints: [...target.contactPoints],
      nodes: labs?.nodes ?? target.contactPoints.length,
      consistency: target.consistency,
      ...(labs === undefined ? {} : { collector: labs.gc === 'zgc' ? 'ZGC' : 'G1', heap: labs.heap }),
    },
  };
}

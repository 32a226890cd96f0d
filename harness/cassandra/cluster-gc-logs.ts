/**
 * The GC logs of the lab's running Cassandra nodes, when a store's contact points name any of
 * them, so a row can read the database's own pauses beside the service's. Every live node is
 * taken, not only those named: the driver finds the rest of the ring and writes to them too.
 * Contact points that name no node of the lab's cluster (a database of the user's own) have no
 * log the lab can read: none.
 */
import { clusterStatus } from './cluster.js';

export interface ClusterGcLog {
  readonly address: string;
  readonly collector: 'G1' | 'ZGC';
  readonly gcLogPath: string;
}

/** The live nodes of the lab's cluster, with their GC logs, when `contactPoints` (host or host:port) name one of them. */
export function clusterGcLogs(contactPoints: readonly string[]): ClusterGcLog[] {
  const cluster = clusterStatus();
  if (cluster === undefined) return [];
  const hosts = new Set(contactPoints.map((point) => point.replace(/:\d+$/, '')));
  const alive = cluster.members.filter((member) => member.alive);
  if (!alive.some((member) => hosts.has(member.address))) return [];
  const collector = cluster.gc === 'zgc' ? 'ZGC' : 'G1';
  return alive.map((member) => ({ address: member.address, collector, gcLogPath: member.gcLogPath }));
}

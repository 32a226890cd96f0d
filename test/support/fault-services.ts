import { referenceStoreFlags } from '../../harness/drive/service-process.js';
import { dropTable } from '../../harness/store/cassandra-tables.js';
import type { CassandraTarget } from '../../harness/store/cassandra-target.js';
import { referenceUnavailableReason } from '../../implementations/reference-services.js';
import { type ServerProcess, startReference, startServer } from './server-process.js';

/**
 * The three services the fault tests load, each on its own Cassandra table, started as a user
 * would start them: typed-array behind `readstate-lab serve --store cassandra:HOSTS`, and the Go
 * and Rust binaries with the flags `load` gives them. A cache of 8 read states makes nearly
 * every ack a miss (a read) and an eviction (a write-back), so the database is in every answer.
 */
export const FAULT_SERVICES = ['typed-array', 'go-lru', 'rust-btree'] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];

const CAPACITY = '8';

export function startFaultService(service: FaultService, target: CassandraTarget): Promise<ServerProcess> {
  if (service === 'typed-array') {
    const store = ['--store', `cassandra:${target.contactPoints.join(',')}`, '--db', target.table];
    return startServer(['--impl', 'typed-array', '--capacity', CAPACITY, ...store, '--gc-mode', 'none']);
  }
  return startReference(service, ['--capacity', CAPACITY, ...referenceStoreFlags({ dbPath: '', cassandra: target })]);
}

/** Why `service` cannot run here (a reference binary not built), or undefined. */
export function faultServiceUnavailable(service: FaultService): string | undefined {
  if (service === 'typed-array') return undefined;
  return referenceUnavailableReason(service, '') === undefined ? undefined : `${service} not built (npm run build:references)`;
}

/** The fault services that can run here; `say` hears why each of the others is left out. */
export function availableFaultServices(say: (line: string) => void = () => {}): FaultService[] {
  return FAULT_SERVICES.filter((service) => {
    const why = faultServiceUnavailable(service);
    if (why !== undefined) say(`${service} left out: ${why}`);
    return why === undefined;
  });
}

/**
 * A fault test's cleanup, whatever happened before it: every service stopped (a second stop of
 * one already stopped does nothing) and every table dropped, a table that will not drop said to
 * `say`, not thrown. The drops go out together: with a node of the cluster killed, each waits
 * out the driver's schema agreement (it cannot agree with a dead node), and in turn six did so
 * one after another.
 */
export async function stopServicesAndDropTables(
  runs: readonly { readonly server: ServerProcess; readonly target: CassandraTarget }[],
  say: (line: string) => void,
): Promise<void> {
  await Promise.all(runs.map(({ server }) => server.stop().catch(() => {})));
  await Promise.all(runs.map(({ target }) => dropTable(target).catch((error: Error) => say(`could not drop ${target.table}: ${error.message}`))));
}

import type { ReadState } from '../../implementations/contract.js';
import { readCassandraStates } from './cassandra-tables.js';
import type { CassandraTarget } from './cassandra-target.js';
import { readDatabaseStates } from './read-database.js';

/**
 * Every read state a stopped service left in its store, whichever kind: its SQLite file, or its
 * Cassandra table (read with a client of the check's own). What the nothing-lost check compares.
 */
export async function readStoredStates(where: { readonly dbPath: string; readonly cassandra?: CassandraTarget | undefined }): Promise<ReadState[]> {
  return where.cassandra === undefined ? readDatabaseStates(where.dbPath) : readCassandraStates(where.cassandra);
}

/**
 * The keyspace and the read-state table every store shares. The columns are the SQLite store's
 * (harness/store/read-states-sql.ts), named the same, so the stores differ only in where they write.
 */
import { CASSANDRA_KEYSPACE, CASSANDRA_TABLE, LOCAL_DATA_CENTER } from './cluster.js';
import { cassandraDriver } from './driver.js';

export const CREATE_KEYSPACE = (replication: number) =>
  `CREATE KEYSPACE IF NOT EXISTS ${CASSANDRA_KEYSPACE} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${replication}}`;

/**
 * The read-state table as CQL, in any keyspace and under any name: the lab's own table, and the
 * fresh table each run row writes (store/cassandra-tables.ts). One partition per (user,
 * channel), so every write is one partition's.
 */
export function readStatesTableCql(keyspace: string, table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${keyspace}.${table} (
  user_id bigint,
  channel_id bigint,
  last_read_message_id bigint,
  mention_count int,
  updated_at double,
  PRIMARY KEY ((user_id, channel_id))
)`;
}

/** Long enough for three nodes on a busy machine to agree on a new table. */
const SCHEMA_TIMEOUT_MS = 60_000;

/** Creates the keyspace (replication 1 or 3) and the table, once every node answers CQL. */
export async function createSchema(contactPoints: readonly string[], replication: number): Promise<void> {
  const { Client } = await cassandraDriver();
  const client = new Client({
    contactPoints: [...contactPoints],
    localDataCenter: LOCAL_DATA_CENTER,
    socketOptions: { readTimeout: SCHEMA_TIMEOUT_MS, connectTimeout: SCHEMA_TIMEOUT_MS },
    protocolOptions: { maxSchemaAgreementWaitSeconds: SCHEMA_TIMEOUT_MS / 1000 },
  });
  try {
    await client.connect();
    await client.execute(CREATE_KEYSPACE(replication));
    await client.execute(readStatesTableCql(CASSANDRA_KEYSPACE, CASSANDRA_TABLE));
  } finally {
    await client.shutdown();
  }
}

/** Whether the keyspace and the table exist, as a node's schema tables say. */
export async function schemaExists(contactPoints: readonly string[]): Promise<boolean> {
  const { Client } = await cassandraDriver();
  const client = new Client({ contactPoints: [...contactPoints], localDataCenter: LOCAL_DATA_CENTER });
  try {
    await client.connect();
    const result = await client.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?', [
      CASSANDRA_KEYSPACE,
      CASSANDRA_TABLE,
    ]);
    return result.rowLength === 1;
  } finally {
    await client.shutdown();
  }
}

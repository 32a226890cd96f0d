import type { ReadState } from '../../implementations/contract.js';
import { readStatesTableCql } from '../cassandra/schema.js';
import { CASSANDRA_SLOW_REQUEST_TIMEOUT_MS } from '../tuning.js';
import { connectCassandra, dumpTable } from './cassandra-backend.js';
import { messageOf } from './cassandra-batches.js';
import { type CassandraTarget, describeCassandraTarget, withTable } from './cassandra-target.js';
import { WRITE_WIDTH } from './protocol.js';

const SLOW = { readTimeout: CASSANDRA_SLOW_REQUEST_TIMEOUT_MS };

/**
 * The tables a run keeps its read states in, and reading them back for the nothing-lost check.
 * Each row of `run` gets a fresh table of its own, dropped after its check, so rows (and runs,
 * and tests beside each other) never see each other's states. `load` truncates the shared table
 * instead: the Go and Rust services know only that one.
 */
export async function createFreshTable(target: CassandraTarget, purpose: string): Promise<CassandraTarget> {
  const table = `${target.table}_${purpose}_${process.pid}_${Date.now().toString(36)}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 48);
  await withClient(target, async (client) => {
    await client.execute(readStatesTableCql(target.keyspace, table), [], SLOW);
  });
  return withTable(target, table);
}

/**
 * Runs `work` with a fresh table of `target`'s (createFreshTable) and drops the table afterwards,
 * however `work` ended; with no target, `work` runs with none.
 */
export async function withFreshTable<T>(
  target: CassandraTarget | undefined,
  purpose: string,
  work: (table: CassandraTarget | undefined) => Promise<T>,
): Promise<T> {
  if (target === undefined) return work(undefined);
  const table = await createFreshTable(target, purpose);
  try {
    return await work(table);
  } finally {
    await dropTable(table).catch(() => {});
  }
}

/** Creates the target's table unless it exists. */
export async function ensureTable(target: CassandraTarget): Promise<void> {
  await withClient(target, async (client) => {
    await client.execute(readStatesTableCql(target.keyspace, target.table), [], SLOW);
  });
}

export async function dropTable(target: CassandraTarget): Promise<void> {
  await withClient(target, async (client) => {
    await client.execute(`DROP TABLE IF EXISTS ${target.keyspace}.${target.table}`, [], SLOW);
  });
}

/** Empties the target's table (every replica must be up). */
export async function truncateTable(target: CassandraTarget): Promise<void> {
  await withClient(target, async (client) => {
    await client.execute(`TRUNCATE ${target.keyspace}.${target.table}`, [], SLOW);
  });
}

/** Every read state in the target's table, read with a client of its own at the target's consistency. */
export async function readCassandraStates(target: CassandraTarget): Promise<ReadState[]> {
  const rows = await withClient(target, (client) => dumpTable(client, `${target.keyspace}.${target.table}`));
  const states: ReadState[] = [];
  for (let i = 0; i < rows.length; i += WRITE_WIDTH) {
    states.push({ userId: rows[i]!, channelId: rows[i + 1]!, lastReadMessageId: rows[i + 2]!, mentionCount: rows[i + 3]!, updatedAt: rows[i + 4]! });
  }
  return states;
}

/** Runs `work` with a client of its own; a failure is one line naming the cluster and table. */
async function withClient<T>(target: CassandraTarget, work: (client: Awaited<ReturnType<typeof connectCassandra>>) => Promise<T>): Promise<T> {
  let client: Awaited<ReturnType<typeof connectCassandra>> | undefined;
  try {
    client = await connectCassandra(target);
    return await work(client);
  } catch (error) {
    throw new Error(`${describeCassandraTarget(target)}: ${messageOf(error)}`);
  } finally {
    await client?.shutdown().catch(() => {});
  }
}
